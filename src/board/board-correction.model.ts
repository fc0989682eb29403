import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { CORRECTION_KINDS } from './board-state.js';

const localized = new Schema({ de: { type: String, default: '' }, en: { type: String, default: '' } }, { _id: false });

/**
 * One correction a lead made on the theme board: its own document, with who and when. The board
 * and every later analysis run replay a campaign's corrections in the order they were made
 * (board-state.ts); undo deletes the document. Small documents; a campaign's list is read with one
 * `{campaignId}` query (a scan on FerretDB, indexed on MongoDB) per board page and per run.
 */
const boardCorrectionSchema = new Schema(
  {
    campaignId: { type: Schema.Types.ObjectId, required: true, index: true },
    /** The finished run the lead was looking at. */
    runId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: CORRECTION_KINDS, required: true },
    /** Campaign question key (q1 …) and the engine's question for it (role name or custom key). */
    questionKey: { type: String, required: true },
    question: { type: String, required: true },
    code: String,
    cluster: String,
    /** Cluster label at the time, for the history list (clusters are renumbered by each run). */
    clusterLabel: String,
    into: String,
    newCode: String,
    name: { type: localized, default: undefined },
    challengeType: { type: String, enum: ['technical', 'cultural'] },
    assign: {
      type: [new Schema({ answer: { type: String, required: true }, codes: { type: [String], default: undefined }, challengeType: { type: String, enum: ['technical', 'cultural'] } }, { _id: false })],
      default: [],
    },
    authorId: { type: Schema.Types.ObjectId },
    /** Name (or e-mail) of the author at the time: the history stays readable if the account goes. */
    authorName: { type: String, default: '' },
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'board_corrections', versionKey: false },
);

export const BoardCorrectionModel = mongoose.model('BoardCorrection', boardCorrectionSchema);
export type BoardCorrectionRecord = InferSchemaType<typeof boardCorrectionSchema> & { _id: mongoose.Types.ObjectId; createdAt: Date };
