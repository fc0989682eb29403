import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const ROLES = ['admin', 'lead', 'stakeholder'] as const;
export type Role = (typeof ROLES)[number];

const userSchema = new Schema(
  {
    email: { type: String, required: true, unique: true, lowercase: true, trim: true },
    name: { type: String, default: '' },
    role: { type: String, enum: ROLES, required: true },
    passwordHash: { type: String, required: true },
    passwordChangedAt: { type: Date, default: () => new Date() },
    /**
     * Sessions remember the epoch they signed in with; a password change (own or by an admin)
     * increments it, which ends every other session at once — a counter, not a clock, so a
     * session opened a moment before the change cannot survive it.
     */
    sessionEpoch: { type: Number, default: 0 },
    disabled: { type: Boolean, default: false },
    lastLoginAt: Date,
  },
  { timestamps: true },
);

export const UserModel = mongoose.model('User', userSchema);
export type UserRecord = InferSchemaType<typeof userSchema> & { _id: mongoose.Types.ObjectId };

/** Personal API tokens for /api/v1: only a SHA-256 hash is stored; revocable. */
const apiTokenSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    name: { type: String, required: true },
    tokenHash: { type: String, required: true, unique: true },
    /** First characters, shown in the list so people can tell tokens apart. */
    prefix: { type: String, required: true },
    lastUsedAt: Date,
    revokedAt: Date,
  },
  { timestamps: true },
);

export const ApiTokenModel = mongoose.model('ApiToken', apiTokenSchema);
export type ApiTokenRecord = InferSchemaType<typeof apiTokenSchema> & { _id: mongoose.Types.ObjectId };
