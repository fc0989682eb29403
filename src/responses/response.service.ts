import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import type { Campaign } from '../campaigns/campaign.service.js';
import { claimForSubmit, holdsClaim, markResponded, type ParticipantContext } from '../participants/participant.service.js';
import { claimKeyFor } from '../participants/participant.tokens.js';
import { AppError, badRequest, conflict, gone, notFound, type FieldErrors } from '../shared/errors.js';
import type { Lang } from '../shared/i18n/index.js';
import { DEFAULT_MIN_GROUP_SIZE, LANGUAGE_DIMENSION, planDimensions, planFor, type DisclosurePlan } from '../shared/anonymity.js';
import { DraftModel, insertSubmittedResponse, ResponseModel, type DraftRecord, type ResponseRecord } from './response.model.js';
import { noteDeleted, noteSubmitted, responsePopulation, submittedCount, submittedPage } from './response-list.js';
import { deleteMedia, mediaIdsOf } from '../media/media.service.js';
import { mediaAnswersOf } from './response.recordings.js';
import type { ConsentProof } from './consent-cookie.js';
import { scheduleDraftDelete } from './draft-cleanup.js';
import { parseId } from '../shared/ids.js';
import { submissionIdSchema, type AnswerValue } from './response.schemas.js';
import { allowsOther, choiceKeys, isAnswered, questionType, type QuestionShape } from '../campaigns/question-types.js';
import { OTHER_CHOICE } from '../campaigns/campaign.schemas.js';
import { isDuplicateKey } from '../db/mongo.js';
import { plainRecord } from '../db/mongo.js';

/** Version of the consent text respondents agree to; stored with every response. */
export const CONSENT_VERSION = '2026-11-27';

export interface ResponseView {
  id: string;
  campaignId: string;
  status: 'draft' | 'submitted';
  lang: Lang;
  segments: Record<string, string>;
  /**
   * Video/audio answers also carry their recording's id and the transcript's cue times; closed
   * questions' answers their `value`, `choices` or `ranking` (`text`: "other, namely …").
   */
  answers: Record<string, AnswerView>;
  submissionId?: string;
  submittedAt?: Date;
  source: string;
}

export interface AnswerView {
  text: string;
  mode: string;
  value?: number;
  choices?: string[];
  ranking?: string[];
  mediaId?: string;
  cues?: Array<{ start: number; end: number; text: string }>;
}

export function toView(r: ResponseRecord): ResponseView {
  return { ...common(r), status: 'submitted', submissionId: r.submissionId ?? undefined, submittedAt: r.submittedAt ?? undefined, source: r.source ?? 'web' };
}

function draftView(d: DraftRecord): ResponseView {
  return { ...common(d), status: 'draft', source: 'web' };
}

function common(r: DraftRecord | ResponseRecord) {
  const answers: ResponseView['answers'] = {};
  for (const [k, v] of Object.entries(plainRecord(r.answers))) {
    answers[k] = { text: v?.text ?? '', mode: v?.mode ?? 'text' };
    if (typeof v?.value === 'number') answers[k].value = v.value;
    if (v?.choices?.length) answers[k].choices = [...v.choices];
    if (v?.ranking?.length) answers[k].ranking = [...v.ranking];
    if (v?.mediaId) Object.assign(answers[k], { mediaId: v.mediaId, cues: (v.cues ?? []).map((c) => ({ start: c.start, end: c.end, text: c.text })) });
  }
  return { id: String(r._id), campaignId: String(r.campaignId), lang: r.lang as Lang, segments: plainRecord(r.segments) as Record<string, string>, answers };
}


const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
const webKey = (resumeToken: string) => `d_${hashToken(resumeToken)}`;
/** The `_id` of the device's draft/response (media uploads belong to it). */
export const draftKeyFor = webKey;
const apiKey = (campaignId: unknown, submissionId: string) => `s_${String(campaignId)}_${submissionId}`;

function assertOpen(campaign: Campaign): void {
  if (campaign.status !== 'open') throw gone('This campaign is not open for answers');
}

