import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { AppError, conflict, notFound } from '../shared/errors.js';
import { parseObjectId } from '../shared/ids.js';
import { TtlCache } from '../shared/ttl-cache.js';
import { forgetCampaignAccess } from './campaign.access.js';
import { CampaignModel, type CampaignRecord } from './campaign.model.js';

/**
 * Respondent and API-submit paths read the campaign on every request; a 2-second cache keeps
 * that off the database. Writes in this process drop the entry; other instances see a change
 * (e.g. a close) within 2 s.
 */
const hotCampaigns = new TtlCache<CampaignRecord>(2000);

/**
 * Drops cached campaigns after any write to a campaign. Campaign writes are rare (a lead saving
 * a form), so clearing everything is simpler than tracking both keys of one entry.
 */
export function forgetCampaign(_campaign?: unknown): void {
  hotCampaigns.clear();
  forgetCampaignAccess();
}
import { withLocalizedTexts, type CampaignInput, type CampaignStatus, type OpenCampaignEdit } from './campaign.schemas.js';
import { withTemplateWording } from './interview-template.js';

export type Campaign = CampaignRecord;

/** 128 random bits, URL-safe: the public link token. */
export function newPublicToken(): string {
  return randomBytes(16).toString('base64url');
}

/** Drops `title`/`description` where they equal the stored ones and texts per language are sent. */
function unchangedSingleTexts(input: CampaignInput, current: Campaign): CampaignInput {
  return {
    ...input,
    title: (input.titles?.de || input.titles?.en) && input.title === current.title ? '' : input.title,
    description: input.descriptions && input.description === (current.description ?? '') ? '' : input.description,
  };
}

/** Creates a draft campaign. */
export async function createCampaign(input: CampaignInput, extra: { seedKey?: string; ownerId?: string } = {}): Promise<Campaign> {
  const doc = await CampaignModel.create({ ...withTemplateWording(withLocalizedTexts(input)), status: 'draft', publicToken: newPublicToken(), seedKey: extra.seedKey, ownerId: extra.ownerId });
  return doc.toObject() as Campaign;
}

export async function listCampaigns(
  filter: { status?: CampaignStatus; limit: number; skip: number },
  visible: Record<string, unknown> = {},
): Promise<Campaign[]> {
  const query = filter.status ? { ...visible, status: filter.status } : visible;
  return CampaignModel.find(query).sort({ createdAt: -1 }).skip(filter.skip).limit(filter.limit).lean<Campaign[]>();
}

export async function getCampaign(id: string): Promise<Campaign> {
  const _id = parseObjectId(id);
  const campaign = _id ? await CampaignModel.findById(_id).lean<Campaign>() : null;
  if (!campaign) throw notFound('Campaign');
  return campaign;
}

/**
 * The campaign behind a public link, or null (unknown tokens are not an error for respondents).
 * A malformed token runs the same query as an unknown one (on '', which no campaign has): an
 * early return answered ~7x faster than the lookup, telling a guesser which token shapes are
 * real (issue 4, token guessing; same rule as personal links in participant.service.ts).
 */
export async function findByPublicToken(token: string): Promise<Campaign | null> {
  const wellFormed = /^[A-Za-z0-9_-]{16,64}$/.test(token);
  const lookup = wellFormed ? token : '';
  const campaign = await hotCampaigns.getOrLoad(`token:${lookup}`, () => CampaignModel.findOne({ publicToken: lookup }).lean<Campaign>());
  return wellFormed ? campaign : null;
}

/** Like getCampaign, through the 2-second cache: for the per-request submit paths only. */
export async function getCampaignCached(id: string): Promise<Campaign> {
  const _id = parseObjectId(id);
  const campaign = _id ? await hotCampaigns.getOrLoad(`id:${_id}`, () => CampaignModel.findById(_id).lean<Campaign>()) : null;
  if (!campaign) throw notFound('Campaign');
  return campaign;
}

/**
 * Replaces a draft's content. Once a campaign has been opened its questions are locked, so
 * stored answers never change meaning; `expectedVersion` (the `__v` the editor loaded) turns a
 * concurrent edit into a 409 instead of a silent overwrite.
 */
