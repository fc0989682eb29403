import mongoose from 'mongoose';

/**
 * The one parser for every id that reaches a query from a URL or a body (issue 12).
 *
 * Each kind of id has exactly one canonical spelling; anything else — another letter case,
 * whitespace, a trailing slash or dot, an operator object, an array — is "not an id" (null), and
 * callers answer 404 before any database read. Why so strict: the driver and mongoose accept
 * more spellings than we write (an ObjectId in upper case, a 12-byte string), so a check that
 * recognised fewer spellings than the loader left a gap between "not checked" and "loaded" —
 * the access guard let upper-case campaign ids through while the loader found the campaign.
 * One function per kind, used by the guard and every loader, closes that gap for good.
 */
const FORMS = {
  /** Campaigns, analysis runs, users, API tokens, board corrections, participants: lower-case hex. */
  objectId: /^[a-f0-9]{24}$/,
  /**
   * Responses (and drafts): `d_<sha256 base64url>` for web answers, `s_<campaign>_<submission>`
   * for API submissions (src/responses/response.model.ts).
   */
  response: /^(?:d_[A-Za-z0-9_-]{43}|s_[a-f0-9]{24}_[A-Za-z0-9_-]{8,64})$/,
  /** Recordings: `m_` + 24 (random) or 32 (idempotency hash) base64url characters. */
  media: /^m_[A-Za-z0-9_-]{24,32}$/,
  /** The public half of a report share link (12 random bytes, base64url). */
  sharePublicId: /^[A-Za-z0-9_-]{16}$/,
} as const;

export type IdKind = keyof typeof FORMS;

/** `raw` if it is a canonical id of `kind`, otherwise null. Never throws, never trims. */
export function parseId(kind: IdKind, raw: unknown): string | null {
  return typeof raw === 'string' && FORMS[kind].test(raw) ? raw : null;
}

/** `raw` as an ObjectId if it is a canonical (lower-case, 24 hex digits) id, otherwise null. */
export function parseObjectId(raw: unknown): mongoose.Types.ObjectId | null {
  const id = parseId('objectId', raw);
  return id ? new mongoose.Types.ObjectId(id) : null;
}

/** The regular expression of a kind, for zod schemas at the edge (`z.string().regex(idPattern('objectId'))`). */
export function idPattern(kind: IdKind): RegExp {
  return FORMS[kind];
}