/**
 * An answer after checking it against its question: `text` always (an open answer's text, or a
 * closed answer's "other, namely …"), and a closed answer's own field — `value` null, `choices`
 * or `ranking` empty when the respondent cleared it (a draft keeps that; a response leaves the
 * answer out).
 */
export interface CleanAnswer {
  text: string;
  value?: number | null;
  choices?: string[];
  ranking?: string[];
}

/** `{ q1: { text } }` → the stored answer shape `{ q1: { text, mode, value?, choices?, ranking?, updatedAt } }`; empty closed answers are left out. */
function answerDocsOf(campaign: Campaign, answers: Record<string, CleanAnswer>, now: Date) {
  const out: Record<string, object> = {};
  for (const q of campaign.questions) {
    const a = answers[q.key];
    if (!a) continue;
    if (questionType(q) === 'open') {
      out[q.key] = { text: a.text, mode: 'text', updatedAt: now };
      continue;
    }
    const closed = {
      ...(typeof a.value === 'number' ? { value: a.value } : {}),
      ...(a.choices?.length ? { choices: a.choices } : {}),
      ...(a.ranking?.length ? { ranking: a.ranking } : {}),
    };
    if (!Object.keys(closed).length) continue;
    out[q.key] = { text: a.text, mode: 'text', ...closed, updatedAt: now };
  }
  return out;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);

/**
 * Checks one answer against its question's type (issue 17): a scale point within the scale, the
 * choices among the options (one for single choice; "other" only where offered, its text kept
 * only with it), a ranking of distinct known items. The form's `ranks` (item → "1", "2", …) become
 * the `ranking`. Partial rankings are fine in a draft; completeness is checked on submit.
 */
export function cleanAnswer(q: QuestionShape, input: AnswerValue): { answer?: CleanAnswer; error?: string } {
  const type = questionType(q);
  const obj: Obj = isObj(input) ? input : {};
  if (type === 'open') {
    const text = typeof input === 'string' ? input : typeof obj.text === 'string' ? obj.text : undefined;
    return text === undefined ? { error: 'validation.answer_shape' } : { answer: { text: normalizeText(text) } };
  }
  if (type === 'scale') {
    const raw = typeof input === 'number' || typeof input === 'string' ? input : obj.value;
    if (raw === '' || raw === null || raw === undefined) return { answer: { text: '', value: null } };
    const value = typeof raw === 'string' && /^-?\d{1,3}$/.test(raw.trim()) ? Number(raw.trim()) : raw;
    if (typeof value !== 'number' || !Number.isInteger(value) || !q.scale || value < q.scale.min || value > q.scale.max) return { error: 'validation.out_of_range' };
    return { answer: { text: '', value } };
  }
  if (type === 'ranking') {
    let ranking: string[];
    if (isObj(obj.ranks)) {
      const ranked = Object.entries(obj.ranks)
        .filter(([, r]) => typeof r === 'string' && /^\d{1,2}$/.test(r.trim()))
        .map(([k, r]) => ({ k, r: Number(r) }));
      if (new Set(ranked.map((x) => x.r)).size !== ranked.length) return { error: 'validation.rank_duplicate' };
      ranking = ranked.sort((a, b) => a.r - b.r).map((x) => x.k);
    } else if (Array.isArray(obj.ranking)) ranking = strings(obj.ranking);
    else if (obj.ranking === undefined && typeof input !== 'string' && typeof input !== 'number') ranking = [];
    else return { error: 'validation.answer_shape' };
    const known = choiceKeys(q);
    if (ranking.length > known.length) return { error: 'validation.too_many_ranked' };
    if (ranking.some((k) => !known.includes(k))) return { error: 'validation.unknown_choice' };
    if (new Set(ranking).size !== ranking.length) return { error: 'validation.rank_duplicate' };
    return { answer: { text: '', ranking } };
  }
  // Single and multiple choice.
  if (typeof input === 'number') return { error: 'validation.answer_shape' };
  let choices = typeof input === 'string' ? (input ? [input] : []) : strings(obj.choices);
  choices = choices.filter((k, i) => choices.indexOf(k) === i);
  const known = choiceKeys(q);
  if (choices.some((k) => !known.includes(k))) return { error: 'validation.unknown_choice' };
  if (type === 'single' && choices.length > 1) return { error: 'validation.one_choice' };
  let text = typeof obj.text === 'string' && allowsOther(q) ? normalizeText(obj.text) : '';
  // Typing an "other" text chooses "other" (a page without JavaScript cannot tick it for them)
  // where that is unambiguous; otherwise the text belongs to no choice and is not kept.
  if (text && !choices.includes(OTHER_CHOICE)) {
    if (type === 'multi' || choices.length === 0) choices.push(OTHER_CHOICE);
    else text = '';
  }
  if (!choices.includes(OTHER_CHOICE)) text = '';
  return { answer: { text, choices } };
}

