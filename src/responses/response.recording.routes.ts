import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { findByPublicToken, type Campaign } from '../campaigns/campaign.service.js';
import { resumeTokenOf } from '../http/security.js';
import { resolveLanguage, setLanguage } from '../http/locals.js';
import { draftKeyFor, ensureDraft } from './response.service.js';
import { detachFromDraft, setDraftTranscript, storeRecording } from './response.recordings.js';
import { AppError, notFound } from '../shared/errors.js';
import type { Lang } from '../shared/i18n/index.js';
import { sendMedia, subtitleText, subtitleUpload, uploadError } from '../media/media.http.js';
import { findMedia, mediaIdFor, mediaView, type MediaOptions, type MediaDoc } from '../media/media.service.js';
import { parseSubtitles } from '../media/subtitles.js';

interface UploadContext {
  campaign: Campaign;
  ownerKey: string;
  questionKey: string;
  mediaId: string;
}

const contexts = new WeakMap<Request, UploadContext>();
type StoredFile = Express.Multer.File & { media?: MediaDoc; repeated?: boolean };

/**
 * multer 2 storage engine that streams the file part straight into the media store (through
 * the magic-byte and size checks): nothing is buffered whole, in memory or on a temporary disk.
 */
class MediaStorageEngine implements multer.StorageEngine {
  constructor(private readonly opts: MediaOptions) {}

  _handleFile(req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Partial<StoredFile>) => void): void {
    const ctx = contexts.get(req);
    if (!ctx) return cb(new Error('upload context missing'));
    const body = (req.body ?? {}) as Record<string, unknown>;
    storeRecording(this.opts, {
      campaignId: ctx.campaign._id,
      ownerKey: ctx.ownerKey,
      questionKey: ctx.questionKey,
      mediaId: ctx.mediaId,
      // destroyOnReturn: false — a refused file must not destroy multer's stream (multer would then
      // report an AbortError instead of our message); the rest of the part is drained below.
      source: file.stream.iterator({ destroyOnReturn: false }),
      originalName: file.originalname ?? '',
      audioOnly: body.audioOnly === '1' || req.headers['x-audio-only'] === '1',
    }).then(
      ({ media, repeated }) => cb(null, { media, repeated, size: media.size }),
      (err: unknown) => {
        // Stop reading the rest of the part; multer then ends the request with our error.
        file.stream.resume();
        cb(err);
      },
    );
  }

  _removeFile(req: Request, file: StoredFile, cb: (error: Error | null) => void): void {
    const ctx = contexts.get(req);
    if (!ctx || !file.media) return cb(null);
    detachFromDraft(ctx.ownerKey, ctx.questionKey).then(
      () => cb(null),
      (err: Error) => cb(err),
    );
  }
}

async function loadOpenCampaign(req: Request, res: Response): Promise<Campaign> {
  const campaign = await findByPublicToken(String(req.params.token));
  if (!campaign || campaign.status === 'draft') throw notFound('Campaign');
  // Error pages of these routes (no JavaScript) speak like the campaign: its languages, Du or Sie.
  setLanguage(res, resolveLanguage(req, res, campaign.languages as Lang[]), campaign.address === 'du' ? 'du' : 'sie');
  return campaign;
}

function deviceKey(req: Request): string {
  const token = resumeTokenOf(req);
  if (!token) throw new AppError(404, 'no_draft', 'No answers started on this device; reload the page.', { expose: true });
  return draftKeyFor(token);
}

function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}

