import mongoose from 'mongoose';
import type { Moscow } from '../analysis/index.js';
import { ReportCurationModel } from './report-curation.model.js';
import { REQUIREMENT_ID_RE, type Curation, type CurationAction, type CurationHistoryEntry, type Localized, type RequirementCuration } from './report-curation.js';
import { entriesOf } from '../db/mongo.js';

/** One change a lead makes on the report. `label` is the requirement's title as the lead saw it. */
export type CurationChange =
  | { action: 'summary'; summary: Localized }
  | { action: 'rename'; requirement: string; label: Localized; title: Localized | null }
  | { action: 'priority'; requirement: string; label: Localized; priority: Moscow | null; from: Moscow; reason: string }
  | { action: 'plan'; requirement: string; label: Localized; owner: string; due: string }
  | { action: 'merge'; requirement: string; label: Localized; into: string }
  | { action: 'unmerge'; requirement: string; label: Localized }
  | { action: 'pin' | 'hide' | 'show'; requirement: string; label: Localized; evidence: string }
  | { action: 'forget'; requirement: string; label: Localized };

export interface CurationAuthor {
  id?: string;
  name: string;
}

const MOSCOW = new Set(['must', 'should', 'could', 'wont']);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const moscow = (v: unknown): Moscow | undefined => (typeof v === 'string' && MOSCOW.has(v) ? (v as Moscow) : undefined);
function localized(v: unknown): Localized | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  const out = { de: str(o.de) ?? '', en: str(o.en) ?? '' };
  return out.de || out.en ? out : undefined;
}

function requirementOf(v: unknown): RequirementCuration {
  const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  const out: RequirementCuration = { pinned: strings(o.pinned), hidden: strings(o.hidden) };
  const label = localized(o.label);
  const title = localized(o.title);
  if (label) out.label = label;
  if (title) out.title = title;
  const priority = moscow(o.priority);
  if (priority) {
    out.priority = priority;
    out.priorityFrom = moscow(o.priorityFrom);
    out.priorityReason = str(o.priorityReason) ?? '';
  }
  for (const k of ['owner', 'due', 'mergedInto'] as const) {
    const s = str(o[k]);
    if (s) out[k] = s;
  }
  return out;
}

function historyOf(v: unknown): CurationHistoryEntry[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((raw): CurationHistoryEntry[] => {
    const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    if (!(o.at instanceof Date) || typeof o.action !== 'string') return [];
    const e: CurationHistoryEntry = { at: o.at, byName: str(o.byName) ?? '', action: o.action as CurationAction };
    for (const k of ['requirement', 'reason', 'owner', 'due', 'into', 'evidence'] as const) {
      const s = str(o[k]);
      if (s !== undefined) e[k] = s;
    }
    const title = localized(o.title);
    if (title) e.title = title;
    const label = localized(o.label);
    if (label) e.label = label;
    const from = moscow(o.from);
    const to = moscow(o.to);
    if (from) e.from = from;
    if (to) e.to = to;
    return [e];
  });
}

/** The campaign's curation as plain data (one `{_id}` read), or null when nothing was ever curated. */
export async function loadCuration(campaignId: mongoose.Types.ObjectId): Promise<Curation | null> {
  const doc = await ReportCurationModel.collection.findOne<Record<string, unknown>>({ _id: campaignId });
  if (!doc) return null;
  const requirements: Record<string, RequirementCuration> = {};
  for (const [id, value] of entriesOf(doc.requirements)) if (REQUIREMENT_ID_RE.test(id)) requirements[id] = requirementOf(value);
  return {
    summary: localized(doc.summary),
    requirements,
    history: historyOf(doc.history),
    updatedAt: doc.updatedAt instanceof Date ? doc.updatedAt : undefined,
  };
}

type Update = { $set: Record<string, unknown>; $unset: Record<string, ''>; $addToSet: Record<string, unknown>; $pull: Record<string, unknown> };

/** The change's own part of the update (without the label and the history entry). */
function changeUpdate(change: CurationChange, u: Update): void {
  if (change.action === 'summary') {
    if (change.summary.de || change.summary.en) u.$set.summary = change.summary;
    else u.$unset.summary = '';
    return;
  }
  const p = `requirements.${change.requirement}`;
  switch (change.action) {
    case 'rename':
      if (change.title) u.$set[`${p}.title`] = change.title;
      else u.$unset[`${p}.title`] = '';
      break;
    case 'priority':
      if (change.priority) Object.assign(u.$set, { [`${p}.priority`]: change.priority, [`${p}.priorityFrom`]: change.from, [`${p}.priorityReason`]: change.reason });
      else Object.assign(u.$unset, { [`${p}.priority`]: '', [`${p}.priorityFrom`]: '', [`${p}.priorityReason`]: '' });
      break;
    case 'plan':
      if (change.owner) u.$set[`${p}.owner`] = change.owner;
      else u.$unset[`${p}.owner`] = '';
      if (change.due) u.$set[`${p}.due`] = change.due;
      else u.$unset[`${p}.due`] = '';
      break;
    case 'merge':
      u.$set[`${p}.mergedInto`] = change.into;
      break;
    case 'unmerge':
      u.$unset[`${p}.mergedInto`] = '';
      break;
    case 'pin':
      u.$addToSet[`${p}.pinned`] = change.evidence;
      u.$pull[`${p}.hidden`] = change.evidence;
      break;
    case 'hide':
      u.$addToSet[`${p}.hidden`] = change.evidence;
      u.$pull[`${p}.pinned`] = change.evidence;
      break;
    case 'show':
      u.$pull[`${p}.pinned`] = change.evidence;
      u.$pull[`${p}.hidden`] = change.evidence;
      break;
    case 'forget':
      u.$unset[p] = '';
      break;
  }
}