/** Drops unknown question/segment keys and checks answers and segment values against the campaign. */
function cleanInput(
  campaign: Campaign,
  input: { answers: Record<string, AnswerValue>; segments: Record<string, string> },
): { answers: Record<string, CleanAnswer>; segments: Record<string, string>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const answers: Record<string, CleanAnswer> = {};
  for (const q of campaign.questions) {
    const value = input.answers[q.key];
    if (value === undefined) continue;
    const { answer, error } = cleanAnswer(q, value);
    if (error) errors[`answers.${q.key}`] = error;
    else if (answer) answers[q.key] = answer;
  }
  const segments: Record<string, string> = {};
  for (const s of campaign.segments) {
    const value = input.segments[s.key];
    if (value === undefined || value === '') continue;
    if (!s.options.some((o) => o.key === value)) errors[`segments.${s.key}`] = 'validation.invalid';
    else segments[s.key] = value;
  }
  return { answers, segments, errors };
}

// Unicode NFC so "ü" typed on a Mac and on Windows compare equal; lone surrogates removed.
function normalizeText(text: string): string {
  return text.toWellFormed().normalize('NFC').replace(/\r\n?/g, '\n').trim();
}

/**
 * What a submitted response still lacks: required segments and answers; and, required or not, a
 * chosen "other" without its text, or a ranking that orders only some of its items.
 */
function completenessErrors(campaign: Campaign, answers: Record<string, CleanAnswer>, segments: Record<string, string>, recorded: Record<string, unknown> = {}): FieldErrors {
  const errors: FieldErrors = {};
  for (const s of campaign.segments) if (s.required && !segments[s.key]) errors[`segments.${s.key}`] = 'validation.choose_option';
  for (const q of campaign.questions) {
    const a = answers[q.key];
    const field = `answers.${q.key}`;
    const type = questionType(q);
    if (type === 'ranking' && a?.ranking?.length && a.ranking.length !== choiceKeys(q).length) errors[field] = 'validation.rank_all';
    else if ((type === 'single' || type === 'multi') && a?.choices?.includes(OTHER_CHOICE) && !a.text) errors[field] = 'validation.other_text_required';
    else if (q.required && !isAnswered(q, a, Boolean(recorded[q.key]))) errors[field] = 'validation.answer_required';
  }
  return errors;
}

/**
 * The participant's segments that are valid for the campaign as it is now (a list imported while
 * the campaign was a draft may name options that were edited away since). These are categories
 * only; nothing else about the participant ever reaches a response.
 */
function participantSegments(campaign: Campaign, participant: ParticipantContext | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!participant) return out;
  for (const s of campaign.segments) {
    const value = participant.segments[s.key];
    if (value && s.options.some((o) => o.key === value)) out[s.key] = value;
  }
  return out;
}

/**
 * The fields a draft gets when it is created (by the first autosave or upload after consent):
 * `$setOnInsert` for an upsert on `{_id}`. The participant's list segments are `$set` by the
 * caller, so they also reach drafts made before a personal link was used.
 */
function draftInsertFields(campaign: Campaign, lang: Lang, consent: ConsentProof) {
  return { campaignId: campaign._id, lang, consent: { version: consent.version, at: consent.at } };
}

