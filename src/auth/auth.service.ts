import { createHash, randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { AppError, badRequest, conflict, notFound } from '../shared/errors.js';
import { TtlCache } from '../shared/ttl-cache.js';
import { dummyPasswordHash, hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, verifyPassword } from './password.js';
import { ApiTokenModel, ROLES, UserModel, type ApiTokenRecord, type Role, type UserRecord } from './user.model.js';

/** The roles an account can have (for the CLI's and forms' validation). */
export { ROLES };
import { parseId } from '../shared/ids.js';
import { isDuplicateKey } from '../db/mongo.js';

/** What the rest of the app knows about the signed-in person. */
export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** The user's session epoch (user.model.ts): what a new session records. */
  sessionEpoch: number;
}

export const toCurrentUser = (u: UserRecord): CurrentUser => ({ id: String(u._id), email: u.email, name: u.name ?? '', role: u.role as Role, sessionEpoch: u.sessionEpoch ?? 0 });

export function checkPasswordPolicy(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw badRequest('Password too short', { password: 'validation.password_too_short' });
  if (password.length > MAX_PASSWORD_LENGTH) throw badRequest('Password too long', { password: 'validation.password_too_long' });
}

export async function countUsers(): Promise<number> {
  return UserModel.countDocuments();
}

export async function createUser(input: { email: string; name?: string; role: Role; password: string }): Promise<CurrentUser> {
  checkPasswordPolicy(input.password);
  try {
    const doc = await UserModel.create({ email: input.email, name: input.name ?? '', role: input.role, passwordHash: await hashPassword(input.password) });
    return toCurrentUser(doc.toObject() as UserRecord);
  } catch (err) {
    if (isDuplicateKey(err)) throw new AppError(409, 'email_taken', 'A user with this e-mail exists', { fields: { email: 'validation.email_taken' } });
    throw err;
  }
}

/**
 * Checks e-mail and password. Unknown e-mails cost the same scrypt work as wrong passwords, so
 * response times do not reveal which accounts exist.
 */
export async function authenticate(email: string, password: string): Promise<CurrentUser | null> {
  const user = await UserModel.findOne({ email: email.trim().toLowerCase() }).lean<UserRecord>();
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok || user.disabled) return null;
  await UserModel.updateOne({ _id: user._id }, { $set: { lastLoginAt: new Date() } });
  return toCurrentUser(user);
}

/** The user behind a session, or null when gone, disabled, or the password changed since login. */
export async function userForSession(userId: unknown, epoch: unknown): Promise<CurrentUser | null> {
  if (!parseId('objectId', userId)) return null;
  const user = await UserModel.findById(userId).lean<UserRecord>();
  if (!user || user.disabled) return null;
  // A password change increments the epoch: every session signed in before it ends (sessions
  // without an epoch come from an older version and end too).
  if (typeof epoch !== 'number' || epoch !== (user.sessionEpoch ?? 0)) return null;
  return toCurrentUser(user);
}

/** Changes the own password; returns the user with the new session epoch (for the session that did it). */
export async function changePassword(userId: string, current: string, next: string): Promise<CurrentUser> {
  const user = await UserModel.findById(userId).lean<UserRecord>();
  if (!user) throw notFound('User');
  if (!(await verifyPassword(current, user.passwordHash))) {
    throw badRequest('Current password is wrong', { currentPassword: 'validation.password_wrong' });
  }
  checkPasswordPolicy(next);
  const updated = await UserModel.findOneAndUpdate(
    { _id: user._id },
    { $set: { passwordHash: await hashPassword(next), passwordChangedAt: new Date() }, $inc: { sessionEpoch: 1 } },
    { returnDocument: 'after' },
  ).lean<UserRecord>();
  if (!updated) throw notFound('User');
  return toCurrentUser(updated);
}

export async function listUsers(): Promise<UserRecord[]> {
  return UserModel.find({}).sort({ email: 1 }).limit(1000).lean<UserRecord[]>();
}

export async function findUserByEmail(email: string): Promise<UserRecord | null> {
  return UserModel.findOne({ email: email.trim().toLowerCase() }).lean<UserRecord>();
}

