import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { ADDRESS_FORMS } from '../shared/i18n/index.js';
import { ANONYMITY_MODES, ANSWER_MODES, CAMPAIGN_STATUSES, QUESTION_ROLES, QUESTION_TYPES } from './campaign.schemas.js';

const localized = new Schema({ de: { type: String, default: '' }, en: { type: String, default: '' } }, { _id: false });

const choiceSchema = new Schema({ key: { type: String, required: true }, label: { type: localized, required: true } }, { _id: false });

/**
 * One question. `type` (issue 17): questions stored before it existed have none and are open
 * (read through questionType() in question-types.ts: lean reads do not apply defaults). `scale`
 * belongs to scale questions, `options`/`allowOther` to choices and rankings.
 */
const questionSchema = new Schema(
  {
    key: { type: String, required: true },
    role: { type: String, enum: QUESTION_ROLES, required: true },
    type: { type: String, enum: QUESTION_TYPES },
    prompt: { type: localized, required: true },
    modes: { type: [String], enum: ANSWER_MODES, default: ['text'] },
    required: { type: Boolean, default: true },
    scale: {
      type: new Schema({ min: { type: Number, required: true }, max: { type: Number, required: true }, minLabel: localized, maxLabel: localized }, { _id: false }),
      default: undefined,
    },
    options: { type: [choiceSchema], default: undefined },
    allowOther: { type: Boolean },
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
    /**
     * Title and description per language (issue 17). `title`/`description` stay the single text
     * (the first campaign language's, else the other): older documents have only those, and lead
     * pages that need one title use them. Respondents get campaignText() (campaign.texts.ts).
     */
    titles: { type: localized, default: undefined },
    descriptions: { type: localized, default: undefined },
    languages: { type: [String], required: true },
    anonymity: { type: String, enum: ANONYMITY_MODES, default: 'anonymous' },
    /** Du or Sie in German respondent texts (src/campaigns/address.ts); older campaigns: Sie. */
    address: { type: String, enum: ADDRESS_FORMS, default: 'sie' },
    status: { type: String, enum: CAMPAIGN_STATUSES, default: 'draft', index: true },
    /** ≥128-bit random token of the public respondent link `/r/<token>`. */
    publicToken: { type: String, required: true, unique: true },
    questions: { type: [questionSchema], default: [] },
    segments: { type: [segmentSchema], default: [] },
    /** Who may edit (owner, co-leads) and who may read the results (stakeholders). */
    ownerId: { type: Schema.Types.ObjectId, index: true },
    coLeadIds: { type: [Schema.Types.ObjectId], default: [], index: true },
    stakeholderIds: { type: [Schema.Types.ObjectId], default: [], index: true },
    /** Marks a campaign created by `npm run seed`, so re-seeding updates instead of duplicating. */
    seedKey: { type: String, index: true },
    /**
     * Off: `/r/<publicToken>` only accepts people who came through a personal link (`/p/<token>`,
     * see src/participants); drafts already started on a device may still be finished.
     */
    publicLinkEnabled: { type: Boolean, default: true },
    /** Responses are purged by a periodic job once this date has passed (privacy, issue 4). */
    retainUntil: { type: Date, index: true },
    responsesPurgedAt: Date,
    /** Last time a response was erased: a run that loaded its answers before this is stale. */
    erasedAt: Date,
    /** Groups smaller than this are never broken down (src/shared/anonymity.ts). */
    minGroupSize: { type: Number, default: 5, min: 2 },
    /** Invitation e-mails: sender name, reply-to and the reminder schedule (src/participants). */
    mailing: {
      type: new Schema(
        {
          senderName: { type: String, default: '' },
          replyTo: { type: String, default: '' },
          /** A reminder goes out this many days after the previous e-mail; 0 = no reminders. */
          reminderAfterDays: { type: Number, default: 7 },
          maxReminders: { type: Number, default: 2 },
          /** One reminder this many days before `closesAt` to those who have not answered; 0 = none. */
          reminderBeforeCloseDays: { type: Number, default: 2 },
          /** Base of personal links in reminders when PUBLIC_BASE_URL is not configured. */
          linkBaseUrl: { type: String, default: '' },
        },
        { _id: false },
      ),
      default: () => ({}),
    },
    openedAt: Date,
    closedAt: Date,
    questionsLockedAt: Date,
    /** The schedule (src/campaigns/campaign.schedule.ts): a draft opens at `opensAt`, an open campaign closes at `closesAt`. */
    opensAt: Date,
    closesAt: Date,
    /**
     * Every open/close, who and when: `by` is the lead's user id (the lead pages or the API), or
     * none with `via: 'schedule'` and the instance that applied it (`system`: the seed/demo).
     * Pushed in the same update as the status itself.
     */
    statusChanges: {
      type: [
        new Schema(
          {
            from: { type: String, enum: CAMPAIGN_STATUSES },
            to: { type: String, enum: CAMPAIGN_STATUSES, required: true },
            at: { type: Date, required: true },
            by: Schema.Types.ObjectId,
            via: { type: String, enum: ['lead', 'api', 'schedule', 'system'], required: true },
            instance: String,
          },
          { _id: false },
        ),
      ],
      default: [],
    },
  },
  { timestamps: true, optimisticConcurrency: true },
);

export const CampaignModel = mongoose.model('Campaign', campaignSchema);

/**
 * Fences of scheduled status changes, `_id` = `<campaignId>:<open|closed>:<due ms>#<attempt>`.
 * FerretDB 1.x does not run a conditional findOneAndUpdate atomically (see the participant claim
 * lock), so the unique insert of the fence decides which instance applies a due change.
 */
const scheduleClaimSchema = new Schema({ _id: { type: String, required: true }, owner: String, at: Date }, { collection: 'campaign_schedule_claims', versionKey: false });
export const ScheduleClaimModel = mongoose.model('CampaignScheduleClaim', scheduleClaimSchema);
export type CampaignRecord = InferSchemaType<typeof campaignSchema> & { _id: mongoose.Types.ObjectId; __v?: number };
