import { randomBytes, randomUUID } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { findByPublicToken, type Campaign } from '../campaigns/campaign.service.js';
import { campaignText, pickText, segmentFallback, type CampaignText, type Localized, type PickedText } from '../campaigns/campaign.texts.js';
import { resumeTokenOf } from '../http/security.js';
import { readCookie, resolveLanguage, setLanguage } from '../http/locals.js';
import { findForCampaign, type ParticipantContext } from '../participants/participant.service.js';
import { PARTICIPANT_COOKIE } from '../participants/participant.tokens.js';
import { AppError } from '../shared/errors.js';
import type { Lang, MessageKey } from '../shared/i18n/index.js';
import { parseOrThrow, toFieldErrors } from '../shared/validation.js';
import { autosaveSchema, consentSchema, submitSchema, type AnswerValue } from './response.schemas.js';
import { questionType } from '../campaigns/question-types.js';
import type { ConsentCookie } from './consent-cookie.js';
import * as responses from './response.service.js';

const RESUME_COOKIE = 'wv_resume';

declare module 'express-serve-static-core' {
  interface Locals {
    campaign?: Campaign;
    /** The participant behind a valid `wv_participant` cookie for this campaign (personal link). */
    participant?: ParticipantContext | null;
    /** The campaign's title and description in the respondent's language (or the other, marked). */
    texts?: CampaignText;
    pickText?: (text: Localized | null | undefined) => PickedText;
    segmentFallback?: (segment: { label?: Localized | null }, options: Array<{ label?: Localized | null }>) => PickedText;
  }
}

/** Campaign texts in the respondent's language, with the fallback marked (views/respond/fallback-note.ejs). */
function setRespondentTexts(res: Response, campaign: Campaign, lang: Lang): void {
  res.locals.texts = campaignText(campaign, lang);
  res.locals.pickText = (text) => pickText(text, lang);
  res.locals.segmentFallback = (segment, options) => segmentFallback(segment, options, lang);
}

/** Loads the campaign of `/r/:token`; unknown, draft and closed campaigns get a friendly page. */
async function loadCampaign(req: Request, res: Response, next: NextFunction): Promise<void> {
  const campaign = await findByPublicToken(String(req.params.token));
  if (!campaign || campaign.status === 'draft') {
    setLanguage(res, resolveLanguage(req, res));
    res.status(404).render('respond/unavailable', { title: res.locals.t('respond.unavailable.title'), reason: 'unknown' });
    return;
  }
  const lang = resolveLanguage(req, res, campaign.languages as Lang[]);
  // Du or Sie: every German text on the respondent's pages follows the campaign.
  setLanguage(res, lang, campaign.address === 'du' ? 'du' : 'sie');
  res.locals.campaign = campaign;
  setRespondentTexts(res, campaign, lang);
  if (campaign.status === 'closed') {
    const wantsJson = req.accepts(['html', 'json']) === 'json';
    if (wantsJson) {
      res.status(410).json({ error: { code: 'campaign_closed', message: res.locals.t('respond.closed.text') } });
      return;
    }
    res.status(410).render('respond/unavailable', { title: res.locals.t('respond.closed.title'), reason: 'closed' });
    return;
  }
  // Personal link (set by GET /p/:token): only looked up when the cookie is there, so the public
  // flow costs no extra query.
  const participantToken = readCookie(req, PARTICIPANT_COOKIE);
  res.locals.participant = participantToken ? await findForCampaign(campaign._id, participantToken) : null;
  next();
}

/**
 * Who may start a new draft here: anyone while the public link is on; otherwise only someone
 * with a valid personal link. A participant who has already answered starts nothing new.
 */
function refuseNewDraft(res: Response): boolean {
  const campaign = res.locals.campaign!;
  const participant = res.locals.participant;
  if (participant?.status === 'responded') {
    res.status(409).render('respond/unavailable', { title: res.locals.t('respond.already_responded.title'), reason: 'already_responded' });
    return true;
  }
  if (campaign.publicLinkEnabled === false && !participant) {
    res.status(403).render('respond/unavailable', { title: res.locals.t('respond.personal_only.title'), reason: 'personal_only' });
    return true;
  }
  return false;
}

