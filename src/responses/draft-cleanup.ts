import mongoose from 'mongoose';
import { DraftModel } from './response.model.js';

/**
 * Deletes the drafts of submitted responses in the background, in batches.
 *
 * Why not at submit time: the respondent would wait for a second database write, and on the
 * embedded FerretDB every write competes with the next respondent's insert. A draft left behind
 * for a moment is harmless — autosave, upload and submit look for the response first — and one
 * `deleteMany` per batch replaces one `deleteOne` per respondent. If the process dies before a
 * batch runs, the drafts stay until the campaign's retention purge (src/privacy/retention.ts)
 * or the next submit of the same device; the lead's draft count may include them until then.
 */
const pending = new Set<string>();
let timer: NodeJS.Timeout | undefined;
let running: Promise<void> | undefined;
const DELAY_MS = 1000;
const BATCH = 500;

export function scheduleDraftDelete(key: string): void {
  pending.add(key);
  if (!timer && !running) {
    timer = setTimeout(() => void flushDraftDeletes().catch(() => undefined), DELAY_MS);
    timer.unref();
  }
}

/** Deletes every queued draft now (shutdown, tests); resolves when the database has done it. */
export async function flushDraftDeletes(): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = undefined;
  if (running) await running;
  if (!pending.size) return;
  running = (async () => {
    while (pending.size) {
      const keys = [...pending].slice(0, BATCH);
      // sanitizeFilter is on globally: our own operator is marked trusted.
      await DraftModel.deleteMany({ _id: mongoose.trusted({ $in: keys }) });
      for (const k of keys) pending.delete(k);
    }
  })();
  try {
    // On failure (database busy or gone) the keys stay queued and are tried again below; the
    // caller (shutdown) logs the error, the timer's own call ignores it.
    await running;
  } finally {
    running = undefined;
    if (pending.size && !timer) {
      timer = setTimeout(() => void flushDraftDeletes().catch(() => undefined), DELAY_MS * 5);
      timer.unref();
    }
  }
}