/** Upsert of the device's draft on `{_id}`; two tabs racing to create it: the loser updates. */
async function upsertDraft(key: string, set: Record<string, unknown>, insertFields: Record<string, unknown>): Promise<void> {
  // Empty maps for what this update does not set (a path cannot be in $set and $setOnInsert).
  const insert = { ...insertFields };
  if (!Object.keys(set).some((k) => k.startsWith('answers.'))) insert.answers = {};
  if (!Object.keys(set).some((k) => k.startsWith('segments.'))) insert.segments = {};
  const update = { $set: set, $setOnInsert: insert };
  try {
    await DraftModel.updateOne({ _id: key }, update, { upsert: true, setDefaultsOnInsert: false });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await DraftModel.updateOne({ _id: key }, { $set: set });
  }
}

/**
 * Makes sure the device has a draft to attach a recording to (src/media): created from the
 * consent cookie when there is none yet. Refused once the device has submitted.
 */
export async function ensureDraft(campaign: Campaign, resumeToken: string, opts: { consent?: ConsentProof; lang: Lang; participant?: ParticipantContext }): Promise<void> {
  assertOpen(campaign);
  const key = webKey(resumeToken);
  if (await ResponseModel.exists({ _id: key })) throw new AppError(409, 'already_submitted', 'This response has already been submitted; reload the page.', { expose: true });
  if (!opts.consent) {
    if (await DraftModel.exists({ _id: key })) return;
    throw new AppError(404, 'no_draft', 'No answers started on this device; reload the page.', { expose: true });
  }
  const fixed = participantSegments(campaign, opts.participant);
  const set = Object.fromEntries(Object.entries(fixed).map(([k, v]) => [`segments.${k}`, v]));
  await upsertDraft(key, set, draftInsertFields(campaign, opts.lang, opts.consent));
}

/** This device's response for the campaign (submitted, else its draft), if any. */
export async function findByResumeToken(campaign: Campaign, resumeToken: string | undefined): Promise<ResponseView | null> {
  if (!resumeToken) return null;
  const key = webKey(resumeToken);
  const submitted = await ResponseModel.findById(key).lean<ResponseRecord>();
  if (submitted) return String(submitted.campaignId) === String(campaign._id) ? toView(submitted) : null;
  const draft = await DraftModel.findById(key).lean<DraftRecord>();
  return draft && String(draft.campaignId) === String(campaign._id) ? draftView(draft) : null;
}

export async function setLanguage(_campaign: Campaign, resumeToken: string, lang: Lang): Promise<void> {
  await DraftModel.updateOne({ _id: webKey(resumeToken) }, { $set: { lang } });
}

/** Saves whatever the respondent has typed so far (partial answers are fine in a draft). */
export async function autosave(
  campaign: Campaign,
  resumeToken: string,
  input: { answers: Record<string, AnswerValue>; segments: Record<string, string> },
  opts: { consent?: ConsentProof; lang?: Lang; participant?: ParticipantContext } = {},
): Promise<{ savedAt: Date }> {
  assertOpen(campaign);
  const { answers, segments, errors } = cleanInput(campaign, input);
  if (Object.keys(errors).length) throw badRequest('Invalid input', errors);
  const key = webKey(resumeToken);
  // Submitted responses never change; checked first because submit inserts before it deletes the draft.
  if (await ResponseModel.exists({ _id: key })) throw new AppError(409, 'already_submitted', 'This response has already been submitted');
  const now = new Date();
  const set: Record<string, unknown> = {};
  // Field-wise, so a recording attached to the answer (src/media) stays.
  for (const [k, a] of Object.entries(answers)) {
    Object.assign(set, { [`answers.${k}.text`]: a.text, [`answers.${k}.updatedAt`]: now });
    if (a.value !== undefined) set[`answers.${k}.value`] = a.value;
    if (a.choices !== undefined) set[`answers.${k}.choices`] = a.choices;
    if (a.ranking !== undefined) set[`answers.${k}.ranking`] = a.ranking;
  }
  for (const s of campaign.segments) if (s.key in input.segments) set[`segments.${s.key}`] = segments[s.key] ?? '';
  // A personal link's segments win over anything typed (they are not asked on the form).
  for (const [k, v] of Object.entries(participantSegments(campaign, opts.participant))) set[`segments.${k}`] = v;
  if (opts.consent) {
    // The first autosave after consent creates the draft (see consent-cookie.ts).
    await upsertDraft(key, set, draftInsertFields(campaign, opts.lang ?? (campaign.languages[0] as Lang), opts.consent));
    return { savedAt: now };
  }
  if (Object.keys(set).length === 0) return { savedAt: now };
  const result = await DraftModel.updateOne({ _id: key }, { $set: set });
  if (result.matchedCount === 0) throw notFound('Draft');
  return { savedAt: now };
}