function resumeToken(req: Request): string | undefined {
  const fromSession = resumeTokenOf(req);
  if (fromSession) return fromSession;
  const value = readCookie(req, RESUME_COOKIE);
  return value && /^[A-Za-z0-9_-]{22,64}$/.test(value) ? value : undefined;
}

function base(req: Request): string {
  return `/r/${String(req.params.token)}`;
}

/** Up to ~60 characters of a question, for the error summary. */
function shortPrompt(prompt: string): string {
  const flat = prompt.replace(/\s+/g, ' ').trim();
  return flat.length <= 60 ? flat : `${flat.slice(0, 57).replace(/\s+\S*$/, '')} …`;
}

/**
 * The error summary names what is wrong: "Question 2 ("What does …"): Please answer this
 * question." — each entry links to its field, in the order of the page.
 */
export function errorSummary(res: Response, campaign: Campaign, fieldErrors: Record<string, string>): Array<{ field: string; message: string }> {
  const t = res.locals.t;
  const pick = res.locals.pick;
  const order = [...campaign.segments.map((s) => `segments.${s.key}`), ...campaign.questions.map((q) => `answers.${q.key}`)];
  const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length);
  return Object.entries(fieldErrors)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([field, key]) => {
      const message = t(key as MessageKey);
      const qi = campaign.questions.findIndex((q) => `answers.${q.key}` === field);
      if (qi >= 0) return { field, message: t('respond.error.question', { n: qi + 1, prompt: shortPrompt(pick(campaign.questions[qi].prompt)), message }) };
      const segment = campaign.segments.find((sg) => `segments.${sg.key}` === field);
      if (segment) return { field, message: `${pick(segment.label)}: ${message}` };
      return { field, message };
    });
}

async function renderAnswerForm(
  res: Response,
  status: number,
  opts: { values: { answers: Record<string, AnswerValue>; segments: Record<string, string> }; submissionId: string; fieldErrors?: Record<string, string>; resumeToken?: string },
) {
  const campaign = res.locals.campaign!;
  const fieldErrors = opts.fieldErrors ?? {};
  const errorList = errorSummary(res, campaign, fieldErrors);
  // After a refused submit the page is rendered again: recordings saved on this device stay shown.
  if (res.locals.recordings === undefined && opts.resumeToken) {
    const draft = await responses.findByResumeToken(campaign, opts.resumeToken);
    res.locals.recordings = Object.fromEntries(Object.entries(draft?.answers ?? {}).flatMap(([k, a]) => (a.mediaId ? [[k, a.mediaId]] : [])));
  }
  // Segments that come from the personal link's list are shown, not asked again.
  const fixedSegments = res.locals.participant ? Object.keys(res.locals.participant.segments) : [];
  res.status(status).render('respond/answer', {
    fixedSegments,
    title: res.locals.texts!.title,
    campaign,
    values: opts.values,
    submissionId: opts.submissionId,
    fieldErrors,
    errorList,
  });
}

