import mongoose from 'mongoose';

/**
 * Small MongoDB helpers every feature needs, written once.
 */

/** True for the driver's duplicate-key error (E11000): a unique index refused an insert. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/**
 * A mongoose `Map` field read with `.lean()` arrives as a plain object, through a document as a
 * `Map`: either way, its entries as a plain record (empty for null/undefined).
 */
export function plainRecord<T>(value: Map<string, T> | Record<string, T> | null | undefined): Record<string, T> {
  if (!value) return {};
  return value instanceof Map ? Object.fromEntries(value) : value;
}

/** The same, as entries (for loops that filter as they go). */
export function entriesOf<T = unknown>(value: unknown): Array<[string, T]> {
  if (!value) return [];
  return value instanceof Map ? ([...value.entries()] as Array<[string, T]>) : (Object.entries(value as Record<string, T>) as Array<[string, T]>);
}

/**
 * The `_id` of a record read from a collection whose ids are ObjectIds (campaigns, runs, users).
 * Lean records type `_id` loosely; this is the one place that says what it is.
 */
export function objectIdOf(record: { _id: unknown }): mongoose.Types.ObjectId {
  const id = record._id;
  if (id instanceof mongoose.Types.ObjectId) return id;
  throw new TypeError(`expected an ObjectId _id, got ${typeof id}`);
}
