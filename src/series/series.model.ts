import mongoose, { Schema, type InferSchemaType } from 'mongoose';

/**
 * Campaign series (issue 17, item 3): campaigns linked for a before/after comparison
 * ("before rollout", "6 months after"). Two small collections, no change to the campaign
 * document (which belongs to the campaigns feature):
 *
 *  - `campaign_series`: the series itself (a name, who made it);
 *  - `campaign_series_members`: one document per linked campaign, `_id` = the campaign's id, so
 *    a campaign is in at most ONE series — a second link is an insert that fails with E11000
 *    (atomic on MongoDB and FerretDB alike, no transaction needed).
 *
 * The order of a series is the campaigns' own chronology (opened, else created), so "the
 * campaign before this one" needs no extra field a lead could get wrong.
 */
const seriesSchema = new Schema(
  {
    name: { type: String, default: '' },
    createdBy: { type: Schema.Types.ObjectId },
  },
  { timestamps: true, collection: 'campaign_series', versionKey: false },
);

const memberSchema = new Schema(
  {
    /** The campaign's id. */
    _id: { type: Schema.Types.ObjectId, required: true },
    seriesId: { type: Schema.Types.ObjectId, required: true, index: true },
    /** What this campaign stands for in the series ("before rollout"); empty: its title. */
    label: { type: String, default: '' },
    linkedBy: { type: Schema.Types.ObjectId },
  },
  { timestamps: true, collection: 'campaign_series_members', versionKey: false },
);

export const SeriesModel = mongoose.model('CampaignSeries', seriesSchema);
export const SeriesMemberModel = mongoose.model('CampaignSeriesMember', memberSchema);
export type SeriesRecord = InferSchemaType<typeof seriesSchema> & { _id: mongoose.Types.ObjectId; createdAt: Date };
export type SeriesMemberRecord = InferSchemaType<typeof memberSchema> & { _id: mongoose.Types.ObjectId; createdAt: Date };
