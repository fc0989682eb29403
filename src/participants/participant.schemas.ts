import { z } from 'zod';

export const participantListQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

export const publicLinkSchema = z.object({ enabled: z.enum(['on', 'off']) });

/** Campaign settings on the participants page (sender, reminder schedule, minimum group size). */
export const mailingSettingsSchema = z.object({
  senderName: z.string().trim().max(100, 'validation.too_long').regex(/^[^\r\n<>"]*$/, 'validation.invalid').default(''),
  replyTo: z.union([z.literal(''), z.string().trim().max(254, 'validation.too_long').pipe(z.email('validation.invalid_email'))]).default(''),
  reminderAfterDays: z.coerce.number('validation.invalid').int('validation.invalid').min(0, 'validation.invalid').max(60, 'validation.invalid'),
  maxReminders: z.coerce.number('validation.invalid').int('validation.invalid').min(0, 'validation.invalid').max(5, 'validation.invalid'),
  /** One reminder this many days before the campaign's close date; 0 = none. Left out: unchanged. */
  reminderBeforeCloseDays: z.coerce.number('validation.invalid').int('validation.invalid').min(0, 'validation.invalid').max(30, 'validation.invalid').optional(),
  // A works council may ask for more than 5, never for less than 3 (smaller is not a group).
  minGroupSize: z.coerce.number('validation.invalid').int('validation.invalid').min(3, 'validation.min_group_size').max(1000, 'validation.invalid'),
});
export type MailingSettingsInput = z.output<typeof mailingSettingsSchema>;

export const importActionSchema = z.object({ action: z.enum(['preview', 'confirm']).default('preview') });
