import mongoose, { Schema, type InferSchemaType } from 'mongoose';

/**
 * A revocable, expiring read-only link to a campaign's report.
 *
 * `_id` is the SHA-256 of the raw token (base64url): redeeming a link is one `{_id}` lookup, the
 * one filter FerretDB 1.x answers from an index, and the database never holds a usable token
 * (same scheme as personal links, src/participants/participant.tokens.ts). `publicId` is a short
 * random id for the clean URL `/share/r/<publicId>` the browser lands on after redeeming, so the
 * token itself never stays in the address bar, the history or a Referer header.
 */
const reportShareSchema = new Schema(
  {
    _id: { type: String, required: true },
    publicId: { type: String, required: true, unique: true },
    campaignId: { type: Schema.Types.ObjectId, required: true, index: true },
    label: { type: String, default: '' },
    createdBy: { type: Schema.Types.ObjectId },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    revokedBy: { type: Schema.Types.ObjectId },
  },
  { timestamps: true, collection: 'report_shares', versionKey: false },
);

export const ReportShareModel = mongoose.model('ReportShare', reportShareSchema);
export type ReportShareRecord = InferSchemaType<typeof reportShareSchema> & { _id: string; createdAt: Date; updatedAt: Date };
