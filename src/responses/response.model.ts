import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const answerSchema = new Schema(
  {
    text: { type: String, default: '' },
    mode: { type: String, enum: ['text', 'video'], default: 'text' },
    updatedAt: { type: Date, default: () => new Date() },
  },
  { _id: false },
);

/**
 * One respondent's answers to one campaign. A draft is autosaved while they type; `submit`
 * flips it to `submitted` in one single-document update (FerretDB has no transactions), so a
 * stored submitted response is always complete.
 *
 * `key` makes retries idempotent through a unique index:
 *  - web: `d:<sha256 of the device's resume cookie>` — one response per device and campaign;
 *  - API: `s:<campaignId>:<client submission id>`.
 */
const responseSchema = new Schema(
  {
    campaignId: { type: Schema.Types.ObjectId, required: true, index: true },
    key: { type: String, required: true, unique: true },
    status: { type: String, enum: ['draft', 'submitted'], default: 'draft' },
    lang: { type: String, enum: ['de', 'en'], required: true },
    consent: {
      version: { type: String, required: true },
      at: { type: Date, required: true },
    },
    /** Segment key → option key (categories only; never free text). */
    segments: { type: Map, of: String, default: {} },
    /** Question key → answer. Question keys are validated `[a-z][a-z0-9_]*`, safe as field names. */
    answers: { type: Map, of: answerSchema, default: {} },
    submissionId: { type: String },
    submittedAt: Date,
    source: { type: String, enum: ['web', 'api'], default: 'web' },
    /**
     * Identified campaigns only: the participant whose personal link was used. Never set in
     * anonymous campaigns, where nothing in a response points to a person (src/participants).
     */
    participantId: { type: Schema.Types.ObjectId },
  },
  { timestamps: true },
);
responseSchema.index({ campaignId: 1, status: 1, submittedAt: -1 });

export const ResponseModel = mongoose.model('Response', responseSchema);
export type ResponseRecord = InferSchemaType<typeof responseSchema> & { _id: mongoose.Types.ObjectId };
