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
 * - submits through OTHER instances appear after at most REFRESH_MS (or ten times the last read's
 *   duration, whichever is longer) plus one read: an older order is still served while a fresh one
 *   is read in the background (stale-while-revalidate), so a lead never waits for the full read
 *   twice. The factor bounds the background reads to a tenth of the time: at 55,000 responses a
 *   read takes ~20 s on the embedded database, and re-reading every 30 s would keep FerretDB busy
 *   two thirds of the time while a lead has the list open;
 * - a page's documents are read fresh, so a response deleted elsewhere never shows (it is skipped).
 *
 * The same read keeps each response's segment values and language: the POPULATION the anonymity
 * plan of the lead's answer pages is made over (`responsePopulation`, used by
 * response.service.ts's segmentPrivacy). Before, every list view read every response's segments
 * for that plan (14–21 s per view at 55,000 responses). Why a kept population is safe:
 * - a person shown on a page is always in it (the page's ids come from the same order; a single
 *   response read by id is added first), so under the plan at least k people of the population —
 *   all real — show the same values;
 * - people submitted through other instances since the read are only missing: a plan over fewer
 *   real people never offers a value that would mark a group below k among them;
 * - people deleted are the danger (a plan that still counts them could offer a value whose group
 *   is now smaller): every deletion goes through the erasure (src/privacy/erasure.ts), which sets
 *   the campaign's `erasedAt`; a population not known to be read after the campaign's current
 *   `erasedAt` is read again, in the request, before it is used (`erasedSeen`).
 */
let REFRESH_MS = 30_000;
const MAX_CAMPAIGNS = 200;
/**
 * At most this many responses kept over all campaigns (~300 bytes each with segments: ~90 MB);
 * beyond it the least recently used campaigns are dropped (read again when next needed), but
 * never the one just read.
 */
const MAX_RESPONSES = 300_000;
/** Beyond this many noted changes without a read, the entry is dropped and read again when next needed. */
const MAX_NOTED = 20_000;

/** Tests: how old an order may get before a background read replaces it. */
export function setOrderRefreshMs(ms: number): void {
  REFRESH_MS = ms;
}

/** What the anonymity plan needs of one response: its segment values and its answers' language. */
export interface PopulationMember {
  segments: Record<string, string>;
  lang: string;
}

interface Entry {
  order: string[];
  /** Segment values and language per response id (the same responses as `order`). */
  people: Map<string, PopulationMember>;
  /** Bumped on every change of `people`, for the callers' memo of a plan. */
  version: number;
  /**
   * The campaign's `erasedAt` (ms, 0 = none) known to be older than this read; undefined =
   * not known (a read started by the list's order). A campaign whose `erasedAt` differs is read
   * again before its population is used: compared by value, so clocks of instances need not agree.
   */
  erasedSeen?: number;
  loadedAt: number;
  /** How long the read took (ms). */
  readMs: number;
  /** A background read under way. */
  refreshing?: Promise<void>;
  /** What this instance noted since `loadedAt` (a read under way may have missed it). */
  noted: Array<{ id: string; at: number; deleted: boolean }>;
}
const entries = new Map<string, Entry>();
const firstLoads = new Map<string, Promise<Entry>>();

let versions = 0;

/** Segments as stored (a plain object, or a Map through mongoose) → a plain record of strings. */
function memberOf(segments: unknown, lang: unknown): PopulationMember {
  const out: Record<string, string> = {};
  const entries = segments instanceof Map ? [...segments.entries()] : segments && typeof segments === 'object' ? Object.entries(segments) : [];
  for (const [k, v] of entries) if (typeof v === 'string') out[k] = v;
  return { segments: out, lang: typeof lang === 'string' ? lang : '' };
}

async function readOrder(campaignId: mongoose.Types.ObjectId): Promise<{ order: string[]; people: Map<string, PopulationMember> }> {
  const rows = await ResponseModel.collection
    .find<{ _id: string; submittedAt?: Date; segments?: unknown; lang?: unknown }>({ campaignId }, { projection: { _id: 1, submittedAt: 1, segments: 1, lang: 1 } })
    .toArray();
  // Newest first; equal times (bulk imports) by id descending, as the old sort did.
  rows.sort((a, b) => (b.submittedAt?.getTime() ?? 0) - (a.submittedAt?.getTime() ?? 0) || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0));
  return { order: rows.map((r) => String(r._id)), people: new Map(rows.map((r) => [String(r._id), memberOf(r.segments, r.lang)])) };
}

function remember(key: string, entry: Entry): void {
  entries.delete(key);
  entries.set(key, entry);
  while (entries.size > MAX_CAMPAIGNS) entries.delete(entries.keys().next().value as string);
  let kept = 0;
  for (const e of entries.values()) kept += e.order.length;
  while (kept > MAX_RESPONSES && entries.size > 1) {
    const oldest = entries.keys().next().value as string;
    kept -= entries.get(oldest)!.order.length;
    entries.delete(oldest);
  }
}

