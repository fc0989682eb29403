import type { z } from 'zod';
import type { Moscow, Requirement } from '../analysis/index.js';
import type { Campaign } from '../campaigns/campaign.service.js';
import { notFound } from '../shared/errors.js';
import { toFieldErrors } from '../shared/validation.js';
import { evidenceKey, mergeRoot, REQUIREMENT_ID_RE, type Curation, type CurationAction } from './report-curation.js';
import { loadCuration, recordCuration, type CurationAuthor, type CurationChange } from './report-curation.service.js';
import { latestAnalysis } from './report-data.js';
import { labelOf } from './report-requirements.js';
import { evidenceSchema, mergeSchema, planSchema, prioritySchema, summarySchema, titleSchema } from './report.schemas.js';

/** The curation forms of the report page (each its own POST route, each one change). */
export const CURATION_FORMS = ['summary', 'title', 'priority', 'plan', 'merge', 'unmerge', 'evidence', 'forget'] as const;
export type CurationForm = (typeof CURATION_FORMS)[number];

export type FormOutcome =
  | { ok: true; done: CurationAction; anchor: string }
  | { ok: false; form: CurationForm; target: string; values: Record<string, string>; fieldErrors: Record<string, string> };

const RANK: Record<Moscow, number> = { must: 0, should: 1, could: 2, wont: 3 };

function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const generic = toFieldErrors(error);
  const out: Record<string, string> = {};
  for (const field of Object.keys(generic)) {
    const own = error.issues.find((i) => i.path.join('.') === field && i.message.startsWith('report.'));
    out[field] = own?.message ?? generic[field];
  }
  return out;
}

function stringsOf(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) if (typeof v === 'string' && k !== '_csrf') out[k] = v;
  return out;
}

/** The analysis' priority of a requirement with everything merged into it (the highest). */
function enginePriority(r: Requirement, all: readonly Requirement[], curation: Curation | null): Moscow {
  const exists = (id: string) => all.some((x) => x.id === id);
  return all.filter((x) => mergeRoot(x.id, curation, exists) === r.id).reduce<Moscow>((best, x) => (RANK[x.priority] < RANK[best] ? x.priority : best), r.priority);
}

/**
 * Validates one curation form against the campaign's newest analysis and records it as ONE change
 * (report-curation.service.ts). A requirement, merge target or quote that is not in the analysis
 * is "not found" (404); a form with bad values comes back with its field errors (400).
 */
export async function applyCurationForm(campaign: Campaign, form: CurationForm, rid: string | undefined, body: unknown, author: CurationAuthor): Promise<FormOutcome> {
  const id = campaign._id;
  const latest = await latestAnalysis(id);
  if (!latest) throw notFound('Report');
  const curation = await loadCuration(id);
  const values = stringsOf(body);
  const fail = (target: string, error: z.ZodError | Record<string, string>): FormOutcome => ({
    ok: false,
    form,
    target,
    values,
    fieldErrors: 'issues' in error ? fieldErrorsOf(error as z.ZodError) : (error as Record<string, string>),
  });
  const save = async (change: CurationChange, anchor: string): Promise<FormOutcome> => {
    await recordCuration(id, author, change);
    return { ok: true, done: change.action, anchor };
  };

  if (form === 'summary') {
    const parsed = summarySchema.safeParse(values);
    if (!parsed.success) return fail('summary', parsed.error);
    return save({ action: 'summary', summary: { de: parsed.data.summary_de, en: parsed.data.summary_en } }, 'summary');
  }

  if (!rid || !REQUIREMENT_ID_RE.test(rid)) throw notFound('Requirement');
  const all = latest.result.requirements;
  const r = all.find((x) => x.id === rid);
  const anchor = `req-${rid}`;
  if (form === 'forget') {
    // Only curation that no longer applies can be discarded this way.
    if (r || !curation?.requirements[rid]) throw notFound('Requirement');
    const c = curation.requirements[rid];
    return save({ action: 'forget', requirement: rid, label: c.title ?? c.label ?? { de: rid, en: rid } }, 'curation-stale');
  }
  if (!r) throw notFound('Requirement');
  const label = labelOf(r, curation?.requirements[rid]);

  switch (form) {
    case 'title': {
      const parsed = titleSchema.safeParse(values);
      if (!parsed.success) return fail(rid, parsed.error);
      const { title_de: de, title_en: en } = parsed.data;
      const same = de === r.title.de && en === r.title.en;
      return save({ action: 'rename', requirement: rid, label, title: (de || en) && !same ? { de, en } : null }, anchor);
    }
    case 'priority': {
      const parsed = prioritySchema.safeParse(values);
      if (!parsed.success) return fail(rid, parsed.error);
      const from = enginePriority(r, all, curation);
      const priority = parsed.data.priority === '' || parsed.data.priority === from ? null : parsed.data.priority;
      return save({ action: 'priority', requirement: rid, label, priority, from, reason: priority ? parsed.data.reason : '' }, anchor);
    }
    case 'plan': {
      const parsed = planSchema.safeParse(values);
      if (!parsed.success) return fail(rid, parsed.error);
      return save({ action: 'plan', requirement: rid, label, owner: parsed.data.owner, due: parsed.data.due }, anchor);
    }
    case 'merge': {
      const parsed = mergeSchema.safeParse(values);
      if (!parsed.success) return fail(rid, parsed.error);
      const into = parsed.data.into;
      const exists = (x: string) => all.some((q) => q.id === x);
      if (into === rid || !exists(into)) return fail(rid, { into: 'report.curate.merge_invalid' });
      // No circles: the target must not (through its own merges) end up in this requirement.
      if (mergeRoot(into, curation, exists) === rid) return fail(rid, { into: 'report.curate.merge_cycle' });
      return save({ action: 'merge', requirement: rid, label, into }, `req-${mergeRoot(into, curation, exists)}`);
    }
    case 'unmerge': {
      if (!curation?.requirements[rid]?.mergedInto) throw notFound('Requirement');
      return save({ action: 'unmerge', requirement: rid, label }, anchor);
    }
    case 'evidence': {
      const parsed = evidenceSchema.safeParse(values);
      if (!parsed.success) throw notFound('Quote');
      const known = all.some((x) => x.evidence.some((e) => evidenceKey(e) === parsed.data.key));
      if (!known) throw notFound('Quote');
      return save({ action: parsed.data.state, requirement: rid, label, evidence: parsed.data.key }, anchor);
    }
  }
  throw notFound('Form');
}
