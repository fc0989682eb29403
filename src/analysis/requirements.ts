import { mulberry32 } from './random.js';
import type { AnalysisSummary, AnsweredCodes, Balance, Codebook, CodeDefinition, Moscow, Requirement } from './types.js';

/** Features that are enablement measures (people and rules), not software to build. */
const ENABLEMENT_FEATURES = new Set(['training_support', 'wellbeing_boundaries']);

export interface RequirementInput {
  answers: AnsweredCodes[];
  texts: Map<string, string>;
  segments: Map<string, Record<string, string>>;
  codebook: Codebook;
}

/**
 * MoSCoW from reach: share of respondents who raised it and in how many segments it shows up. A need
 * raised by a third of people across several segments is a must; a niche need of one segment a could.
 */
export function moscow(share: number, segments: number, multiSegmentCampaign: boolean): Moscow {
  const spread = !multiSegmentCampaign || segments >= 2;
  if (share >= 0.25 && spread) return 'must';
  if (share >= 0.12) return 'should';
  if (share >= 0.04) return 'could';
  return 'wont';
}

const PRIORITY_ORDER: Record<Moscow, number> = { must: 0, should: 1, could: 2, wont: 3 };

/** A short quote: the sentence that carries the evidence, cut at ~140 characters. */
export function shortQuote(text: string, max = 140): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  const first = clean.split(/(?<=[.!?])\s/u)[0] ?? clean;
  const q = first.length >= 25 || clean.length <= max ? first : clean;
  return q.length <= max ? q : `${q.slice(0, max - 1).trimEnd()}…`;
}

function segmentLabels(seg: Record<string, string> | undefined): string[] {
  if (!seg) return [];
  return Object.keys(seg)
    .sort()
    .filter((k) => seg[k] !== '')
    .map((k) => `${k}=${seg[k]}`);
}

/**
 * Prioritised requirements: one per requested feature (q4) and one per challenge theme (q3); cultural
 * challenges become enablement measures (training, change management), technical ones capabilities.
 */
export function deriveRequirements(input: RequirementInput): Requirement[] {
  const features = input.codebook.groups.find((g) => g.role === 'future');
  const challenges = input.codebook.groups.find((g) => g.role === 'challenges');
  const out: Requirement[] = [];
  const allSegments = new Set<string>();
  for (const s of input.segments.values()) for (const l of segmentLabels(s)) allSegments.add(l);
  const multi = allSegments.size > 1;

  // One pass per role: who was asked, and which answers carry each code (in answer order). Per code
  // filters over all answers made this O(codes × answers).
  const byRole = new Map<string, { base: number; hits: Map<string, AnsweredCodes[]> }>();
  const prepareRole = (role: string, pick: (a: AnsweredCodes) => string[] | undefined): { base: number; hits: Map<string, AnsweredCodes[]> } => {
    let r = byRole.get(role);
    if (r) return r;
    const who = new Set<string>();
    const hits = new Map<string, AnsweredCodes[]>();
    for (const a of input.answers) {
      if (a.role !== role) continue;
      who.add(a.respondent ?? a.id);
      const codes = pick(a);
      if (!codes) continue;
      codes.forEach((c, i) => {
        if (codes.indexOf(c) !== i) return; // a code listed twice still counts the answer once
        let list = hits.get(c);
        if (!list) hits.set(c, (list = []));
        list.push(a);
      });
    }
    r = { base: who.size, hits };
    byRole.set(role, r);
    return r;
  };
  const labelCache = new Map<string, string[]>();
  const labelsOf = (id: string): string[] => {
    let l = labelCache.get(id);
    if (!l) labelCache.set(id, (l = segmentLabels(input.segments.get(id))));
    return l;
  };

  const build = (group: 'features' | 'challenges', code: CodeDefinition, role: string, pick: (a: AnsweredCodes) => string[] | undefined): void => {
    const { base, hits: byCode } = prepareRole(role, pick);
    const hits = byCode.get(code.id) ?? [];
    if (hits.length === 0 || base === 0) return;
    const respondents = new Set(hits.map((a) => a.respondent ?? a.id));
    const segs = new Set<string>();
    for (const a of hits) for (const l of labelsOf(a.id)) segs.add(l);
    const share = respondents.size / base;
    // Segments are counted per column value; the widest column decides the spread.
    const perColumn = new Map<string, Set<string>>();
    for (const l of segs) {
      const [col, val] = l.split('=');
      if (!perColumn.has(col)) perColumn.set(col, new Set());
      perColumn.get(col)!.add(val);
    }
    const spread = Math.max(0, ...[...perColumn.values()].map((s) => s.size));
    const isCultural = code.type === 'cultural';
    const kind = group === 'features' ? (ENABLEMENT_FEATURES.has(code.id) ? 'enablement' : 'capability') : isCultural ? 'enablement' : 'capability';
    const title = group === 'features' ? (code.requirement ?? code.name) : (code.remedy ?? code.name);
    out.push({
      id: `${group === 'features' ? 'feat' : 'chal'}-${code.id}`,
      source: { group, code: code.id },
      title: { de: title.de, en: title.en },
      kind,
      priority: moscow(share, spread, multi),
      respondents: respondents.size,
      share: Math.round(share * 1000) / 1000,
      segments: [...segs].sort(),
      evidence: hits.slice(0, 5).map((a) => ({ id: a.id, quote: shortQuote(input.texts.get(a.id) ?? '') })),
    });
  };
  for (const code of features?.codes ?? []) build('features', code, 'future', (a) => a.features);
  for (const code of challenges?.codes ?? []) build('challenges', code, 'challenges', (a) => a.themes);
  out.sort((a, b) => PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] || b.respondents - a.respondents || (a.id < b.id ? -1 : 1));
  return out;
}

