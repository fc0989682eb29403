import mongoose from 'mongoose';
import type { Logger } from '../shared/logger.js';
import { ErasureModel } from './erasure.model.js';

/**
 * Deleted documents leave their bytes in database files until the space is reused. After an
 * erasure the embedded database (FerretDB on SQLite) is compacted: our FerretDB build runs
 * `VACUUM` and then truncates the write-ahead log (src/db/embedded/ferretdb-build.ts, patch 3),
 * so no erased text remains in `./data`. On MongoDB (MONGODB_URI) `compact` is an operator's job
 * (it blocks the collection): docs/security.md says how long deleted text can stay there.
 */
export async function reclaimDeletedData(logger?: Logger): Promise<{ compacted: boolean }> {
  const db = mongoose.connection.db;
  if (!db) return { compacted: false };
  const info = (await db.admin().command({ buildInfo: 1 })) as { ferretdbVersion?: string };
  const pending = await ErasureModel.countDocuments({ reclaimedAt: null });
  if (!info.ferretdbVersion) return { compacted: false };
  // On SQLite one compact rebuilds the whole database file, whatever collection it names.
  const collections = await db.listCollections({}, { nameOnly: true }).toArray();
  const any = collections.find((c) => c.name === 'responses') ?? collections[0];
  if (!any) return { compacted: false };
  await db.command({ compact: any.name, force: true });
  await ErasureModel.updateMany({ reclaimedAt: null }, { $set: { reclaimedAt: new Date() } });
  logger?.info({ pendingErasures: pending }, 'database compacted after erasures');
  return { compacted: true };
}

let timer: NodeJS.Timeout | undefined;
let running: Promise<unknown> | undefined;

/**
 * Compacts soon after an erasure (debounced: a lead deleting ten answers causes one compaction).
 * Runs in the background; a failure is logged and retried by the hourly job.
 */
export function scheduleReclaim(logger?: Logger, delayMs = 2_000): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = undefined;
    running = reclaimDeletedData(logger)
      .catch((err) => logger?.warn({ err }, 'compaction after erasure failed; the hourly job retries'))
      .finally(() => (running = undefined));
  }, delayMs);
  timer.unref();
}

/** Waits for a scheduled or running compaction (tests, shutdown). */
export async function settleReclaim(): Promise<void> {
  if (timer) {
    clearTimeout(timer);
    timer = undefined;
    running = reclaimDeletedData().catch(() => undefined);
  }
  await running;
}

/**
 * At start and every hour: compacts when an erasure has not been followed by a compaction yet
 * (the app stopped in between, or the last attempt failed). Returns a stop function.
 */
export function startReclaimJob(logger: Logger, intervalMs = 60 * 60_000): () => void {
  const run = async () => {
    try {
      if ((await ErasureModel.countDocuments({ reclaimedAt: null })) > 0) await reclaimDeletedData(logger);
    } catch (err) {
      logger.warn({ err }, 'compaction job failed; will retry');
    }
  };
  void run();
  const t = setInterval(() => void run(), intervalMs);
  t.unref();
  return () => clearInterval(t);
}
