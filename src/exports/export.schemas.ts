import { z } from 'zod';

/** `?variant=excel-de` for German Excel (BOM, semicolons, CRLF), `?lang=` for headers and labels. */
export const exportQuerySchema = z.object({
  variant: z.enum(['standard', 'excel-de']).default('standard'),
  lang: z.enum(['de', 'en']).optional(),
});
