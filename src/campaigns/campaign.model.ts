import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { ANONYMITY_MODES, ANSWER_MODES, CAMPAIGN_STATUSES, QUESTION_ROLES } from './campaign.schemas.js';

const localized = new Schema({ de: { type: String, default: '' }, en: { type: String, default: '' } }, { _id: false });

const questionSchema = new Schema(
  {
    key: { type: String, required: true },
    role: { type: String, enum: QUESTION_ROLES, required: true },
    prompt: { type: localized, required: true },
    modes: { type: [String], enum: ANSWER_MODES, default: ['text'] },
    required: { type: Boolean, default: true },
  },
  { _id: false },
);

const segmentSchema = new Schema(
  {
    key: { type: String, required: true },
    label: { type: localized, required: true },
    required: { type: Boolean, default: false },
    options: [new Schema({ key: { type: String, required: true }, label: { type: localized, required: true } }, { _id: false })],
  },
  { _id: false },
);

/**
 * One document holds everything the respondent and lead screens need (design: no $lookup on
 * FerretDB). Questions are frozen once the campaign opens (`questionsLockedAt`), so answers
 * stored against a question key always mean the question that was asked.
 */
const campaignSchema = new Schema(
  {
    title: { type: String, required: true },
    description: { type: String, default: '' },
    languages: { type: [String], required: true },
    anonymity: { type: String, enum: ANONYMITY_MODES, default: 'anonymous' },
    status: { type: String, enum: CAMPAIGN_STATUSES, default: 'draft', index: true },
    /** ≥128-bit random token of the public respondent link `/r/<token>`. */
    publicToken: { type: String, required: true, unique: true },
    questions: { type: [questionSchema], default: [] },
    segments: { type: [segmentSchema], default: [] },
    /** Marks a campaign created by `npm run seed`, so re-seeding updates instead of duplicating. */
    seedKey: { type: String, index: true },
    openedAt: Date,
    closedAt: Date,
    questionsLockedAt: Date,
  },
  { timestamps: true, optimisticConcurrency: true },
);

export const CampaignModel = mongoose.model('Campaign', campaignSchema);
export type CampaignRecord = InferSchemaType<typeof campaignSchema> & { _id: mongoose.Types.ObjectId; __v?: number };
