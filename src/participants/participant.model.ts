import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const PARTICIPANT_STATUSES = ['invited', 'submitting', 'responded'] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];

const mailStateSchema = new Schema(
  {
    /** When the invitation e-mail went out (null: not yet, or the last attempt failed). */
    invitedAt: { type: Date, default: null },
    /** When the last e-mail (invitation or reminder) went out; reminders are due from here. */
    lastSentAt: { type: Date, default: null },
    remindersSent: { type: Number, default: 0 },
    /** The close date (`closesAt`) for which the "closing soon" reminder went out (once per close date). */
    closingReminderFor: { type: Date, default: null },
    /** The last SMTP failure for this recipient, shown to the lead; cleared by a success. */
    lastError: { type: String, default: '' },
  },
  { _id: false },
);

/**
 * One invited person of one campaign.
 *
 * - `tokenHashes`: SHA-256 (base64url) of every personal link issued to them. Only hashes are
 *   stored; each export or reminder issues a fresh token and adds its hash, so a link from an
 *   earlier e-mail keeps working. Looked up with `{ tokenHashes: hash }` (multikey index).
 * - `status`: invited → submitting (claimed by one device's submit) → responded. This flag is
 *   ALL the participant learns about their response: in anonymous campaigns the response holds
 *   no reference to the participant and vice versa (see participant.service `claimForSubmit`).
 * - `key`: `<campaignId>:<email>` or `<campaignId>:#<random>` without e-mail; unique, so an
 *   e-mail can be imported once per campaign even when two imports race (FerretDB 1.x has no
 *   partial indexes, hence no unique index on an optional `email`).
 * - No `updatedAt`: an exact modification time next to `respondedAt` would undo the rounding of
 *   `respondedAt` in anonymous campaigns.
 */
const participantSchema = new Schema(
  {
    campaignId: { type: Schema.Types.ObjectId, required: true, index: true },
    key: { type: String, required: true, unique: true },
    email: { type: String, default: '' },
    name: { type: String, default: '' },
    lang: { type: String, enum: ['de', 'en', ''], default: '' },
    /** Segment key → option key (categories only). */
    segments: { type: Map, of: String, default: {} },
    tokenHashes: { type: [String], default: [], index: true },
    status: { type: String, enum: PARTICIPANT_STATUSES, default: 'invited' },
    /**
     * While `submitting`: hash of the claiming device's resume cookie, so a retry from that device
     * continues. Removed when the participant is marked responded.
     */
    claimKey: { type: String },
    respondedAt: { type: Date },
    mail: { type: mailStateSchema, default: () => ({}) },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
participantSchema.index({ campaignId: 1, status: 1 });

export const ParticipantModel = mongoose.model('Participant', participantSchema);

/**
 * The one-submission lock of a participant: `_id` = participant id, inserted by the device that
 * claims it. An insert with a unique `_id` is atomic on every backend, while a conditional
 * findOneAndUpdate is not on FerretDB 1.x (ten devices racing with one personal link each
 * "claimed" it and five responses were stored). `claimKey` is emptied once the participant has
 * responded, so the lock keeps later devices out without pointing to any device.
 */
const participantClaimSchema = new Schema({ _id: { type: String, required: true }, claimKey: { type: String, default: '' } }, { collection: 'participant_claims', versionKey: false });
export const ParticipantClaimModel = mongoose.model('ParticipantClaim', participantClaimSchema);
export type ParticipantRecord = InferSchemaType<typeof participantSchema> & { _id: mongoose.Types.ObjectId; createdAt: Date };

/**
 * The exactly-once fence of a "closing soon" reminder: `_id` = `<participantId>:closing:<closesAt ms>`,
 * inserted before the e-mail is sent (a unique insert is atomic on every backend; see the claim
 * lock above), deleted again when sending failed so the next run retries.
 */
const participantMailClaimSchema = new Schema({ _id: { type: String, required: true }, at: Date }, { collection: 'participant_mail_claims', versionKey: false });
export const ParticipantMailClaimModel = mongoose.model('ParticipantMailClaim', participantMailClaimSchema);