export interface SubmitOutcome {
  response: ResponseView;
  /** True when this call did not create the submission (a retry or a second click). */
  repeated: boolean;
}

/**
 * Stores the device's complete answers as its response: one insert under the device's `_id`. A
 * retry with the same submission id (or any later submit from the same device) hits the unique
 * `_id` and returns the stored response.
 *
 * The draft is read only for what the form does not carry: recordings (campaigns with video
 * questions) and, on a device without a consent cookie, the consent stored with a draft made
 * before the cookie existed. Afterwards the draft (if the device autosaved one) is deleted in the
 * background, in batches (draft-cleanup.ts): not on the respondent's wait.
 *
 * With a personal link (`participant`), at most ONE submitted response per participant, without
 * transactions, in three single-document steps:
 *   1. claim the participant: `invited` → `submitting` under this device's claim key (a hash of
 *      the resume cookie); a retry from the same device matches its own claim and continues, any
 *      other device gets 409 `already_responded`;
 *   2. insert the response (as without a participant);
 *   3. mark the participant `responded` and drop the claim key.
 * Crash windows: between 1 and 2 the participant is `submitting` and nothing is stored — the same
 * device's retry re-claims (same key) and finishes; other devices are refused, so there is never
 * a second response. Between 2 and 3 the response exists and the participant is still
 * `submitting` — the device's retry (or its next visit, see `settleParticipant`) finds the
 * response and its own claim, and completes step 3. If that device never comes back, the
 * participant stays `submitting`: not counted as responded and not reminded, but never twice.
 *
 * Anonymous campaigns: the response gets the participant's segment categories and nothing else
 * (no participant id, e-mail or token hash); identified campaigns also store `participantId`.
 */
export async function submit(
  campaign: Campaign,
  resumeToken: string,
  input: { submissionId: string; answers: Record<string, AnswerValue>; segments: Record<string, string> },
  opts: {
    lang: Lang;
    consent?: ConsentProof;
    participant?: ParticipantContext;
    /** Whether the answer page declared saved recordings; undefined: not known (read the draft). */
    recorded?: boolean;
  },
): Promise<SubmitOutcome> {
  const { participant } = opts;
  const key = webKey(resumeToken);
  const anonymous = campaign.anonymity !== 'identified';
  const claimKey = participant ? claimKeyFor(resumeToken) : '';
  // A page that says "no recordings" is believed: a client that hides its own recording only
  // leaves that recording out of its own response (it is purged with the campaign's data).
  const withRecordings = opts.recorded ?? campaign.questions.some((q) => q.modes.includes('video'));
  let draft = !opts.consent || withRecordings ? await DraftModel.findById(key).lean<DraftRecord>() : null;
  if (draft && String(draft.campaignId) !== String(campaign._id)) draft = null;

  /** A submit from a device that has already submitted (a retry, a second click, the back button). */
  const earlier = async (): Promise<SubmitOutcome | undefined> => {
    const existing = await ResponseModel.findById(key).lean<ResponseRecord>();
    if (!existing || String(existing.campaignId) !== String(campaign._id)) return undefined;
    if (participant && (await holdsClaim(participant.id, claimKey))) await markResponded(participant.id, claimKey, anonymous);
    return { response: toView(existing), repeated: true };
  };

  const consent = opts.consent ?? draft?.consent ?? undefined;
  if (!consent) {
    const repeat = await earlier();
    if (repeat) return repeat;
    throw notFound('Draft');
  }
  assertOpen(campaign);

  const fixed = participantSegments(campaign, participant);
  const { answers, segments, errors } = cleanInput(campaign, { answers: input.answers, segments: { ...input.segments, ...fixed } });
  // Video/audio answers: the recording comes from the draft, the transcript from the form.
  const recorded = draft ? await mediaAnswersOf(draft, Object.fromEntries(Object.entries(answers).map(([k, a]) => [k, a.text]))) : {};
  // A field already refused keeps its own message (an out-of-range value is not "missing").
  for (const [k, v] of Object.entries(completenessErrors(campaign, answers, segments, recorded))) errors[k] ??= v;
  if (Object.keys(errors).length) {
    const repeat = await earlier();
    if (repeat) return repeat;
    throw badRequest('Please complete the highlighted answers', errors);
  }

  if (participant) await claimForSubmit(participant.id, claimKey);
  const now = new Date();
  const answerDocs: Record<string, object> = answerDocsOf(campaign, answers, now);
  for (const [k, a] of Object.entries(recorded)) answerDocs[k] = { ...a, updatedAt: now };
  try {
    const created = await insertSubmittedResponse({
      _id: key,
      campaignId: campaign._id,
      lang: opts.lang,
      consent, // insertSubmittedResponse stores only its version and time
      answers: answerDocs,
      segments,
      submissionId: input.submissionId,
      submittedAt: now,
      source: 'web',
      ...(participant && !anonymous ? { participantId: participant.id } : {}),
    });
    noteSubmitted(campaign._id, key, { segments, lang: opts.lang });
    // The draft has done its job (if the device saved one: without reading it we do not know).
    // A leftover draft is harmless meanwhile: autosave and upload see the response first.
    if (draft || !withRecordings) scheduleDraftDelete(key);
    if (participant) await markResponded(participant.id, claimKey, anonymous, now);
    return { response: toView(created), repeated: false };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    // Submitted before (or a concurrent submit of the same device won): that one is the response.
    const repeat = await earlier();
    if (!repeat) throw conflict('The response changed while submitting; please try again');
    return repeat;
  }
}

