import { z } from 'zod';
import { idPattern } from '../shared/ids.js';
import { LIMITS } from '../shared/validation.js';

/** The lead's "link campaigns" form (…/series). Labels may stay empty (the title stands in). */
export const linkFormSchema = z.object({
  campaign: z.string({ error: 'series.error.unknown_campaign' }).regex(idPattern('objectId'), 'series.error.choose_campaign'),
  name: z.string().trim().max(LIMITS.label, 'validation.too_long').default(''),
  label: z.string().trim().max(LIMITS.label, 'validation.too_long').default(''),
  otherLabel: z.string().trim().max(LIMITS.label, 'validation.too_long').default(''),
});

/** The trend view's pair of campaigns to compare (ids; anything else: the default pair). */
export const trendQuerySchema = z.object({
  from: z.string().regex(idPattern('objectId')).optional().catch(undefined),
  to: z.string().regex(idPattern('objectId')).optional().catch(undefined),
});