export async function getUsersByIds(ids: mongoose.Types.ObjectId[]): Promise<UserRecord[]> {
  if (!ids.length) return [];
  // sanitizeFilter is on globally: operators we write ourselves are marked trusted.
  return UserModel.find({ _id: mongoose.trusted({ $in: ids }) }).lean<UserRecord[]>();
}

/** Admin changes: role, disabled flag, or a new password. The last admin cannot lock itself out. */
export async function updateUser(
  actor: CurrentUser,
  userId: string,
  change: { role?: Role; disabled?: boolean; password?: string },
): Promise<void> {
  if (!parseId('objectId', userId)) throw notFound('User');
  const user = await UserModel.findById(userId).lean<UserRecord>();
  if (!user) throw notFound('User');
  const demotesAdmin = user.role === 'admin' && ((change.role && change.role !== 'admin') || change.disabled === true);
  if (demotesAdmin) {
    const admins = await UserModel.countDocuments({ role: 'admin', disabled: false });
    if (admins <= 1) throw conflict('The last active admin cannot be demoted or disabled');
  }
  if (String(user._id) === actor.id && change.disabled === true) throw conflict('You cannot disable your own account');
  const set: Record<string, unknown> = {};
  if (change.role) set.role = change.role;
  if (change.disabled !== undefined) set.disabled = change.disabled;
  if (change.password) {
    checkPasswordPolicy(change.password);
    set.passwordHash = await hashPassword(change.password);
    set.passwordChangedAt = new Date();
  }
  // A new password or a disabled account ends the user's sessions (a new epoch).
  const endSessions = Boolean(change.password) || change.disabled === true;
  if (Object.keys(set).length) await UserModel.updateOne({ _id: user._id }, { $set: set, ...(endSessions ? { $inc: { sessionEpoch: 1 } } : {}) });
  tokenUsers.clear();
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Bearer token → user, cached for 10 s so an API client does not cost two extra database round
 * trips per request. Revoking, disabling or a role change applies at once on this instance
 * (the cache is cleared) and within 10 s on others.
 */
const tokenUsers = new TtlCache<CurrentUser>(10_000);

/** Creates a personal API token; the plain value is returned once and never stored. */
export async function createApiToken(userId: string, name: string): Promise<{ token: string; record: ApiTokenRecord }> {
  const count = await ApiTokenModel.countDocuments({ userId, revokedAt: null });
  if (count >= 20) throw conflict('At most 20 active tokens per user');
  const token = `wv_${randomBytes(32).toString('base64url')}`;
  const doc = await ApiTokenModel.create({ userId, name, tokenHash: hashToken(token), prefix: token.slice(0, 8) });
  return { token, record: doc.toObject() as ApiTokenRecord };
}

export async function listApiTokens(userId: string): Promise<ApiTokenRecord[]> {
  return ApiTokenModel.find({ userId, revokedAt: null }).sort({ createdAt: -1 }).lean<ApiTokenRecord[]>();
}

export async function revokeApiToken(userId: string, tokenId: string): Promise<void> {
  if (!parseId('objectId', tokenId)) throw notFound('Token');
  const res = await ApiTokenModel.updateOne({ _id: tokenId, userId, revokedAt: null }, { $set: { revokedAt: new Date() } });
  if (res.matchedCount === 0) throw notFound('Token');
  tokenUsers.clear();
}

/** The user behind a Bearer token, or null (revoked, unknown, or user disabled). */
export async function userForApiToken(token: string): Promise<CurrentUser | null> {
  if (!/^wv_[A-Za-z0-9_-]{43}$/.test(token)) {
    hashToken(token); // same work for malformed and unknown tokens
    return null;
  }
  const hash = hashToken(token);
  const cached = tokenUsers.get(hash);
  if (cached) return cached;
  const record = await ApiTokenModel.findOne({ tokenHash: hash, revokedAt: null }).lean<ApiTokenRecord>();
  // Record use at most once a minute: a write on every API call would halve throughput.
  if (record && (!record.lastUsedAt || Date.now() - record.lastUsedAt.getTime() > 60_000)) {
    void ApiTokenModel.updateOne({ _id: record._id }, { $set: { lastUsedAt: new Date() } }).catch(() => undefined);
  }
  if (!record) return null;
  const user = await UserModel.findById(record.userId).lean<UserRecord>();
  if (!user || user.disabled) return null;
  const current = toCurrentUser(user);
  tokenUsers.set(hash, current);
  return current;
}