export async function updateCampaign(id: string, input: CampaignInput, expectedVersion?: number): Promise<Campaign> {
  const current = await getCampaign(id);
  if (current.status !== 'draft' || current.questionsLockedAt) {
    throw new AppError(409, 'questions_locked', 'Only draft campaigns can be edited; questions are locked once the campaign has opened');
  }
  const filter: Record<string, unknown> = { _id: current._id, status: 'draft' };
  if (expectedVersion !== undefined) filter.__v = expectedVersion;
  // A schedule date left empty removes the one stored before.
  const unset = Object.fromEntries((['opensAt', 'closesAt'] as const).filter((k) => !input[k]).map((k) => [k, 1]));
  const updated = await CampaignModel.findOneAndUpdate(
    filter,
    // A `title` sent back unchanged beside new `titles` (an API client that edited a fetched campaign) is not a change.
    { $set: { ...withTemplateWording(withLocalizedTexts(unchangedSingleTexts(input, current))) }, ...(Object.keys(unset).length ? { $unset: unset } : {}), $inc: { __v: 1 } },
    { returnDocument: 'after', runValidators: true },
  ).lean<Campaign>();
  if (!updated) throw conflict('The campaign was changed by someone else in the meantime; reload and try again');
  forgetCampaign(updated);
  return updated;
}

/**
 * Changes what is safe to change once a campaign has opened (openCampaignEditSchema): title,
 * description and retention date. A retention date is removed when none is given. Same
 * optimistic check as a draft edit: a concurrent save is a 409, not a silent overwrite.
 */
export async function updateOpenCampaign(id: string, edit: OpenCampaignEdit, expectedVersion?: number): Promise<Campaign> {
  const current = await getCampaign(id);
  const filter: Record<string, unknown> = { _id: current._id };
  if (expectedVersion !== undefined) filter.__v = expectedVersion;
  const texts = withLocalizedTexts({ ...edit, languages: current.languages });
  const set: Record<string, unknown> = { title: texts.title, description: texts.description, titles: texts.titles, descriptions: texts.descriptions };
  const unset: Record<string, 1> = {};
  if (edit.retainUntil) set.retainUntil = edit.retainUntil;
  else unset.retainUntil = 1;
  // The close date only means something while the campaign is open (a closed one keeps its record).
  if (current.status === 'open') {
    if (edit.closesAt) set.closesAt = edit.closesAt;
    else unset.closesAt = 1;
  }
  const update: Record<string, unknown> = { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}), $inc: { __v: 1 } };
  const updated = await CampaignModel.findOneAndUpdate(filter, update, { returnDocument: 'after', runValidators: true }).lean<Campaign>();
  if (!updated) throw conflict('The campaign was changed by someone else in the meantime; reload and try again');
  forgetCampaign(updated);
  return updated;
}

const TRANSITIONS: Record<CampaignStatus, CampaignStatus[]> = {
  draft: ['open'],
  open: ['closed'],
  closed: ['open'],
};

/** Who changes a campaign's status: a lead (pages or API, with their user id) or the schedule (with the instance); none: seed/demo. */
export type StatusActor = { via: 'lead' | 'api'; userId: string } | { via: 'schedule'; instance: string };

/**
 * Opens or closes a campaign; a single-document update, so two clicks cannot race. The same
 * function serves the lead's buttons, the API and the schedule (campaign.schedule.ts), so the
 * side effects (questions locked, openedAt/closedAt) are identical; the change is recorded in
 * `statusChanges` in that same update.
 */
export async function changeStatus(id: string, next: 'open' | 'closed', actor?: StatusActor, now = new Date()): Promise<Campaign> {
  const current = await getCampaign(id);
  if (current.status === next) return current;
  if (!TRANSITIONS[current.status as CampaignStatus].includes(next)) {
    throw new AppError(409, 'invalid_transition', `A ${current.status} campaign cannot be set to ${next}`);
  }
  const set: Record<string, unknown> = { status: next };
  const unset: Record<string, 1> = {};
  if (next === 'open') {
    set.openedAt = current.openedAt ?? now;
    set.questionsLockedAt = current.questionsLockedAt ?? now;
    set.closedAt = null;
    // Reopened after its close date: the lead decided otherwise, the schedule must not close it again at once.
    if (current.closesAt && current.closesAt.getTime() <= now.getTime()) unset.closesAt = 1;
  } else {
    set.closedAt = now;
  }
  const record = {
    from: current.status,
    to: next,
    at: now,
    via: actor?.via ?? 'system',
    ...(actor && 'userId' in actor ? { by: parseObjectId(actor.userId) ?? undefined } : {}),
    ...(actor && 'instance' in actor ? { instance: actor.instance } : {}),
  };
  const updated = await CampaignModel.findOneAndUpdate(
    { _id: current._id, status: current.status },
    { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}), $push: { statusChanges: record }, $inc: { __v: 1 } },
    { returnDocument: 'after' },
  ).lean<Campaign>();
  if (!updated) throw conflict('The campaign status changed in the meantime; reload and try again');
  forgetCampaign(updated);
  return updated;
}

