import { z } from 'zod';
import { idPattern } from '../shared/ids.js';

/** `:runId` of the progress route; anything else is an unknown run (404, not 400). */
export const runParamsSchema = z.object({ runId: z.string().regex(idPattern('objectId')) });

/** `?run=` on the runs page: the run just started, whose progress the page follows. */
export const runsPageQuerySchema = z.object({ run: z.string().regex(idPattern('objectId')).optional().catch(undefined) });
