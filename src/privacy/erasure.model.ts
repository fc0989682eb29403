import mongoose, { Schema, type InferSchemaType } from 'mongoose';

/**
 * The record THAT an erasure happened (GDPR Art. 17 accountability), never WHAT was erased: no
 * answer text, no response id, no e-mail address — only when, who asked for it to be done, in
 * which campaign, and how much went. Kept so an auditor can see erasures were carried out.
 */
const erasureSchema = new Schema(
  {
    at: { type: Date, required: true },
    /** `response`: a lead deleted a response; `participant`: an admin erased a person on request; `retention`: a campaign's retention date passed. */
    scope: { type: String, enum: ['response', 'participant', 'retention'], required: true },
    campaignId: { type: Schema.Types.ObjectId },
    actorId: { type: Schema.Types.ObjectId },
    responses: { type: Number, default: 0 },
    participants: { type: Number, default: 0 },
    /** Analysis runs whose results were dropped because they contained the erased answers. */
    runs: { type: Number, default: 0 },
    /** Theme-board corrections that pointed at the erased answers. */
    corrections: { type: Number, default: 0 },
    /** When the database files were compacted afterwards (embedded database), null until then. */
    reclaimedAt: { type: Date, default: null },
  },
  { collection: 'erasures', versionKey: false },
);

export const ErasureModel = mongoose.model('Erasure', erasureSchema);
export type ErasureRecord = InferSchemaType<typeof erasureSchema> & { _id: mongoose.Types.ObjectId };
