import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { CURATION_ACTIONS } from './report-curation.js';

const MOSCOW = ['must', 'should', 'could', 'wont'];
const localized = new Schema({ de: { type: String, default: '' }, en: { type: String, default: '' } }, { _id: false });

const requirementCurationSchema = new Schema(
  {
    label: { type: localized, default: undefined },
    title: { type: localized, default: undefined },
    priority: { type: String, enum: MOSCOW },
    priorityFrom: { type: String, enum: MOSCOW },
    priorityReason: String,
    owner: String,
    due: String,
    mergedInto: String,
    pinned: { type: [String], default: undefined },
    hidden: { type: [String], default: undefined },
  },
  { _id: false },
);

const historySchema = new Schema(
  {
    at: { type: Date, required: true },
    by: { type: Schema.Types.ObjectId },
    /** Name (or e-mail) of the lead at the time: the history stays readable if the account goes. */
    byName: { type: String, default: '' },
    action: { type: String, enum: CURATION_ACTIONS, required: true },
    requirement: String,
    label: { type: localized, default: undefined },
    title: { type: localized, default: undefined },
    from: { type: String, enum: MOSCOW },
    to: { type: String, enum: MOSCOW },
    reason: String,
    owner: String,
    due: String,
    into: String,
    evidence: String,
  },
  { _id: false },
);

/**
 * A campaign's report curation (issue 14, item 4): ONE document per campaign, `_id` = the
 * campaign's id, so the report reads it with one `{_id}` lookup (the filter FerretDB 1.x pushes
 * down) and every change is one single-document update (FerretDB 1.x has no transactions): the
 * change itself and its history entry in the same `updateOne`. Requirements are keyed by their
 * stable id, quotes by their evidence key (report-curation.ts). Holds the lead's words (titles,
 * reasons, owners, the summary) and evidence keys — never a respondent's quote.
 */
const reportCurationSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    summary: { type: localized, default: undefined },
    requirements: { type: Map, of: requirementCurationSchema, default: undefined },
    history: { type: [historySchema], default: undefined },
  },
  { timestamps: true, collection: 'report_curations', versionKey: false },
);

export const ReportCurationModel = mongoose.model('ReportCuration', reportCurationSchema);
export type ReportCurationRecord = InferSchemaType<typeof reportCurationSchema>;
