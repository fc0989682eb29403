import mongoose from 'mongoose';
import { UserModel, type Role } from './user.model.js';

/** How other features read accounts: the auth feature alone knows its collection. */

/** The oldest active admin-or-lead account and the oldest active lead account (either may be missing). */
export async function earliestStaff(): Promise<{ first?: { id: string; role: Role }; firstLead?: { id: string } }> {
  const [first] = await UserModel.find({ role: mongoose.trusted({ $in: ['admin', 'lead'] }), disabled: false }, { role: 1 })
    .sort({ createdAt: 1, _id: 1 })
    .limit(1)
    .lean();
  const [firstLead] = await UserModel.find({ role: 'lead', disabled: false }, { role: 1 }).sort({ createdAt: 1, _id: 1 }).limit(1).lean();
  return {
    ...(first ? { first: { id: String(first._id), role: first.role as Role } } : {}),
    ...(firstLead ? { firstLead: { id: String(firstLead._id) } } : {}),
  };
}

/** How many of these accounts are leads. */
export async function countLeadsAmong(ids: readonly unknown[]): Promise<number> {
  return UserModel.countDocuments({ _id: mongoose.trusted({ $in: ids }), role: 'lead' });
}
