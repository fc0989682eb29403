import { z } from 'zod';
import type { Filter } from './types.js';
import { idPattern } from '../shared/ids.js';
import { answerDimensionKey } from '../campaigns/answer-dimensions.js';

const value = z.string().trim().min(1).max(100);

/** `?run=` picks an earlier run; anything malformed means "the latest run". */
export const runQuerySchema = z.object({ run: z.string().regex(idPattern('objectId')).optional().catch(undefined) });

/** What a drill-down shows: the answers behind one number or chart element. */
export const drillQuerySchema = z.object({
  kind: z.enum(['all', 'code', 'type', 'cluster']).catch('all'),
  role: z.enum(['current_practice', 'meaning', 'challenges', 'future', 'custom']).optional().catch(undefined),
  field: z.enum(['channels', 'themes', 'features']).optional().catch(undefined),
  code: value.optional().catch(undefined),
  type: z.enum(['technical', 'cultural']).optional().catch(undefined),
  cluster: value.optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
export type DrillQuery = z.infer<typeof drillQuerySchema>;

/**
 * Filters from the query string: `seg-<segment key>=<option key>`, `language=<code>` and
 * `ans-<question key>=<band or choice>` (a single-choice or scale answer as a dimension,
 * src/campaigns/answer-dimensions.ts). Only keys of the campaign's segments and dimension
 * questions are read; values are checked against the run's data later. Empty values ("all")
 * are ignored. The order is the plan's: segments, language, answers.
 */
export function filtersFrom(query: Record<string, unknown>, segmentKeys: readonly string[], answerQuestionKeys: readonly string[] = []): Filter[] {
  const out: Filter[] = [];
  for (const key of segmentKeys) {
    const v = value.safeParse(query[`seg-${key}`]);
    if (v.success) out.push({ dim: key, value: v.data });
  }
  const lang = value.safeParse(query.language);
  if (lang.success) out.push({ dim: 'language', value: lang.data });
  for (const key of answerQuestionKeys) {
    const v = value.safeParse(query[`ans-${key}`]);
    if (v.success) out.push({ dim: answerDimensionKey(key), value: v.data });
  }
  return out;
}

/**
 * `?dim=` of the segment comparison: a segment key, `language` or `answer:<question key>`;
 * unknown or malformed means the first.
 */
export const segmentsQuerySchema = z.object({ dim: z.string().trim().regex(/^(answer:)?[a-z0-9_-]{1,40}$/i).optional().catch(undefined) });

/** `?from=&to=` of the comparison page: two finished runs; malformed ids mean "the default". */
export const compareQuerySchema = z.object({
  from: z.string().regex(idPattern('objectId')).optional().catch(undefined),
  to: z.string().regex(idPattern('objectId')).optional().catch(undefined),
});
