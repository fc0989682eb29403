import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { cueSchema } from '../media/cue.schema.js';

/**
 * One answer. Open questions: `text` (for video/audio the transcript). Closed questions (issue
 * 17, src/campaigns/question-types.ts): `value` (scale), `choices` (option keys), `ranking`
 * (option keys, first = most important), and `text` = the free text of "other, namely …".
 */
const answerSchema = new Schema(
  {
    text: { type: String, default: '' },
    value: { type: Number },
    choices: { type: [String], default: undefined },
    ranking: { type: [String], default: undefined },
    mode: { type: String, enum: ['text', 'video'], default: 'text' },
    /** Video/audio answers: the recording (src/media) and the transcript's cue times; `text` is the transcript. */
    mediaId: { type: String },
    cues: { type: [cueSchema], default: undefined },
    updatedAt: { type: Date, default: () => new Date() },
  },
  { _id: false },
);

const consentSchema = new Schema({ version: { type: String, required: true }, at: { type: Date, required: true } }, { _id: false });

/*
 * Why two collections addressed by `_id`:
 * FerretDB 1.24 with SQLite (our embedded default) pushes a filter down to SQL only when it is
 * exactly `{ _id: <value> }`; any other filter makes it read and decode the whole collection in
 * Go (checked in its internal/backends/sqlite/collection.go, and measured: ~0.9 s per query at
 * 3,000 documents). So every hot-path read and write uses an `_id`-only filter, and "submit once"
 * is an insert into `responses` whose `_id` is unique (E11000 on a retry) instead of a
 * conditional update of a draft. On MongoDB the same design is simply fast.
 *
 * `_id` keys (strings):
 *  - web: `d_<sha256 of the device's resume cookie>` — the draft and, once submitted, the response;
 *  - API: `s_<campaignId>_<client submission id>`.
 */

/** What a respondent has typed so far on one device (autosaved). Deleted after submitting. */
const draftSchema = new Schema(
  {
    _id: { type: String, required: true },
    campaignId: { type: Schema.Types.ObjectId, required: true, index: true },
    lang: { type: String, enum: ['de', 'en'], required: true },
    consent: { type: consentSchema, required: true },
    /** Segment key → option key (categories only; never free text). */
    segments: { type: Map, of: String, default: {} },
    /** Question key → answer. Question keys are validated `[a-z][a-z0-9_]*`, safe as field names. */
    answers: { type: Map, of: answerSchema, default: {} },
  },
  { timestamps: true, collection: 'drafts' },
);

/** A submitted, complete response. Written once (insert), never half. */
const responseSchema = new Schema(
  {
    _id: { type: String, required: true },
    campaignId: { type: Schema.Types.ObjectId, required: true, index: true },
    /** Always `submitted`: drafts live in their own collection. Kept for API stability. */
    status: { type: String, enum: ['submitted'], default: 'submitted' },
    lang: { type: String, enum: ['de', 'en'], required: true },
    consent: { type: consentSchema, required: true },
    segments: { type: Map, of: String, default: {} },
    answers: { type: Map, of: answerSchema, default: {} },
    submissionId: { type: String },
    submittedAt: { type: Date, required: true },
    source: { type: String, enum: ['web', 'api'], default: 'web' },
    /**
     * Identified campaigns only: the participant whose personal link was used. Never set in
     * anonymous campaigns, where nothing in a response points to a person (src/participants).
     */
    participantId: { type: Schema.Types.ObjectId },
  },
  { timestamps: true, collection: 'responses' },
);
responseSchema.index({ campaignId: 1, submittedAt: -1 });

export const DraftModel = mongoose.model('Draft', draftSchema);
export const ResponseModel = mongoose.model('Response', responseSchema);
export type DraftRecord = InferSchemaType<typeof draftSchema>;
export type ResponseRecord = InferSchemaType<typeof responseSchema>;

/** What `insertSubmittedResponse` needs: everything of a response except what it derives. */
export interface SubmittedResponseFields {
  _id: string;
  campaignId: mongoose.Types.ObjectId;
  lang: 'de' | 'en';
  consent: { version: string; at: Date };
  segments: Record<string, string>;
  /** Stored answer shape: `{ text, mode, value?, choices?, ranking?, mediaId?, cues?, updatedAt }` per question key. */
  answers: Record<string, object>;
  submissionId: string;
  submittedAt: Date;
  source: 'web' | 'api';
  participantId?: mongoose.Types.ObjectId;
}

/**
 * Stores a submitted response with one driver insert, in exactly the shape `ResponseModel.create()`
 * stores (defaults, timestamps and `__v` included; test/http/response-insert.test.ts compares the
 * two). Why not `create()`: building and validating a mongoose document with two Maps of
 * sub-documents was about a third of the server CPU of a web submit (bench:submit --cpu-prof),
 * and everything passed in here is already checked — zod at the edge, cleanInput against the
 * campaign, a signed consent. Keep this in step with responseSchema. A repeated `_id` throws the
 * driver's duplicate-key error (code 11000), as `create()` does.
 */
export async function insertSubmittedResponse(fields: SubmittedResponseFields): Promise<ResponseRecord> {
  const doc = {
    _id: fields._id,
    campaignId: fields.campaignId,
    status: 'submitted' as const,
    lang: fields.lang,
    consent: { version: fields.consent.version, at: fields.consent.at },
    segments: fields.segments,
    answers: fields.answers,
    submissionId: fields.submissionId,
    submittedAt: fields.submittedAt,
    source: fields.source,
    ...(fields.participantId ? { participantId: fields.participantId } : {}),
    createdAt: fields.submittedAt,
    updatedAt: fields.submittedAt,
    __v: 0,
  };
  // The driver's insertOne through mongoose's collection (mongoose's debug hook still sees it).
  await ResponseModel.collection.insertOne(doc as unknown as Parameters<typeof ResponseModel.collection.insertOne>[0]);
  return doc as unknown as ResponseRecord;
}
