import { Router } from 'express';
import { getCampaign } from '../campaigns/campaign.service.js';
import { responseExists } from './response.queries.js';
import { setResponseTranscript } from './response.recordings.js';
import { AppError, notFound } from '../shared/errors.js';
import { LIMITS } from '../shared/validation.js';
import { sendMedia, subtitleText, subtitleUpload, uploadError } from '../media/media.http.js';
import { findMedia } from '../media/media.service.js';
import { parseSubtitles } from '../media/subtitles.js';

/**
 * Leads and stakeholders: playback of submitted recordings (campaign access checked by the guard
 * in app.ts before this runs; stakeholders may GET `/media/:id`); leads: transcript editing.
 */
export function recordingLeadRouter(): Router {
  const router = Router();

  // GET /lead/campaigns/:id/media/:mediaId — streams the recording (Range: 206/416/200)
  router.get('/campaigns/:id/media/:mediaId', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    const media = await findMedia(String(req.params.mediaId));
    if (!media || String(media.campaignId) !== String(campaign._id)) throw notFound('Recording');
    // Only recordings of submitted responses: a draft's recording is the respondent's until they send it.
    if (!(await responseExists(media.ownerKey))) throw notFound('Recording');
    res.set('Cache-Control', 'private, no-store');
    await sendMedia(req, res, media);
  });

  // POST /lead/campaigns/:id/responses/:rid/transcript/:key — typed text, or a VTT/SRT file
  router.post('/campaigns/:id/responses/:rid/transcript/:key', async (req, res, next) => {
    const campaign = await getCampaign(req.params.id);
    const back = `/lead/campaigns/${String(campaign._id)}/responses/${encodeURIComponent(req.params.rid)}`;
    const save = async () => {
      if (req.file) {
        const parsed = parseSubtitles(subtitleText(req.file));
        await setResponseTranscript(campaign._id, req.params.rid, req.params.key, { text: parsed.text, cues: parsed.cues });
      } else {
        const text = (req.body as { text?: unknown } | undefined)?.text;
        if (typeof text !== 'string') throw new AppError(400, 'transcript_missing', 'Type the transcript or choose a WebVTT/SRT file.', { expose: true });
        if (text.length > LIMITS.answer) throw new AppError(400, 'validation_failed', 'The transcript is too long.', { expose: true });
        await setResponseTranscript(campaign._id, req.params.rid, req.params.key, { text });
      }
      if (req.accepts(['html', 'json']) === 'json') return void res.json({ saved: true });
      res.redirect(303, `${back}?transcript=saved#answer-${req.params.key}`);
    };
    if (!req.is('multipart/form-data')) return save();
    subtitleUpload(req, res, (err?: unknown) => (err ? next(uploadError(err, 2 * 1024 * 1024)) : save().catch(next)));
  });

  return router;
}
