import { Router, type Response } from 'express';
import { z } from 'zod';
import { getCampaign } from '../campaigns/campaign.service.js';
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { parseOrThrow, toFieldErrors } from '../shared/validation.js';
import { eraseParticipant, eraseResponse, recentErasures, type ErasureOutcome } from './erasure.js';
import { exportForPersonalLink } from './subject-export.js';

const eraseSchema = z.object({
  subject: z.string().trim().min(1, 'validation.required').max(2000, 'validation.too_long'),
  confirm: z.literal('yes', { message: 'validation.erasure_confirm' }),
});

/** /admin/privacy — access exports and erasure requests (admins only; mounted behind requireUser(['admin'])). */
export function privacyAdminRouter(deps: { logger?: Logger } = {}): Router {
  const router = Router();

  async function render(res: Response, status: number, extra: { fields?: Record<string, string>; values?: Record<string, string>; outcome?: ErasureOutcome; notFound?: boolean } = {}) {
    const fields = extra.fields ?? {};
    res.status(status).render('admin/privacy', {
      title: res.locals.t('privacy.title'),
      erasures: await recentErasures(),
      fieldErrors: fields,
      errorList: Object.entries(fields).map(([field, key]) => ({ field, message: res.locals.t(key as never) })),
      values: extra.values ?? { subject: '' },
      outcome: extra.outcome,
      notFound: extra.notFound ?? false,
    });
  }

  // GET /admin/privacy
  router.get('/privacy', async (_req, res) => render(res, 200));

  // POST /admin/erasure — erase a person's data by personal link or invitation e-mail
  router.post('/erasure', async (req, res) => {
    const values = { subject: typeof req.body?.subject === 'string' ? req.body.subject.slice(0, 2000) : '' };
    const parsed = eraseSchema.safeParse(req.body ?? {});
    if (!parsed.success) return render(res, 400, { fields: toFieldErrors(parsed.error), values });
    try {
      const outcome = await eraseParticipant(parsed.data.subject, { id: res.locals.user?.id }, deps.logger);
      return render(res, 200, { outcome });
    } catch (err) {
      if (err instanceof AppError && err.status === 404) return render(res, 404, { notFound: true, values });
      throw err;
    }
  });

  // POST /admin/data-export — everything stored about one personal link, as a JSON download
  router.post('/data-export', async (req, res) => {
    const { link } = parseOrThrow(z.object({ link: z.string().trim().min(1, 'validation.required').max(2000) }), req.body ?? {});
    const data = await exportForPersonalLink(link);
    res.set('Cache-Control', 'no-store');
    res.attachment(`workplace-voice-data-export-${new Date().toISOString().slice(0, 10)}.json`);
    res.json(data);
  });

  return router;
}

/** A lead deletes one response of their campaign: an erasure (mounted on /lead, behind the campaign guard). */
export function privacyLeadRouter(deps: { logger?: Logger } = {}): Router {
  const router = Router();
  // POST /lead/campaigns/:id/responses/:rid/delete
  router.post('/campaigns/:id/responses/:rid/delete', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    await eraseResponse(campaign, req.params.rid, { id: res.locals.user?.id }, deps.logger);
    res.redirect(303, `/lead/campaigns/${String(campaign._id)}/responses?deleted=1`);
  });
  return router;
}
