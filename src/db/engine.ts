import mongoose from 'mongoose';

/**
 * Which server the app talks to, asked once per connection: FerretDB answers `buildInfo` with a
 * `ferretdbVersion`. Some query shapes are fast on one and slow on the other — FerretDB 1.x on
 * SQLite pushes only an exact `{_id: value}` filter down to SQL (an `$in` scans the collection),
 * MongoDB answers one `$in` from its index — so a few query functions choose per engine.
 */
let cached: { db: unknown; ferret: Promise<boolean> } | undefined;

export function isFerretDb(): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db) return Promise.resolve(false);
  if (cached?.db !== db) {
    const ferret = db
      .admin()
      .command({ buildInfo: 1 })
      .then((info) => typeof (info as { ferretdbVersion?: unknown }).ferretdbVersion === 'string')
      .catch(() => false);
    cached = { db, ferret };
  }
  return cached.ferret;
}