export async function findBySeedKey(seedKey: string): Promise<Campaign | null> {
  return CampaignModel.findOne({ seedKey }).lean<Campaign>();
}

/** Makes `userId` the owner of a campaign nobody owns yet; false when someone was faster (conditional update). */
export async function claimOwnership(id: mongoose.Types.ObjectId, userId: mongoose.Types.ObjectId): Promise<boolean> {
  const res = await CampaignModel.updateOne({ _id: id, ownerId: null }, { $set: { ownerId: userId } });
  forgetCampaign();
  return res.modifiedCount === 1;
}

/** Adds or removes a co-lead or stakeholder (single-document update). */
export async function setMember(id: string, userId: mongoose.Types.ObjectId, as: 'coLead' | 'stakeholder', add: boolean): Promise<void> {
  const field = as === 'coLead' ? 'coLeadIds' : 'stakeholderIds';
  const other = as === 'coLead' ? 'stakeholderIds' : 'coLeadIds';
  const campaign = await getCampaign(id);
  const update = add ? { $addToSet: { [field]: userId }, $pull: { [other]: userId } } : { $pull: { [field]: userId } };
  await CampaignModel.updateOne({ _id: campaign._id }, update);
  forgetCampaign(campaign);
}

/** Records that responses of the campaign were erased now (analysis runs loaded before are stale). */
export async function markErased(campaignId: mongoose.Types.ObjectId, at = new Date()): Promise<void> {
  await CampaignModel.updateOne({ _id: campaignId }, { $set: { erasedAt: at } });
  forgetCampaign();
}

// ---------------------------------------------------------------------------------------------
// Settings about participants (the participants feature's pages edit them)

export async function setPublicLink(campaignId: mongoose.Types.ObjectId, enabled: boolean): Promise<void> {
  // Not a questions edit: no __v bump, so it never turns a lead's open edit form into a 409.
  const res = await CampaignModel.updateOne({ _id: campaignId }, { $set: { publicLinkEnabled: enabled } });
  forgetCampaign();
  if (res.matchedCount === 0) throw notFound('Campaign');
}

export interface MailingSettings {
  senderName: string;
  replyTo: string;
  reminderAfterDays: number;
  maxReminders: number;
  /** Days before the close date for the one "closing soon" reminder; 0 = none; undefined = unchanged. */
  reminderBeforeCloseDays?: number;
  minGroupSize: number;
}

export async function saveMailingSettings(campaignId: mongoose.Types.ObjectId, s: MailingSettings): Promise<void> {
  const res = await CampaignModel.updateOne(
    { _id: campaignId },
    {
      $set: {
        'mailing.senderName': s.senderName,
        'mailing.replyTo': s.replyTo,
        'mailing.reminderAfterDays': s.reminderAfterDays,
        'mailing.maxReminders': s.maxReminders,
        ...(s.reminderBeforeCloseDays === undefined ? {} : { 'mailing.reminderBeforeCloseDays': s.reminderBeforeCloseDays }),
        minGroupSize: s.minGroupSize,
      },
    },
  );
  forgetCampaign();
  if (res.matchedCount === 0) throw notFound('Campaign');
}

/** Where personal links point, remembered when invitations go out (the reminder job has no request). */
export async function rememberLinkBase(campaignId: mongoose.Types.ObjectId, linkBase: string): Promise<void> {
  await CampaignModel.updateOne({ _id: campaignId }, { $set: { 'mailing.linkBaseUrl': linkBase } });
  forgetCampaign();
}
