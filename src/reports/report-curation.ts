import { createHash } from 'node:crypto';
import type { Moscow, RequirementEvidence } from '../analysis/index.js';

/**
 * What a project lead changed on the report before stakeholders read it (issue 14, item 4), as
 * plain data. Pure: no I/O here (report-curation.service.ts stores it, report.service.ts applies
 * it). Everything is keyed by the requirement's stable id (`need-<need>`) and, for quotes, by an
 * evidence key, so a curation survives the next analysis run wherever the requirement or the
 * quote still exists.
 */

export interface Localized {
  de: string;
  en: string;
}

export const CURATION_ACTIONS = ['summary', 'rename', 'priority', 'plan', 'merge', 'unmerge', 'pin', 'hide', 'show', 'forget'] as const;
export type CurationAction = (typeof CURATION_ACTIONS)[number];

export interface RequirementCuration {
  /** The requirement's title when it was last curated: names it once it is no longer in the analysis. */
  label?: Localized;
  /** The lead's title (renamed); unset: the analysis' title. */
  title?: Localized;
  /** The lead's priority, the analysis' priority at the time, and the reason (required). */
  priority?: Moscow;
  priorityFrom?: Moscow;
  priorityReason?: string;
  /** Action plan: who takes it on, by when (YYYY-MM-DD). */
  owner?: string;
  due?: string;
  /** Merged into this requirement (its evidence, people and codes count there). */
  mergedInto?: string;
  /** Evidence keys, pinned (shown first, always) and hidden (never shown to readers). */
  pinned: string[];
  hidden: string[];
}

export interface CurationHistoryEntry {
  at: Date;
  byName: string;
  action: CurationAction;
  requirement?: string;
  /** The requirement's title at the time (names it in the history even once it is gone). */
  label?: Localized;
  /** What changed, in the lead's words (a title, a reason, an owner …); never a respondent's quote. */
  title?: Localized;
  from?: Moscow;
  to?: Moscow;
  reason?: string;
  owner?: string;
  due?: string;
  into?: string;
  evidence?: string;
}

export interface Curation {
  summary?: Localized;
  requirements: Record<string, RequirementCuration>;
  history: CurationHistoryEntry[];
  updatedAt?: Date;
}

/** Requirement ids are used as field names of the curation document: no dots, no `$`. */
export const REQUIREMENT_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/**
 * The key of one evidence quote: `<answerId>@<start>` where the engine gives the quote's offset
 * in the answer (stable while the answer's text and the sentence are), else `<answerId>#<hash>`
 * of the quote's text (older runs quote without offsets).
 */
export function evidenceKey(e: Pick<RequirementEvidence, 'id' | 'quote' | 'start'>): string {
  if (typeof e.start === 'number' && Number.isInteger(e.start) && e.start >= 0) return `${e.id}@${e.start}`;
  const normal = e.quote.replace(/\s+/g, ' ').trim();
  return `${e.id}#${createHash('sha256').update(normal).digest('hex').slice(0, 16)}`;
}

export function emptyRequirementCuration(): RequirementCuration {
  return { pinned: [], hidden: [] };
}

/** True when the entry changes anything a reader sees. */
export function isCurated(c: RequirementCuration | undefined): boolean {
  return Boolean(c && (c.title || c.priority || c.owner || c.due || c.mergedInto || c.pinned.length || c.hidden.length));
}

/**
 * Where a requirement's content ends up: itself, or the end of its merge chain. A chain that
 * leads to a requirement that is not in the analysis, or round in a circle, ends at the last
 * requirement that is.
 */
export function mergeRoot(id: string, curation: Curation | null | undefined, exists: (id: string) => boolean): string {
  let current = id;
  const seen = new Set([id]);
  for (;;) {
    const next = curation?.requirements[current]?.mergedInto;
    if (!next || seen.has(next) || !exists(next)) return current;
    seen.add(next);
    current = next;
  }
}

/** Counts of what was curated (only what still applies to the analysis), for the method section. */
export interface CurationCounts {
  renamed: number;
  merged: number;
  priorities: number;
  pinned: number;
  hidden: number;
  planned: number;
  summary: boolean;
  /** Curated entries (requirements or quotes) that are no longer in the analysis. */
  stale: number;
}

export function noCuration(counts: CurationCounts): boolean {
  return !counts.summary && counts.renamed + counts.merged + counts.priorities + counts.pinned + counts.hidden + counts.planned === 0;
}