/** The campaign's submitted response ids, newest first. */
export async function responseOrder(campaignId: mongoose.Types.ObjectId): Promise<readonly string[]> {
  const key = String(campaignId);
  const hit = entries.get(key);
  if (hit) {
    const maxAge = REFRESH_MS === 0 ? 0 : Math.max(REFRESH_MS, 10 * hit.readMs);
    if (Date.now() - hit.loadedAt > maxAge && !hit.refreshing) {
      const startedAt = Date.now();
      hit.refreshing = readInto(key, campaignId, hit, startedAt)
        .then(() => undefined)
        .catch(() => undefined)
        .finally(() => (hit.refreshing = undefined));
    }
    return hit.order;
  }
  return (await firstLoad(key, campaignId)).order;
}

/**
 * Reads the campaign's responses and replaces `previous` (if it is still the entry) with them,
 * keeping what this instance stored or deleted while the read ran (it may be missing from the
 * read / still in it).
 */
async function readInto(key: string, campaignId: mongoose.Types.ObjectId, previous: Entry | undefined, startedAt: number, erasedSeen = previous?.erasedSeen): Promise<Entry> {
  const read = await readOrder(campaignId);
  const late = (previous?.noted ?? []).filter((n) => n.at >= startedAt);
  const gone = new Set(late.filter((n) => n.deleted).map((n) => n.id));
  const added = late.filter((n) => !n.deleted && !read.people.has(n.id) && !gone.has(n.id)).map((n) => n.id).reverse();
  const people = read.people;
  for (const id of added) people.set(id, previous!.people.get(id) ?? { segments: {}, lang: '' });
  for (const id of gone) people.delete(id);
  const entry: Entry = { order: [...added, ...read.order.filter((id) => !gone.has(id))], people, version: ++versions, loadedAt: startedAt, readMs: Date.now() - startedAt, noted: late, erasedSeen };
  if (previous === undefined || entries.get(key) === previous) remember(key, entry);
  return entry;
}

function firstLoad(key: string, campaignId: mongoose.Types.ObjectId): Promise<Entry> {
  let loading = firstLoads.get(key);
  if (!loading) {
    loading = readInto(key, campaignId, undefined, Date.now());
    firstLoads.set(key, loading);
    void loading.catch(() => undefined).finally(() => firstLoads.delete(key));
  }
  return loading;
}

/**
 * The campaign's submitted responses as the anonymity plan's population (see the comment at the
 * top), with a version that changes whenever the population does. Read again in the request when
 * the campaign had an erasure after the kept read (`erasedAt`); `shown` are the responses the
 * caller is about to show, added when missing (submitted through another instance since).
 */
export async function responsePopulation(
  campaign: { _id: mongoose.Types.ObjectId; erasedAt?: Date | null },
  shown: ReadonlyArray<{ id: string; segments?: unknown; lang?: unknown }> = [],
): Promise<{ people: ReadonlyMap<string, PopulationMember>; version: number }> {
  const key = String(campaign._id);
  await responseOrder(campaign._id);
  let entry = entries.get(key) ?? (await firstLoad(key, campaign._id));
  // `campaign` was read in this request, so its `erasedAt` is older than a read started now.
  const erasedAt = campaign.erasedAt ? new Date(campaign.erasedAt).getTime() : 0;
  if (entry.erasedSeen === undefined && !erasedAt) entry.erasedSeen = 0;
  else if (entry.erasedSeen !== erasedAt) entry = await readInto(key, campaign._id, entry, Date.now(), erasedAt);
  for (const r of shown)
    if (!entry.people.has(r.id)) {
      entry.people.set(r.id, memberOf(r.segments, r.lang));
      entry.version = ++versions;
    }
  return { people: entry.people, version: entry.version };
}

/** A response was just stored through this instance (with its segment values and language). */
export function noteSubmitted(campaignId: mongoose.Types.ObjectId | string, responseId: string, member: { segments?: unknown; lang?: unknown } = {}): void {
  const hit = entries.get(String(campaignId));
  if (!hit) return;
  if (hit.noted.length >= MAX_NOTED) return void entries.delete(String(campaignId));
  hit.noted.push({ id: responseId, at: Date.now(), deleted: false });
  if (!hit.order.includes(responseId)) hit.order = [responseId, ...hit.order];
  hit.people.set(responseId, memberOf(member.segments, member.lang));
  hit.version = ++versions;
}

/** A response was just deleted through this instance. */
export function noteDeleted(campaignId: mongoose.Types.ObjectId | string, responseId: string): void {
  const hit = entries.get(String(campaignId));
  if (!hit) return;
  if (hit.noted.length >= MAX_NOTED) return void entries.delete(String(campaignId));
  hit.noted.push({ id: responseId, at: Date.now(), deleted: true });
  hit.order = hit.order.filter((id) => id !== responseId);
  hit.people.delete(responseId);
  hit.version = ++versions;
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