/** The respondent's flow: welcome + consent → answers (autosaved) → submit → thanks. */
export function respondRouter(consent: ConsentCookie): Router {
  const router = Router();
  router.use('/:token', loadCampaign);

  // GET /r/:token — welcome, language choice and consent (or resume)
  router.get('/:token', async (req, res) => {
    const campaign = res.locals.campaign!;
    const existing = await responses.findByResumeToken(campaign, resumeToken(req));
    if (res.locals.participant) await responses.settleParticipant(campaign, resumeToken(req), res.locals.participant);
    if (existing?.status === 'submitted') return res.redirect(303, `${base(req)}/thanks`);
    // Consent given on this device (a draft, or the consent cookie before the first autosave).
    if (existing || res.locals.consent) return res.redirect(303, `${base(req)}/answer`);
    if (refuseNewDraft(res)) return;
    res.render('respond/welcome', { title: res.locals.texts!.title, campaign, errorList: [], consentVersion: responses.CONSENT_VERSION });
  });

  // POST /r/:token/start — consent given: the device gets its signed consent cookie. No database
  // write: the draft is created by the first autosave or upload (consent-cookie.ts).
  router.post('/:token/start', async (req, res) => {
    const campaign = res.locals.campaign!;
    const parsed = consentSchema.safeParse({ lang: req.body?.lang ?? res.locals.lang, consent: req.body?.consent });
    if (!parsed.success) {
      const fields = toFieldErrors(parsed.error);
      const errorList = Object.entries(fields).map(([field, key]) => ({ field, message: res.locals.t(key) }));
      return res.status(400).render('respond/welcome', { title: res.locals.texts!.title, campaign, errorList, consentVersion: responses.CONSENT_VERSION });
    }
    let token = resumeToken(req);
    const existing = await responses.findByResumeToken(campaign, token);
    if (existing?.status === 'submitted') return res.redirect(303, `${base(req)}/thanks`);
    if (!existing && refuseNewDraft(res)) return;
    if (!token) {
      token = randomBytes(16).toString('base64url');
      res.cookie(RESUME_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: req.secure,
        path: base(req),
        maxAge: 180 * 24 * 3600 * 1000,
      });
    }
    consent.give(req, res, String(req.params.token), token, responses.CONSENT_VERSION);
    // A resumed draft follows the language chosen now.
    if (existing && existing.lang !== parsed.data.lang) await responses.setLanguage(campaign, token, parsed.data.lang);
    res.redirect(303, `${base(req)}/answer?lang=${parsed.data.lang}`);
  });

  // GET /r/:token/answer — the questions, prefilled from the draft
  router.get('/:token/answer', async (req, res) => {
    const campaign = res.locals.campaign!;
    const token = resumeToken(req);
    const draft = await responses.findByResumeToken(campaign, token);
    if (!token || (!draft && !res.locals.consent)) return res.redirect(303, base(req));
    if (draft?.status === 'submitted') return res.redirect(303, `${base(req)}/thanks`);
    if (draft && draft.lang !== res.locals.lang) await responses.setLanguage(campaign, token, res.locals.lang);
    const saved = draft?.answers ?? {};
    // Open answers prefill as text; closed ones as their value, choices or ranking (and "other" text).
    const closedKeys = new Set(campaign.questions.filter((q) => questionType(q) !== 'open').map((q) => q.key));
    const answers: Record<string, AnswerValue> = Object.fromEntries(
      Object.entries(saved).map(([k, a]) => [k, closedKeys.has(k) ? { value: a.value, choices: a.choices, ranking: a.ranking, text: a.text } : a.text]),
    );
    // Video answers: the recorder shows the saved recording (views/media/recorder.ejs).
    res.locals.recordings = Object.fromEntries(Object.entries(saved).flatMap(([k, a]) => (a.mediaId ? [[k, a.mediaId]] : [])));
    const segments = { ...draft?.segments, ...res.locals.participant?.segments };
    await renderAnswerForm(res, 200, { values: { answers, segments }, submissionId: randomUUID() });
  });

  // POST /r/:token/autosave — JSON from the page's script; partial answers
  router.post('/:token/autosave', async (req, res) => {
    const campaign = res.locals.campaign!;
    const token = resumeToken(req);
    if (!token) throw new AppError(404, 'no_draft', 'No draft on this device; reload the page');
    // Only JSON is parsed for autosave; anything else would "save" nothing and still say saved.
    if (!req.is('application/json')) throw new AppError(415, 'unsupported_media_type', 'Autosave expects application/json');
    const input = parseOrThrow(autosaveSchema, req.body ?? {});
    const { savedAt } = await responses.autosave(campaign, token, input, { consent: res.locals.consent, lang: res.locals.lang, participant: res.locals.participant ?? undefined });
    res.json({ savedAt: savedAt.toISOString() });
  });

  // POST /r/:token/submit — the complete answers; idempotent per device and submission id
  router.post('/:token/submit', async (req, res) => {
    const campaign = res.locals.campaign!;
    const token = resumeToken(req);
    if (!token) return res.redirect(303, base(req));
    const body = req.body ?? {};
    const values = {
      answers: answerRecord(body.answers, new Set(campaign.questions.filter((q) => questionType(q) !== 'open').map((q) => q.key))),
      segments: { ...stringRecord(body.segments), ...res.locals.participant?.segments },
    };
    const submissionId = typeof body.submissionId === 'string' ? body.submissionId.slice(0, 64) : '';
    const parsed = submitSchema.safeParse({ submissionId, ...values });
    if (!parsed.success) {
      return renderAnswerForm(res, 400, { values, submissionId: submissionId || randomUUID(), fieldErrors: answerFieldErrors(toFieldErrors(parsed.error)), resumeToken: token });
    }
    try {
      // The answer page says per video question whether it has a saved recording (`recorded[q]`);
      // a form without the field (an older page) makes the service read the draft to find out.
      const recorded = body.recorded === undefined ? undefined : Object.values(stringRecord(body.recorded)).some((v) => v !== '');
      await responses.submit(campaign, token, parsed.data, { lang: res.locals.lang, consent: res.locals.consent, participant: res.locals.participant ?? undefined, recorded });
    } catch (err) {
      if (err instanceof AppError && err.code === 'already_responded') {
        return res.status(409).render('respond/unavailable', { title: res.locals.t('respond.already_responded.title'), reason: 'already_responded' });
      }
      if (err instanceof AppError && err.status === 400 && err.fields) {
        // Keep what they typed: save it to the draft, then show what is missing.
        await responses
          .autosave(campaign, token, parsed.data, { consent: res.locals.consent, lang: res.locals.lang, participant: res.locals.participant ?? undefined })
          .catch(() => undefined);
        return renderAnswerForm(res, 400, { values, submissionId: parsed.data.submissionId, fieldErrors: err.fields, resumeToken: token });
      }
      throw err;
    }
    res.redirect(303, `${base(req)}/thanks`);
  });

  // GET /r/:token/thanks
  router.get('/:token/thanks', async (req, res) => {
    const campaign = res.locals.campaign!;
    const existing = await responses.findByResumeToken(campaign, resumeToken(req));
    if (!existing || existing.status !== 'submitted') return res.redirect(303, base(req));
    res.render('respond/thanks', { title: res.locals.texts!.title, campaign });
  });

  return router;
}

