import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from './password.js';
import { ROLES } from './user.model.js';

const email = z.string().trim().toLowerCase().max(254, 'validation.too_long').email('validation.email');
// Passwords are bounded before hashing (scrypt cost) but otherwise taken as typed.
const password = z.string().min(1, 'validation.required').max(MAX_PASSWORD_LENGTH, 'validation.password_too_long');

export const loginSchema = z.object({ email: z.string().trim().max(254).default(''), password: z.string().max(MAX_PASSWORD_LENGTH * 4).default('') });
export const setupSchema = z.object({ email, name: z.string().trim().max(120).default(''), password });
export const passwordChangeSchema = z.object({ currentPassword: z.string().max(MAX_PASSWORD_LENGTH * 4), newPassword: password });
export const tokenCreateSchema = z.object({ name: z.string().trim().min(1, 'validation.required').max(80, 'validation.too_long') });
export const userCreateSchema = z.object({ email, name: z.string().trim().max(120).default(''), role: z.enum(ROLES), password });
export const userUpdateSchema = z.object({
  role: z.enum(ROLES).optional(),
  disabled: z.enum(['true', 'false']).optional(),
  password: z.string().max(MAX_PASSWORD_LENGTH).optional(),
});
export const memberSchema = z.object({ email, as: z.enum(['coLead', 'stakeholder']), action: z.enum(['add', 'remove']).default('add') });

/** Only same-site relative paths are valid redirect targets after login (no open redirect). */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.length > 500) return '/lead';
  return next;
}