function historyEntry(change: CurationChange, author: CurationAuthor, at: Date): Record<string, unknown> {
  const e: Record<string, unknown> = { at, byName: author.name, action: change.action };
  if (author.id && mongoose.isObjectIdOrHexString(author.id)) e.by = new mongoose.Types.ObjectId(author.id);
  if (change.action === 'summary') return e;
  e.requirement = change.requirement;
  e.label = change.label;
  if (change.action === 'rename' && change.title) e.title = change.title;
  if (change.action === 'priority') Object.assign(e, { from: change.from, ...(change.priority ? { to: change.priority, reason: change.reason } : {}) });
  if (change.action === 'plan') Object.assign(e, { owner: change.owner, due: change.due });
  if (change.action === 'merge') e.into = change.into;
  if (change.action === 'pin' || change.action === 'hide' || change.action === 'show') e.evidence = change.evidence;
  return e;
}

/**
 * Records one change: the change and its history entry (who, when, what) in ONE single-document
 * update of the campaign's curation document (created on the first change). Atomic on MongoDB
 * and FerretDB 1.x alike, so a change is never kept without its history entry or the other way
 * round, and two leads' changes to different fields never overwrite each other.
 */
export async function recordCuration(campaignId: mongoose.Types.ObjectId, author: CurationAuthor, change: CurationChange): Promise<void> {
  if (change.action !== 'summary' && !REQUIREMENT_ID_RE.test(change.requirement)) throw new Error(`not a requirement id: ${change.requirement}`);
  const at = new Date();
  const u: Update = { $set: {}, $unset: {}, $addToSet: {}, $pull: {} };
  changeUpdate(change, u);
  if (change.action !== 'summary' && change.action !== 'forget') u.$set[`requirements.${change.requirement}.label`] = change.label;
  const update: Record<string, unknown> = { $push: { history: historyEntry(change, author, at) }, $set: { ...u.$set, updatedAt: at }, $setOnInsert: { createdAt: at } };
  for (const op of ['$unset', '$addToSet', '$pull'] as const) if (Object.keys(u[op]).length) update[op] = u[op];
  // The raw driver: the paths are validated here (requirement ids without dots or `$`), and
  // mongoose's casting of Map paths would add nothing but a second reading of the update.
  await ReportCurationModel.collection.updateOne({ _id: campaignId }, update, { upsert: true });
}

/** The response an evidence key belongs to (`<responseId>:<question>@…` or `…#…`). */
function responseOfKey(key: string): string {
  const answer = key.replace(/[@#][^@#]*$/, '');
  const i = answer.lastIndexOf(':');
  return i < 0 ? answer : answer.slice(0, i);
}

/**
 * For the erasure of responses (src/privacy): removes every evidence key of those responses from
 * the campaign's curation (pinned, hidden, and the history entries that name them), so no trace
 * of an erased response stays here. Read, filter, write back under the document's `updatedAt`
 * (optimistic: a lead's change in between makes it read again), so nothing else is lost.
 * Returns how many keys were removed.
 */
export async function eraseResponsesFromCuration(campaignId: mongoose.Types.ObjectId, responseIds: readonly string[]): Promise<number> {
  const erased = new Set(responseIds);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const doc = await ReportCurationModel.collection.findOne<Record<string, unknown>>({ _id: campaignId });
    if (!doc) return 0;
    let removed = 0;
    const set: Record<string, unknown> = {};
    for (const [id, value] of entriesOf(doc.requirements)) {
      const c = (value ?? {}) as Record<string, unknown>;
      for (const list of ['pinned', 'hidden'] as const) {
        const keys = strings(c[list]);
        const kept = keys.filter((k) => !erased.has(responseOfKey(k)));
        if (kept.length !== keys.length) {
          removed += keys.length - kept.length;
          set[`requirements.${id}.${list}`] = kept;
        }
      }
    }
    const history = Array.isArray(doc.history) ? (doc.history as Array<Record<string, unknown>>) : [];
    if (history.some((h) => typeof h.evidence === 'string' && erased.has(responseOfKey(h.evidence)))) {
      set.history = history.map((h) => (typeof h.evidence === 'string' && erased.has(responseOfKey(h.evidence)) ? { ...h, evidence: undefined } : h));
    }
    if (Object.keys(set).length === 0) return 0;
    const filter = { _id: campaignId, updatedAt: doc.updatedAt } as Record<string, unknown>;
    const res = await ReportCurationModel.collection.updateOne(filter, { $set: { ...set, updatedAt: new Date() } }, { ignoreUndefined: true });
    if (res.matchedCount === 1) return removed;
  }
  throw new Error('report curation kept changing during an erasure; try again');
}

/** Retention: a campaign's curation goes with its answers (it names their quotes). */
export async function forgetCurationOfCampaign(campaignId: mongoose.Types.ObjectId): Promise<void> {
  await ReportCurationModel.collection.deleteOne({ _id: campaignId });
}