/**
 * Finishes step 3 of a participant's submit that crashed after the draft was flipped: called when
 * the same device comes back while the participant is still `submitting`.
 */
export async function settleParticipant(campaign: Campaign, resumeToken: string | undefined, participant: ParticipantContext): Promise<void> {
  if (!resumeToken || participant.status !== 'submitting') return;
  const draft = await findByResumeToken(campaign, resumeToken);
  const claimKey = claimKeyFor(resumeToken);
  if (draft?.status === 'submitted' && (await holdsClaim(participant.id, claimKey))) {
    await markResponded(participant.id, claimKey, campaign.anonymity !== 'identified');
    participant.status = 'responded';
  }
}

/**
 * Stores a complete response sent through the API (e.g. transcribed from a paper interview).
 * Idempotent per (campaign, submissionId): a retry returns the first response.
 */
export async function createFromApi(
  campaign: Campaign,
  input: { submissionId: string; lang: Lang; answers: Record<string, AnswerValue>; segments: Record<string, string> },
): Promise<SubmitOutcome> {
  assertOpen(campaign);
  const { answers, segments, errors } = cleanInput(campaign, input);
  // The id this response is stored under must parse as a response id later (src/shared/ids.ts).
  if (!submissionIdSchema.safeParse(input.submissionId).success) errors.submissionId = 'validation.invalid';
  const unknown = Object.keys(input.answers).filter((k) => !campaign.questions.some((q) => q.key === k));
  for (const k of unknown) errors[`answers.${k}`] = 'validation.unknown_question';
  for (const [k, v] of Object.entries(completenessErrors(campaign, answers, segments))) errors[k] ??= v;
  if (Object.keys(errors).length) throw badRequest('Invalid response', errors);

  const key = apiKey(campaign._id, input.submissionId);
  const now = new Date();
  const answerDocs = answerDocsOf(campaign, answers, now);
  try {
    // Insert first: one round trip in the common case; a retry hits the unique _id.
    const created = await insertSubmittedResponse({
      _id: key,
      campaignId: campaign._id,
      lang: input.lang,
      consent: { version: CONSENT_VERSION, at: now },
      answers: answerDocs,
      segments,
      submissionId: input.submissionId,
      submittedAt: now,
      source: 'api',
    });
    noteSubmitted(campaign._id, key, { segments, lang: input.lang });
    return { response: toView(created), repeated: false };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const winner = await ResponseModel.findById(key).lean<ResponseRecord>();
    if (!winner) throw err;
    return { response: toView(winner), repeated: true };
  }
}

