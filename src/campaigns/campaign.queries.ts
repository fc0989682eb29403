import mongoose from 'mongoose';
import { CampaignModel, type CampaignRecord } from './campaign.model.js';
import { forgetCampaign } from './campaign.service.js';

/**
 * How other features read campaigns outside a request (runners, periodic jobs, privacy), and the
 * two writes retention needs: the campaigns feature alone knows its collection.
 */

/** A campaign's full record by id, uncached (a runner must see the current questions). */
export async function campaignRecord(id: mongoose.Types.ObjectId): Promise<CampaignRecord | null> {
  return CampaignModel.findById(id).lean<CampaignRecord>();
}

/** When responses of the campaign were last erased (privacy/erasure.ts), if ever. */
export async function erasedAtOf(id: mongoose.Types.ObjectId): Promise<Date | undefined> {
  const doc = await CampaignModel.findById(id, { erasedAt: 1 }).lean<{ erasedAt?: Date }>();
  return doc?.erasedAt ?? undefined;
}

/** What an access export says about a campaign. */
export interface CampaignSummary {
  _id: mongoose.Types.ObjectId;
  title: string;
  anonymity: string;
  status: string;
  retainUntil?: Date | null;
}
export async function campaignSummaryOf(id: mongoose.Types.ObjectId): Promise<CampaignSummary | null> {
  return CampaignModel.findById(id, { title: 1, anonymity: 1, status: 1, retainUntil: 1 }).lean<CampaignSummary>();
}

/** Campaigns whose retention date has passed and whose responses are not purged yet. */
export async function campaignsDueForPurge(now: Date): Promise<mongoose.Types.ObjectId[]> {
  // sanitizeFilter is on globally: operators written here are marked trusted.
  const due = await CampaignModel.find({ retainUntil: mongoose.trusted({ $lte: now }), responsesPurgedAt: null }, { _id: 1 }).lean<Array<{ _id: mongoose.Types.ObjectId }>>();
  return due.map((c) => c._id);
}

/** Records that a campaign's responses were purged (the campaign itself stays). */
export async function markResponsesPurged(id: mongoose.Types.ObjectId, at: Date): Promise<void> {
  await CampaignModel.updateOne({ _id: id }, { $set: { responsesPurgedAt: at } });
  forgetCampaign();
}

/** Open campaigns that send reminders (the reminder job). */
export async function campaignsWithReminders(): Promise<CampaignRecord[]> {
  return CampaignModel.find({
    status: 'open',
    'mailing.maxReminders': mongoose.trusted({ $gt: 0 }),
    'mailing.reminderAfterDays': mongoose.trusted({ $gt: 0 }),
  }).lean<CampaignRecord[]>();
}

/**
 * Open campaigns whose "closing soon" reminder is due: a close date ahead of `now` and no more
 * than `mailing.reminderBeforeCloseDays` (> 0) away.
 */
export async function campaignsClosingSoon(now: Date): Promise<CampaignRecord[]> {
  const list = await CampaignModel.find({
    status: 'open',
    closesAt: mongoose.trusted({ $gt: now }),
    'mailing.reminderBeforeCloseDays': mongoose.trusted({ $gt: 0 }),
  }).lean<CampaignRecord[]>();
  return list.filter((c) => c.closesAt!.getTime() - (c.mailing?.reminderBeforeCloseDays ?? 0) * 24 * 3600_000 <= now.getTime());
}

/** What redeeming a personal link needs to know about its campaign. */
export async function linkTargetOf(id: mongoose.Types.ObjectId): Promise<{ publicToken: string; status: string; languages?: string[] } | null> {
  return CampaignModel.findById(id, { publicToken: 1, status: 1, languages: 1 }).lean<{ publicToken: string; status: string; languages?: string[] }>();
}