/** Respondents' recordings: upload (streamed), own playback, subtitle upload. Mounted on `/r`. */
export function recordingRespondRouter(opts: MediaOptions): Router {
  const router = Router();
  // For the recorder on the answer page (views/media/recorder.ejs).
  router.use((_req, res, next) => {
    res.locals.mediaConfig = { maxBytes: opts.maxBytes, maxSeconds: opts.maxSeconds, transcribe: Boolean(opts.transcriber) };
    next();
  });

  // POST /r/:token/media/:question — multipart field `file`; header Idempotency-Key makes retries safe.
  router.post('/:token/media/:question', async (req: Request, res: Response, next: NextFunction) => {
    const campaign = await loadOpenCampaign(req, res);
    if (campaign.status !== 'open') throw new AppError(410, 'campaign_closed', 'This campaign is closed.', { expose: true });
    const question = campaign.questions.find((q) => q.key === req.params.question);
    if (!question || !question.modes.includes('video')) throw notFound('Question');
    const ownerKey = deviceKey(req);
    // The recording belongs to the device's draft: created now from the consent cookie if the
    // respondent records before typing anything (refused once the device has submitted).
    const lang = (campaign.languages as string[]).includes(res.locals.lang) ? res.locals.lang : (campaign.languages[0] as Lang);
    await ensureDraft(campaign, resumeTokenOf(req)!, { consent: res.locals.consent, lang });
    if (!req.is('multipart/form-data')) throw new AppError(415, 'unsupported_media_type', 'Upload the recording as multipart/form-data (field "file").', { expose: true });
    // Far above the limit: refuse before reading a byte (the streamed check catches lying clients).
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > opts.maxBytes + 64 * 1024) {
      res.set('Connection', 'close');
      throw uploadError(new multer.MulterError('LIMIT_FILE_SIZE', 'file'), opts.maxBytes);
    }
    const idem = String(req.headers['idempotency-key'] ?? req.query.key ?? '');
    if (idem && !/^[A-Za-z0-9_-]{8,64}$/.test(idem)) throw new AppError(400, 'invalid_idempotency_key', 'Invalid Idempotency-Key.', { expose: true });
    const mediaId = mediaIdFor(ownerKey, idem || undefined);
    // A retry of an upload that already succeeded: answer at once, without reading the body again.
    const earlier = idem ? await findMedia(mediaId) : null;
    if (earlier && earlier.ownerKey === ownerKey) {
      res.set('Connection', 'close');
      return void respond(req, res, earlier, true);
    }
    contexts.set(req, { campaign, ownerKey, questionKey: question.key, mediaId });
    const upload = multer({
      storage: new MediaStorageEngine(opts),
      limits: { fileSize: opts.maxBytes, files: 1, fields: 5, fieldSize: 1024, parts: 6 },
    }).single('file');
    upload(req, res, (err?: unknown) => {
      if (err) return next(uploadError(err, opts.maxBytes));
      const file = req.file as StoredFile | undefined;
      if (!file?.media) return next(new AppError(400, 'media_missing', 'Choose a recording or a file to upload (field "file").', { expose: true }));
      respond(req, res, file.media, Boolean(file.repeated));
    });
  });

  function respond(req: Request, res: Response, media: MediaDoc, repeated: boolean): void {
    if (!wantsJson(req)) return res.redirect(303, `/r/${String(req.params.token)}/answer?uploaded=${encodeURIComponent(media.questionKey)}`);
    res.status(repeated ? 200 : 201).json({ media: { ...mediaView(media), url: `/r/${String(req.params.token)}/media/${media._id}` }, repeated });
  }

  // GET /r/:token/media/:mediaId — the device's own recording (to play it back before submitting)
  router.get('/:token/media/:mediaId', async (req, res) => {
    const campaign = await loadOpenCampaign(req, res);
    const media = await findMedia(String(req.params.mediaId));
    const ownerKey = resumeTokenOf(req) ? deviceKey(req) : '';
    if (!media || media.ownerKey !== ownerKey || String(media.campaignId) !== String(campaign._id)) throw notFound('Recording');
    res.set('Cache-Control', 'private, no-store');
    await sendMedia(req, res, media);
  });

  // GET /r/:token/media/:mediaId/status — automatic transcription progress (JSON)
  router.get('/:token/media/:mediaId/status', async (req, res) => {
    await loadOpenCampaign(req, res);
    const media = await findMedia(String(req.params.mediaId));
    if (!media || !resumeTokenOf(req) || media.ownerKey !== deviceKey(req)) throw notFound('Recording');
    res.set('Cache-Control', 'no-store').json({ media: mediaView(media) });
  });

  // POST /r/:token/media/:question/remove — back to a typed answer: the recording is deleted
  router.post('/:token/media/:question/remove', async (req, res) => {
    const campaign = await loadOpenCampaign(req, res);
    if (campaign.status !== 'open') throw new AppError(410, 'campaign_closed', 'This campaign is closed.', { expose: true });
    await detachFromDraft(deviceKey(req), String(req.params.question));
    if (wantsJson(req)) return void res.json({ removed: true });
    res.redirect(303, `/r/${String(req.params.token)}/answer`);
  });

  // POST /r/:token/transcript/:question — a WebVTT/SRT file becomes the answer's transcript (cue times kept)
  router.post('/:token/transcript/:question', async (req, res, next) => {
    const campaign = await loadOpenCampaign(req, res);
    if (campaign.status !== 'open') throw new AppError(410, 'campaign_closed', 'This campaign is closed.', { expose: true });
    const question = campaign.questions.find((q) => q.key === req.params.question);
    if (!question || !question.modes.includes('video')) throw notFound('Question');
    const ownerKey = deviceKey(req);
    subtitleUpload(req, res, (err?: unknown) => {
      if (err) return next(uploadError(err, 2 * 1024 * 1024));
      Promise.resolve()
        .then(async () => {
          const parsed = parseSubtitles(subtitleText(req.file));
          await setDraftTranscript(ownerKey, question.key, parsed.text, parsed.cues);
          if (!wantsJson(req)) return void res.redirect(303, `/r/${String(req.params.token)}/answer`);
          res.json({ text: parsed.text, cues: parsed.cues.length, format: parsed.format });
        })
        .catch(next);
    });
  });

  return router;
}