export async function countSubmitted(campaignId: mongoose.Types.ObjectId): Promise<number> {
  return submittedCount(campaignId);
}

export async function countDrafts(campaignId: mongoose.Types.ObjectId): Promise<number> {
  return DraftModel.countDocuments({ campaignId });
}

export async function listResponses(
  campaignId: mongoose.Types.ObjectId,
  opts: { status: 'draft' | 'submitted'; limit: number; skip: number },
): Promise<{ items: ResponseView[]; total: number }> {
  if (opts.status === 'draft') {
    const [docs, total] = await Promise.all([
      DraftModel.find({ campaignId }).sort({ updatedAt: -1 }).skip(opts.skip).limit(opts.limit).lean<DraftRecord[]>(),
      DraftModel.countDocuments({ campaignId }),
    ]);
    return { items: docs.map(draftView), total };
  }
  // One campaign-filtered read of ids and times, kept per instance (response-list.ts: FerretDB
  // pushes neither sort nor limit down), then the page's documents by `_id`.
  const { docs, total } = await submittedPage(campaignId, opts.skip, opts.limit);
  return { items: docs.map(toView), total };
}

export async function getResponse(campaignId: mongoose.Types.ObjectId, responseId: string): Promise<ResponseView> {
  if (!parseId('response', responseId)) throw notFound('Response');
  const doc = await ResponseModel.findById(responseId).lean<ResponseRecord>();
  if (!doc || String(doc.campaignId) !== String(campaignId)) throw notFound('Response');
  return toView(doc);
}

/** Ids of the responses given through a participant's personal link (identified campaigns only store this link). */
export async function responseIdsOfParticipant(participantId: mongoose.Types.ObjectId): Promise<Array<{ id: string; campaignId: mongoose.Types.ObjectId }>> {
  const docs = await ResponseModel.find({ participantId }, { _id: 1, campaignId: 1 }).lean<Array<{ _id: string; campaignId: mongoose.Types.ObjectId }>>();
  return docs.map((d) => ({ id: String(d._id), campaignId: d.campaignId }));
}

/** Deletes one submitted response for good (privacy: a lead removes an answer on request). */
export async function deleteResponse(campaignId: mongoose.Types.ObjectId, responseId: string): Promise<void> {
  const response = await getResponse(campaignId, responseId);
  await ResponseModel.deleteOne({ _id: responseId });
  noteDeleted(campaignId, responseId);
  // Its recordings go with it (after the response, so a failure never leaves an answer without its file).
  await deleteMedia(mediaIdsOf(response.answers));
}

/**
 * Which segment values may be shown next to a single answer. In anonymous campaigns: the values
 * the anonymity plan of src/shared/anonymity.ts offers over all submitted responses (with their
 * language), so a value printed next to an answer never marks a group below `minGroupSize` —
 * not even by subtraction ("the only HR manager in Munich" is not anonymous).
 * Identified campaigns show everything.
 */
export async function segmentPrivacy(
  campaign: Campaign,
  shown: ReadonlyArray<{ id: string; segments?: unknown; lang?: unknown }>,
): Promise<(segments: Record<string, string>) => Record<string, string>> {
  if (campaign.anonymity === 'identified') return (segments) => segments;
  // The population is kept per instance with the list's order (response-list.ts says why that
  // is safe); the plan over it is made once per population version, dimensions and threshold.
  const { people, version } = await responsePopulation(campaign, shown);
  const dims = planDimensions(campaign);
  const min = campaign.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  const key = `${String(campaign._id)}|${version}|${dims.join(',')}|${min}`;
  let plan = plans.get(key);
  if (!plan) {
    const population = [...people.values()].map((p) => ({ ...p.segments, [LANGUAGE_DIMENSION]: p.lang }));
    plan = planFor(population, dims, min);
    plans.set(key, plan);
    while (plans.size > 50) plans.delete(plans.keys().next().value as string);
  }
  const made = plan;
  return (segments) => made.visible(segments);
}

const plans = new Map<string, DisclosurePlan>();
