import { forgetCampaign } from '../campaigns/campaign.service.js';
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import type { Campaign } from '../campaigns/campaign.service.js';
import { AppError, notFound } from '../shared/errors.js';
import { suppressSmallGroups, type SuppressedRow } from '../shared/anonymity.js';
import { parseParticipantCsv, type ImportIssue, type ImportRow, type ParsedImport } from './participant.csv.js';
import { ParticipantClaimModel, ParticipantMailClaimModel, ParticipantModel, type ParticipantRecord } from './participant.model.js';
import { hashParticipantToken, newParticipantToken } from './participant.tokens.js';
import { isDuplicateKey } from '../db/mongo.js';
import { plainRecord } from '../db/mongo.js';

/** How many link hashes one participant keeps (every export/reminder adds one). */
export const MAX_TOKEN_HASHES = 50;

export interface ParticipantView {
  id: string;
  email: string;
  name: string;
  lang: string;
  segments: Record<string, string>;
  status: 'invited' | 'submitting' | 'responded';
  mail: { invitedAt: Date | null; lastSentAt: Date | null; remindersSent: number; lastError: string };
}


export function toView(p: ParticipantRecord): ParticipantView {
  return {
    id: String(p._id),
    email: p.email ?? '',
    name: p.name ?? '',
    lang: p.lang ?? '',
    segments: plainRecord(p.segments) as Record<string, string>,
    status: p.status as ParticipantView['status'],
    mail: {
      invitedAt: p.mail?.invitedAt ?? null,
      lastSentAt: p.mail?.lastSentAt ?? null,
      remindersSent: p.mail?.remindersSent ?? 0,
      lastError: p.mail?.lastError ?? '',
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Import

/** Parses the list and also flags e-mails that are already participants of this campaign. */
export async function previewImport(campaign: Campaign, text: string): Promise<ParsedImport> {
  const parsed = parseParticipantCsv(text, campaign);
  const emails = parsed.rows.map((r) => r.email).filter(Boolean);
  const existing = new Set<string>();
  // Chunked $in: one query per 1000 addresses keeps each command small.
  for (let i = 0; i < emails.length; i += 1000) {
    const docs = await ParticipantModel.find({ campaignId: campaign._id, email: mongoose.trusted({ $in: emails.slice(i, i + 1000) }) }, { email: 1 }).lean();
    for (const d of docs) existing.add(d.email);
  }
  if (existing.size === 0) return parsed;
  const dupErrors: ImportIssue[] = [];
  const rows: ImportRow[] = [];
  for (const r of parsed.rows) {
    if (r.email && existing.has(r.email)) dupErrors.push({ line: r.line, message: 'participants.import.error.already_participant', params: { email: r.email } });
    else rows.push(r);
  }
  const errors = [...parsed.errors, ...dupErrors].sort((a, b) => a.line - b.line);
  return { ...parsed, rows, errors };
}

/**
 * Stores the rows the preview showed as importable (rows with errors are skipped, as the preview
 * said). Re-parses the submitted text rather than trusting a stored preview, so the confirm step
 * needs no server-side state. A concurrent import of the same e-mail loses on the unique `key`.
 */
export async function confirmImport(campaign: Campaign, text: string): Promise<{ imported: number; skipped: number; preview: ParsedImport }> {
  const preview = await previewImport(campaign, text);
  if (preview.errors.some((e) => e.line <= 1)) return { imported: 0, skipped: preview.rows.length, preview };
  const campaignId = campaign._id;
  const docs = preview.rows.map((r) => ({
    campaignId,
    key: r.email ? `${String(campaignId)}:${r.email}` : `${String(campaignId)}:#${randomBytes(12).toString('base64url')}`,
    email: r.email,
    name: r.name,
    lang: r.lang,
    segments: r.segments,
    tokenHashes: [],
    status: 'invited',
  }));
  let imported = 0;
  for (let i = 0; i < docs.length; i += 1000) {
    try {
      const res = await ParticipantModel.insertMany(docs.slice(i, i + 1000), { ordered: false, rawResult: true });
      imported += res.insertedCount;
    } catch (err) {
      const e = err as { code?: number; insertedDocs?: unknown[]; result?: { insertedCount?: number }; writeErrors?: unknown[] };
      if (!isDuplicateKey(err) && !e.writeErrors) throw err;
      imported += e.result?.insertedCount ?? e.insertedDocs?.length ?? 0;
    }
  }
  return { imported, skipped: docs.length - imported, preview };
}

// ---------------------------------------------------------------------------------------------
// Listing and response rates

export async function listParticipants(
  campaignId: mongoose.Types.ObjectId,
  opts: { limit: number; skip: number },
): Promise<{ items: ParticipantView[]; total: number }> {
  const [docs, total] = await Promise.all([
    ParticipantModel.find({ campaignId }).sort({ _id: 1 }).skip(opts.skip).limit(opts.limit).lean<ParticipantRecord[]>(),
    ParticipantModel.countDocuments({ campaignId }),
  ]);
  return { items: docs.map(toView), total };
}

export interface RateRow {
  key: string;
  /** People in the group (invited), the figure the minimum group size applies to. */
  size: number;
  responded: number;
  /** 0..1 */
  rate: number;
}

export interface ResponseRates {
  minGroupSize: number;
  overall: SuppressedRow<RateRow>;
  bySegment: { segment: string; rows: SuppressedRow<RateRow>[] }[];
}

const rate = (responded: number, size: number) => (size > 0 ? responded / size : 0);

/**
 * Response rate overall and per segment value. The database only counts ($group/$sum); the rate
 * and the small-group rule are applied here, through suppressSmallGroups, so a group with fewer
 * invited people than the campaign's minimum shows no figures at all. `submitting` counts as not
 * yet responded (the submit may still fail).
 */
export async function responseRates(campaign: Campaign): Promise<ResponseRates> {
  const min = campaign.minGroupSize ?? 5;
  const counts = await ParticipantModel.aggregate<{ _id: string; n: number }>([
    { $match: { campaignId: campaign._id } },
    { $group: { _id: '$status', n: { $sum: 1 } } },
  ]);
  const total = counts.reduce((s, c) => s + c.n, 0);
  const responded = counts.find((c) => c._id === 'responded')?.n ?? 0;
  const [overall] = suppressSmallGroups([{ key: 'all', size: total, responded, rate: rate(responded, total) }], min, { complementary: false });

  const bySegment: ResponseRates['bySegment'] = [];
  for (const segment of campaign.segments) {
    const grouped = await ParticipantModel.aggregate<{ _id: { v?: string | null; s: string }; n: number }>([
      { $match: { campaignId: campaign._id } },
      { $group: { _id: { v: `$segments.${segment.key}`, s: '$status' }, n: { $sum: 1 } } },
    ]);
    const byValue = new Map<string, { size: number; responded: number }>();
    for (const g of grouped) {
      const value = typeof g._id?.v === 'string' && g._id.v ? g._id.v : '';
      const entry = byValue.get(value) ?? { size: 0, responded: 0 };
      entry.size += g.n;
      if (g._id?.s === 'responded') entry.responded += g.n;
      byValue.set(value, entry);
    }
    // Every option appears (also with 0 invited), in the campaign's order; "not given" last.
    const rows: RateRow[] = segment.options.map((o) => {
      const e = byValue.get(o.key) ?? { size: 0, responded: 0 };
      return { key: o.key, size: e.size, responded: e.responded, rate: rate(e.responded, e.size) };
    });
    const none = byValue.get('');
    if (none) rows.push({ key: '', size: none.size, responded: none.responded, rate: rate(none.responded, none.size) });
    bySegment.push({ segment: segment.key, rows: suppressSmallGroups(rows.filter((r) => r.size > 0 || r.key !== ''), min) });
  }
  return { minGroupSize: min, overall, bySegment };
}

// ---------------------------------------------------------------------------------------------
// Personal links

/**
 * Issues a fresh personal-link token for each participant and adds its hash (older links keep
 * working; at most MAX_TOKEN_HASHES are kept). Returns the raw tokens once — they exist nowhere
 * else, which is why every export issues new ones.
 */
export async function issueTokens(participants: { id: string }[]): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  const ops = participants.map((p) => {
    const token = newParticipantToken();
    tokens.set(p.id, token);
    return {
      updateOne: {
        filter: { _id: new mongoose.Types.ObjectId(p.id) },
        update: { $push: { tokenHashes: { $each: [hashParticipantToken(token)], $slice: -MAX_TOKEN_HASHES } } },
      },
    };
  });
  for (let i = 0; i < ops.length; i += 1000) await ParticipantModel.bulkWrite(ops.slice(i, i + 1000), { ordered: false });
  return tokens;
}

/** All participants of a campaign with a fresh link each (for the mail-merge export). */
export async function exportLinks(campaign: Campaign): Promise<{ participant: ParticipantView; token: string }[]> {
  const docs = await ParticipantModel.find({ campaignId: campaign._id }).sort({ _id: 1 }).lean<ParticipantRecord[]>();
  const views = docs.map(toView);
  const tokens = await issueTokens(views);
  return views.map((p) => ({ participant: p, token: tokens.get(p.id)! }));
}

export interface RedeemedLink {
  participantId: mongoose.Types.ObjectId;
  campaignId: mongoose.Types.ObjectId;
}

/**
 * Looks a raw token up. Always hashes and always runs exactly one query, whatever the input looks
 * like: a malformed token and an unknown one take the same path, so neither the status nor the
 * timing tells a guesser which tokens are "almost" right.
 */
export async function findByToken(rawToken: string): Promise<RedeemedLink | null> {
  const hash = hashParticipantToken(rawToken.slice(0, 256));
  const doc = await ParticipantModel.findOne({ tokenHashes: hash }, { campaignId: 1 }).lean();
  return doc ? { participantId: doc._id, campaignId: doc.campaignId } : null;
}

/** What the respondent flow needs about the participant behind a `wv_participant` cookie. */
export interface ParticipantContext {
  id: mongoose.Types.ObjectId;
  status: 'invited' | 'submitting' | 'responded';
  segments: Record<string, string>;
}

export async function findForCampaign(campaignId: mongoose.Types.ObjectId, rawToken: string): Promise<ParticipantContext | null> {
  const hash = hashParticipantToken(rawToken.slice(0, 256));
  const doc = await ParticipantModel.findOne({ tokenHashes: hash, campaignId }, { status: 1, segments: 1 }).lean<ParticipantRecord>();
  if (!doc) return null;
  return { id: doc._id, status: doc.status as ParticipantContext['status'], segments: plainRecord(doc.segments) as Record<string, string> };
}

// ---------------------------------------------------------------------------------------------
// One submission per personal link (no transactions: single-document updates only)

/**
 * Step 1 of a participant's submit: claim the participant for this device. Succeeds when the
 * participant is still `invited`, or is already `submitting` under the same claim key (a retry
 * from the same device, also after a crash). Anyone else gets 409 `already_responded`.
 */
export async function claimForSubmit(participantId: mongoose.Types.ObjectId, claimKey: string): Promise<void> {
  const refused = () => new AppError(409, 'already_responded', 'This personal link has already been used to answer');
  // The lock decides among concurrent devices (atomic unique insert); the status update below
  // alone is not atomic on FerretDB. A retry from the claiming device finds its own key.
  const lockId = String(participantId);
  let ownLock = false;
  try {
    await ParticipantClaimModel.create({ _id: lockId, claimKey });
    ownLock = true;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const lock = await ParticipantClaimModel.findById(lockId).lean();
    if (!lock || lock.claimKey !== claimKey) throw refused();
  }
  const claimed = await ParticipantModel.findOneAndUpdate(
    { _id: participantId, $or: [{ status: 'invited' }, { status: 'submitting', claimKey }] },
    { $set: { status: 'submitting', claimKey } },
    // No projection: FerretDB 1.x does not implement `fields` on findAndModify.
    { returnDocument: 'after' },
  ).lean();
  if (!claimed) {
    // Already responded (or claimed before locks existed): give the lock back, refuse.
    if (ownLock) await ParticipantClaimModel.deleteOne({ _id: lockId });
    throw refused();
  }
}

/** Start of the UTC day: anonymous campaigns store only the day a participant responded. */
export function roundToDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

/**
 * Step 3: mark the participant responded and drop the claim key. In anonymous campaigns
 * `respondedAt` is rounded to the day, so it cannot be matched to a response's `submittedAt`.
 * Idempotent: a second call (a retry) matches nothing and changes nothing.
 */
export async function markResponded(participantId: mongoose.Types.ObjectId, claimKey: string, anonymous: boolean, now = new Date()): Promise<void> {
  await ParticipantModel.updateOne(
    { _id: participantId, status: 'submitting', claimKey },
    { $set: { status: 'responded', respondedAt: anonymous ? roundToDay(now) : now }, $unset: { claimKey: 1 } },
  );
  // The lock stays (later devices are refused) but no longer names the device.
  await ParticipantClaimModel.updateOne({ _id: String(participantId) }, { $set: { claimKey: '' } });
}

/** Is this device's claim the one holding the participant? (used when a retry finds the draft already submitted) */
export async function holdsClaim(participantId: mongoose.Types.ObjectId, claimKey: string): Promise<boolean> {
  return (await ParticipantModel.countDocuments({ _id: participantId, status: 'submitting', claimKey })) > 0;
}

// Campaign settings about participants (public link, mailing) are the campaigns feature's:
// setPublicLink and saveMailingSettings live in src/campaigns/campaign.service.ts.
export { saveMailingSettings, setPublicLink, type MailingSettings } from '../campaigns/campaign.service.js';

/** The participants an address was invited as (all campaigns), for an erasure request by e-mail. */
export async function participantsByEmail(email: string): Promise<Array<{ participantId: mongoose.Types.ObjectId; campaignId: mongoose.Types.ObjectId }>> {
  const clean = email.trim().toLowerCase().slice(0, 254);
  if (!clean.includes('@')) return [];
  const docs = await ParticipantModel.find({ email: clean }, { campaignId: 1 }).lean<Array<{ _id: mongoose.Types.ObjectId; campaignId: mongoose.Types.ObjectId }>>();
  return docs.map((d) => ({ participantId: d._id, campaignId: d.campaignId }));
}

/** Erasure: the participant's record (e-mail, name, segments, link hashes, mail state), its submit lock and mail fences. */
export async function deleteParticipantRecord(participantId: mongoose.Types.ObjectId): Promise<void> {
  await ParticipantModel.deleteOne({ _id: participantId });
  await ParticipantClaimModel.deleteOne({ _id: String(participantId) });
  await ParticipantMailClaimModel.deleteMany({ _id: mongoose.trusted({ $regex: `^${String(participantId)}:` }) });
}
