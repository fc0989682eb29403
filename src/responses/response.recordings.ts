import type mongoose from 'mongoose';
import { deleteMedia, findMedia, storeUpload, transcribeInBackground, type MediaDoc, type MediaOptions, type UploadInput } from '../media/media.service.js';
import type { Cue } from '../media/subtitles.js';
import { plainRecord } from '../db/mongo.js';
import { conflict, notFound } from '../shared/errors.js';
import { parseId } from '../shared/ids.js';
import { DraftModel, ResponseModel, type DraftRecord } from './response.model.js';

/**
 * Recordings as answers: the responses feature owns drafts and responses and the references
 * from their answers to recordings; media/ is the store and the player. Storing an upload,
 * pointing the draft's answer at it, replacing or removing it, filling in the automatic
 * transcript, and a lead's transcript edit all happen here.
 */

/**
 * Stores an upload (media/) and points the draft's answer at it; starts the automatic
 * transcription when one is configured. A repeated upload (same idempotency key) returns the
 * first one without touching the draft again.
 */
export async function storeRecording(opts: MediaOptions, input: UploadInput): Promise<{ media: MediaDoc; repeated: boolean }> {
  const stored = await storeUpload(opts, input);
  if (stored.repeated) return stored;
  await attachToDraft(stored.media);
  if (opts.transcriber) void transcribeInBackground(opts, stored.media._id, applyTranscription);
  return stored;
}

/** The automatic transcript fills the answer's text where the respondent left it empty (draft, or the response if submitted meanwhile). */
async function applyTranscription(media: MediaDoc, result: { text: string; cues: Cue[] }): Promise<void> {
  for (const model of [ResponseModel, DraftModel] as const) {
    const owner = await (model as typeof DraftModel).findById(media.ownerKey).lean<DraftRecord>();
    const answer = owner ? answerOf(owner.answers, media.questionKey) : undefined;
    if (!answer || answer.mediaId !== media._id) continue;
    if (!(answer.text ?? '').trim()) {
      await (model as typeof DraftModel).updateOne(
        { _id: media.ownerKey },
        { $set: { [`answers.${media.questionKey}.text`]: result.text, [`answers.${media.questionKey}.cues`]: result.cues } },
      );
    }
    break;
  }
}

/** Points the draft's answer at the new recording; a replaced recording of that answer is deleted. */
async function attachToDraft(media: MediaDoc): Promise<void> {
  const draft = await DraftModel.findById(media.ownerKey).lean<DraftRecord>();
  if (!draft) {
    await deleteMedia([media._id]);
    throw conflict('This response has already been submitted or no longer exists; reload the page');
  }
  const previous = answerOf(draft.answers, media.questionKey);
  if (previous?.mediaId === media._id) return;
  const q = media.questionKey;
  // Field-wise: a typed transcript in the same answer stays.
  await DraftModel.updateOne(
    { _id: media.ownerKey },
    { $set: { [`answers.${q}.mediaId`]: media._id, [`answers.${q}.mode`]: 'video', [`answers.${q}.updatedAt`]: new Date() } },
  );
  if (previous?.mediaId) await deleteMedia([previous.mediaId]);
}

type AnswerLike = { text?: string | null; mode?: string | null; mediaId?: string | null; cues?: Cue[] | null };
function answerOf(answers: unknown, key: string): AnswerLike | undefined {
  return plainRecord(answers as Record<string, AnswerLike> | undefined)[key];
}

/** Removes a recording from the draft's answer (the respondent chose to type instead) and deletes it. */
export async function detachFromDraft(ownerKey: string, questionKey: string): Promise<void> {
  const draft = await DraftModel.findById(ownerKey).lean<DraftRecord>();
  const previous = draft ? answerOf(draft.answers, questionKey) : undefined;
  if (!previous?.mediaId) return;
  await DraftModel.updateOne({ _id: ownerKey }, { $set: { [`answers.${questionKey}.mode`]: 'text', [`answers.${questionKey}.cues`]: [] }, $unset: { [`answers.${questionKey}.mediaId`]: 1 } });
  await deleteMedia([previous.mediaId]);
}

/** Saves an uploaded subtitle file's transcript in the draft (text + cue times). */
export async function setDraftTranscript(ownerKey: string, questionKey: string, text: string, cues: Cue[]): Promise<void> {
  const res = await DraftModel.updateOne(
    { _id: ownerKey },
    { $set: { [`answers.${questionKey}.text`]: text, [`answers.${questionKey}.cues`]: cues, [`answers.${questionKey}.updatedAt`]: new Date() } },
  );
  if (res.matchedCount === 0) throw notFound('Draft');
}

/**
 * For submit: the stored answer fields of the draft's video/audio answers. The recording comes
 * from the draft (never from the form); cue times are kept while the submitted text is the one
 * they belong to; an empty transcript takes the automatic one when it is ready.
 */
export async function mediaAnswersOf(draft: Pick<DraftRecord, 'answers'>, texts: Record<string, string>): Promise<Record<string, { mediaId: string; mode: 'video'; text: string; cues: Cue[] }>> {
  const out: Record<string, { mediaId: string; mode: 'video'; text: string; cues: Cue[] }> = {};
  const answers = plainRecord(draft.answers as unknown as Record<string, AnswerLike> | undefined);
  for (const [key, a] of Object.entries(answers as Record<string, AnswerLike>)) {
    if (!a?.mediaId) continue;
    let text = texts[key] ?? '';
    let cues = a.cues && (a.text ?? '').trim() === text.trim() ? a.cues : [];
    if (!text) {
      const media = await findMedia(a.mediaId);
      if (media?.transcription?.status === 'done') {
        text = media.transcription.text;
        cues = media.transcription.cues as Cue[];
      }
    }
    out[key] = { mediaId: a.mediaId, mode: 'video', text, cues: cues.map((c) => ({ start: c.start, end: c.end, text: c.text })) };
  }
  return out;
}

/**
 * A lead edits a submitted video/audio answer's transcript: typed text (cue times are kept while
 * the text is unchanged, dropped once it differs) or a parsed subtitle file (text + cues).
 */
export async function setResponseTranscript(
  campaignId: mongoose.Types.ObjectId,
  responseId: string,
  questionKey: string,
  input: { text: string; cues?: Cue[] },
): Promise<void> {
  if (!parseId('response', responseId)) throw notFound('Response');
  const response = await ResponseModel.findById(responseId).lean<DraftRecord & { campaignId: unknown }>();
  if (!response || String(response.campaignId) !== String(campaignId)) throw notFound('Response');
  const answer = answerOf(response.answers, questionKey);
  if (!answer?.mediaId) throw notFound('Recording');
  const text = input.text.toWellFormed().normalize('NFC').replace(/\r\n?/g, '\n').trim();
  const cues = input.cues ?? ((answer.text ?? '').trim() === text ? (answer.cues ?? []) : []);
  await ResponseModel.updateOne(
    { _id: responseId },
    { $set: { [`answers.${questionKey}.text`]: text, [`answers.${questionKey}.cues`]: cues, [`answers.${questionKey}.updatedAt`]: new Date() } },
  );
}

