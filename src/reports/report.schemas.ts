import { z } from 'zod';

/** The report's language: `?lang=de|en` (otherwise the UI language). */
export const reportQuerySchema = z.object({ lang: z.enum(['de', 'en']).optional() });

/** Form of the share-links page. Messages are i18n keys (shown next to the field). */
export const shareCreateSchema = z.object({
  label: z.string().trim().max(80, 'report.shares.label_invalid').regex(/^[^\r\n<>]*$/, 'report.shares.label_invalid').default(''),
  days: z.coerce.number('report.shares.days_invalid').int('report.shares.days_invalid').min(1, 'report.shares.days_invalid').max(90, 'report.shares.days_invalid'),
});
export type ShareCreateInput = z.output<typeof shareCreateSchema>;

/** Raw share tokens are 43 base64url characters (256 bits); anything else is not looked up. */
export const SHARE_TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
