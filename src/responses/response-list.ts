import mongoose from 'mongoose';
import { ResponseModel, type ResponseRecord } from './response.model.js';

/**
 * The order of a campaign's submitted responses for the lead's pages (newest first): the list's
 * pages, the campaign page's and the campaign list's counts.
 *
 * Why not `find().sort().skip().limit()` + `countDocuments()` per page view: FerretDB 1.24 pushes
 * neither the sort nor the limit down to SQL on any backend, and the count's filter on none
 * (measured with `explain`, docs/PERFORMANCE.md, *Lead pages at 50,000 responses*): every page
 * view decoded every response twice, on SQLite even other campaigns'. Here one query — the
 * campaign filter, which FerretDB does push down on PostgreSQL — returns `_id` and `submittedAt`;
 * order and total come from it, and a page's documents are read by `_id` (pushed down everywhere).
 *
 * The order is kept per campaign in this instance:
 * - submits and deletions made through this instance update it at once (`noteSubmitted`,
 *   `noteDeleted`), so its own figures are exact without reading everything again;
 * - submits through OTHER instances appear after at most REFRESH_MS plus one read: an older order
 *   is still served while a fresh one is read in the background (stale-while-revalidate), so a
 *   lead never waits for the full read twice;
 * - a page's documents are read fresh, so a response deleted elsewhere never shows (it is skipped).
 */
let REFRESH_MS = 30_000;
const MAX_CAMPAIGNS = 200;
/** Beyond this many noted changes without a read, the entry is dropped and read again when next needed. */
const MAX_NOTED = 20_000;

/** Tests: how old an order may get before a background read replaces it. */
export function setOrderRefreshMs(ms: number): void {
  REFRESH_MS = ms;
}

interface Entry {
  order: string[];
  loadedAt: number;
  /** A background read under way. */
  refreshing?: Promise<void>;
  /** What this instance noted since `loadedAt` (a read under way may have missed it). */
  noted: Array<{ id: string; at: number; deleted: boolean }>;
}
const entries = new Map<string, Entry>();
const firstLoads = new Map<string, Promise<Entry>>();

async function readOrder(campaignId: mongoose.Types.ObjectId): Promise<string[]> {
  const rows = await ResponseModel.collection
    .find<{ _id: string; submittedAt?: Date }>({ campaignId }, { projection: { _id: 1, submittedAt: 1 } })
    .toArray();
  // Newest first; equal times (bulk imports) by id descending, as the old sort did.
  rows.sort((a, b) => (b.submittedAt?.getTime() ?? 0) - (a.submittedAt?.getTime() ?? 0) || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0));
  return rows.map((r) => String(r._id));
}

function remember(key: string, entry: Entry): void {
  entries.delete(key);
  entries.set(key, entry);
  while (entries.size > MAX_CAMPAIGNS) entries.delete(entries.keys().next().value as string);
}

/** The campaign's submitted response ids, newest first. */
export async function responseOrder(campaignId: mongoose.Types.ObjectId): Promise<readonly string[]> {
  const key = String(campaignId);
  const hit = entries.get(key);
  if (hit) {
    if (Date.now() - hit.loadedAt > REFRESH_MS && !hit.refreshing) {
      const startedAt = Date.now();
      hit.refreshing = readOrder(campaignId)
        .then((read) => {
          if (entries.get(key) !== hit) return;
          // What this instance stored or deleted while the read ran may be missing from it / still in it.
          const late = hit.noted.filter((n) => n.at >= startedAt);
          const gone = new Set(late.filter((n) => n.deleted).map((n) => n.id));
          const known = new Set(read);
          const added = late.filter((n) => !n.deleted && !known.has(n.id) && !gone.has(n.id)).map((n) => n.id).reverse();
          remember(key, { order: [...added, ...read.filter((id) => !gone.has(id))], loadedAt: startedAt, noted: late });
        })
        .catch(() => undefined)
        .finally(() => (hit.refreshing = undefined));
    }
    return hit.order;
  }
  let loading = firstLoads.get(key);
  if (!loading) {
    const startedAt = Date.now();
    loading = readOrder(campaignId).then((order) => {
      const entry: Entry = { order, loadedAt: startedAt, noted: [] };
      remember(key, entry);
      return entry;
    });
    firstLoads.set(key, loading);
    void loading.catch(() => undefined).finally(() => firstLoads.delete(key));
  }
  return (await loading).order;
}

/** A response was just stored through this instance. */
export function noteSubmitted(campaignId: mongoose.Types.ObjectId | string, responseId: string): void {
  const hit = entries.get(String(campaignId));
  if (!hit) return;
  if (hit.noted.length >= MAX_NOTED) return void entries.delete(String(campaignId));
  hit.noted.push({ id: responseId, at: Date.now(), deleted: false });
  if (!hit.order.includes(responseId)) hit.order = [responseId, ...hit.order];
}

/** A response was just deleted through this instance. */
export function noteDeleted(campaignId: mongoose.Types.ObjectId | string, responseId: string): void {
  const hit = entries.get(String(campaignId));
  if (!hit) return;
  if (hit.noted.length >= MAX_NOTED) return void entries.delete(String(campaignId));
  hit.noted.push({ id: responseId, at: Date.now(), deleted: true });
  hit.order = hit.order.filter((id) => id !== responseId);
}

/** All of a campaign's responses went (retention): read again next time. */
export function forgetResponseOrder(campaignId: mongoose.Types.ObjectId | string): void {
  entries.delete(String(campaignId));
}

/** One page of submitted responses (full documents, read by `_id`) and the total. */
export async function submittedPage(campaignId: mongoose.Types.ObjectId, skip: number, limit: number): Promise<{ docs: ResponseRecord[]; total: number }> {
  // A response deleted through another instance since the order was read is skipped, never
  // shown, and dropped from the order; the page is then read again so it stays full.
  for (let round = 0; ; round++) {
    const order = await responseOrder(campaignId);
    const ids = order.slice(skip, skip + limit);
    const docs = await Promise.all(ids.map((id) => ResponseModel.findById(id).lean<ResponseRecord>()));
    const found = docs.filter((d): d is ResponseRecord => d !== null && String(d.campaignId) === String(campaignId));
    if (found.length === ids.length || round === 2) return { docs: found, total: order.length - (ids.length - found.length) };
    for (const [i, d] of docs.entries()) if (d === null || String(d.campaignId) !== String(campaignId)) noteDeleted(campaignId, ids[i]);
  }
}

/** How many responses the campaign has (the order's length). */
export async function submittedCount(campaignId: mongoose.Types.ObjectId): Promise<number> {
  return (await responseOrder(campaignId)).length;
}