/** `answers.q5.choices.0` → `answers.q5`: a message belongs to its question's box. */
function answerFieldErrors(errors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, msg] of Object.entries(errors)) {
    const m = /^(answers\.[^.]+)\./.exec(path);
    out[m ? m[1] : path] ??= msg;
  }
  return out;
}

/**
 * The answers of the answer page's form: text (`answers[q1]`) and scale points
 * (`answers[q5]=7`) as strings; a choice question's `answers[q6][choices][]` and
 * `answers[q6][text]`; a ranking's `answers[q7][ranks][item]=1`, each only for a closed question
 * (`closedKeys`). Anything else is dropped.
 */
function answerRecord(v: unknown, closedKeys: ReadonlySet<string>): Record<string, AnswerValue> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  const out: Record<string, AnswerValue> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>).slice(0, 50)) {
    if (k === '__proto__' || k === 'constructor') continue;
    if (typeof val === 'string') out[k] = val;
    // Objects only for closed questions: an open question's `answers[q1][$ne]` is no answer at all.
    else if (closedKeys.has(k) && val && typeof val === 'object' && !Array.isArray(val)) {
      const o = val as Record<string, unknown>;
      const closed: Exclude<AnswerValue, string | number> = {};
      if (o.choices !== undefined) closed.choices = ([] as unknown[]).concat(o.choices).filter((c): c is string => typeof c === 'string' && c !== '').slice(0, 60);
      if (typeof o.text === 'string') closed.text = o.text;
      if (o.ranks && typeof o.ranks === 'object' && !Array.isArray(o.ranks)) closed.ranks = stringRecord(o.ranks);
      // A choice question whose boxes were all left unticked posts only its text (or nothing).
      if (closed.choices === undefined && closed.ranks === undefined) closed.choices = [];
      out[k] = closed;
    }
  }
  return out;
}

/** `answers[q1]=…` from a form → `{ q1: '…' }`, ignoring anything that is not a plain string. */
function stringRecord(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>).slice(0, 50)) {
    if (typeof val === 'string' && k !== '__proto__' && k !== 'constructor') out[k] = val;
  }
  return out;
}