/**
 * technical:cultural balance over a set of q3 answers, with a 95 % bootstrap interval of the
 * technical share over respondents (answers of one respondent are resampled together: they are
 * not independent). Seeded, so the same answers give the same interval.
 * @param resamples number of bootstrap resamples (0: no interval)
 */
export function balanceOf(answers: AnsweredCodes[], seed = 42, resamples = 1000): Balance {
  let technical = 0;
  let cultural = 0;
  let mixed = 0;
  const per = new Map<string, [number, number]>();
  for (const a of answers) {
    if (a.challenge_type !== 'technical' && a.challenge_type !== 'cultural') continue;
    const key = a.respondent ?? a.id;
    let r = per.get(key);
    if (!r) per.set(key, (r = [0, 0]));
    if (a.challenge_type === 'technical') {
      technical++;
      r[0]++;
    } else {
      cultural++;
      r[1]++;
    }
    if (a.challenge_mixed) mixed++;
  }
  const total = technical + cultural;
  const out: Balance = { technical, cultural, technicalShare: total === 0 ? 0.5 : Math.round((technical / total) * 1000) / 1000, answers: total, mixed };
  if (resamples > 0) out.interval = bootstrapInterval([...per.values()], seed, resamples);
  return out;
}

/** Percentile interval (2.5 %, 97.5 %) of Σtech / Σ(tech+cult) over respondents resampled with replacement. */
export function bootstrapInterval(perRespondent: Array<[number, number]>, seed: number, resamples: number): [number, number] {
  const n = perRespondent.length;
  if (n === 0) return [0, 1];
  const tech = Int32Array.from(perRespondent, (r) => r[0]);
  const all = Int32Array.from(perRespondent, (r) => r[0] + r[1]);
  const random = mulberry32(seed);
  const shares = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let t = 0;
    let a = 0;
    for (let i = 0; i < n; i++) {
      const j = Math.floor(random() * n);
      t += tech[j];
      a += all[j];
    }
    shares[b] = a === 0 ? 0.5 : t / a;
  }
  shares.sort();
  const at = (q: number): number => Math.round(shares[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))] * 1000) / 1000;
  return [at(0.025), at(0.975)];
}

/**
 * What the balance means for the order of the rollout, in both languages. Advice for an order
 * ("technical first", "cultural first") only when the bootstrap interval of the technical share
 * excludes an even balance (0.5); otherwise the data does not say which comes first.
 */
export function rolloutReadiness(b: Balance): AnalysisSummary['rolloutReadiness'] {
  const pct = Math.round(b.technicalShare * 100);
  const cpct = 100 - pct;
  if (b.answers === 0) {
    return {
      stance: 'balanced',
      de: 'Keine Antworten zu Herausforderungen: Reihenfolge des Rollouts lässt sich daraus nicht ableiten.',
      en: 'No answers about challenges: the data does not suggest a rollout order.',
    };
  }
  const [lo, hi] = b.interval ?? [b.technicalShare, b.technicalShare];
  const range = `${Math.round(lo * 100)}–${Math.round(hi * 100)}`;
  if (lo > 0.5) {
    return {
      stance: 'technical_first',
      de: `${pct} % der Herausforderungen sind technisch (95-%-Intervall ${range} %). Zuerst Infrastruktur, Integration und Sicherheit klären, dann breit ausrollen; Schulung begleitet den Rollout, steht aber nicht am Anfang.`,
      en: `${pct}% of the challenges are technical (95% interval ${range}%). Fix infrastructure, integration and security first, then roll out broadly; training accompanies the rollout rather than leading it.`,
    };
  }
  if (hi < 0.5) {
    return {
      stance: 'enablement_first',
      de: `${cpct} % der Herausforderungen sind kulturell (technisch: 95-%-Intervall ${range} %). Neue Technik allein löst sie nicht: zuerst Führungskräfte als Vorbilder, Regeln für Erreichbarkeit und Kommunikation, Schulung und Pilotgruppen; die Technik folgt in Wellen.`,
      en: `${cpct}% of the challenges are cultural (technical: 95% interval ${range}%). New technology alone will not solve them: start with leaders as role models, rules for availability and communication, training and pilot groups; roll out the technology in waves after that.`,
    };
  }
  return {
    stance: 'balanced',
    de: `Technische (${pct} %, 95-%-Intervall ${range} %) und kulturelle (${cpct} %) Herausforderungen halten sich die Waage: Technik und Befähigung parallel planen, jede Welle mit Schulung und Change-Begleitung.`,
    en: `Technical (${pct}%, 95% interval ${range}%) and cultural (${cpct}%) challenges are balanced: plan technology and enablement in parallel, each wave with training and change support.`,
  };
}
