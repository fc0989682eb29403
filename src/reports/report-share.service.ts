import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { hashParticipantToken, newParticipantToken } from '../participants/participant.tokens.js';
import { notFound } from '../shared/errors.js';
import { ReportShareModel, type ReportShareRecord } from './report-share.model.js';
import { SHARE_TOKEN_RE, type ShareCreateInput } from './report.schemas.js';
import { parseId, parseObjectId } from '../shared/ids.js';

export type ShareStatus = 'active' | 'expired' | 'revoked';

export interface ShareView {
  publicId: string;
  campaignId: string;
  label: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt?: Date;
  status: ShareStatus;
}

export function statusOf(s: Pick<ReportShareRecord, 'expiresAt' | 'revokedAt'>, now = new Date()): ShareStatus {
  if (s.revokedAt) return 'revoked';
  return s.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}

function toView(s: ReportShareRecord, now = new Date()): ShareView {
  return {
    publicId: s.publicId,
    campaignId: String(s.campaignId),
    label: s.label ?? '',
    createdAt: s.createdAt,
    expiresAt: s.expiresAt,
    revokedAt: s.revokedAt ?? undefined,
    status: statusOf(s, now),
  };
}

const userObjectId = (id?: string) => (parseObjectId(id) ?? undefined);

/**
 * A new share link. The raw token (256 random bits, the same generator and hash as personal
 * links) is returned once and never stored: the document's `_id` is its SHA-256.
 */
export async function createShare(campaignId: mongoose.Types.ObjectId, input: ShareCreateInput, userId?: string): Promise<{ share: ShareView; token: string }> {
  const token = newParticipantToken();
  const doc = await ReportShareModel.create({
    _id: hashParticipantToken(token),
    publicId: randomBytes(12).toString('base64url'),
    campaignId,
    label: input.label,
    createdBy: userObjectId(userId),
    expiresAt: new Date(Date.now() + input.days * 24 * 3600 * 1000),
  });
  return { share: toView(doc.toObject() as ReportShareRecord), token };
}

/** The campaign's share links, newest first (no tokens: only their hashes are stored). */
export async function listShares(campaignId: mongoose.Types.ObjectId): Promise<ShareView[]> {
  const docs = await ReportShareModel.find({ campaignId }).sort({ createdAt: -1 }).limit(200).lean<ReportShareRecord[]>();
  const now = new Date();
  return docs.map((d) => toView(d, now));
}

/** Revokes a link of this campaign (idempotent); 404 for links of other campaigns. */
export async function revokeShare(campaignId: mongoose.Types.ObjectId, publicId: string, userId?: string): Promise<void> {
  if (!parseId('sharePublicId', publicId)) throw notFound('Share link');
  const doc = await ReportShareModel.findOne({ publicId }).lean<ReportShareRecord>();
  if (!doc || String(doc.campaignId) !== String(campaignId)) throw notFound('Share link');
  if (doc.revokedAt) return;
  await ReportShareModel.updateOne({ _id: doc._id }, { $set: { revokedAt: new Date(), revokedBy: userObjectId(userId) } });
}

/**
 * The active link behind a raw token, or null (unknown, malformed, expired or revoked all look
 * the same to the caller). A malformed token is hashed and looked up like any other, so timing
 * tells a guesser nothing about token shapes.
 */
export async function findActiveShare(rawToken: string, publicId?: string): Promise<ShareView | null> {
  const wellFormed = SHARE_TOKEN_RE.test(rawToken);
  const doc = await ReportShareModel.findById(hashParticipantToken(wellFormed ? rawToken : '')).lean<ReportShareRecord>();
  if (!wellFormed || !doc) return null;
  if (publicId !== undefined && doc.publicId !== publicId) return null;
  const view = toView(doc);
  return view.status === 'active' ? view : null;
}
