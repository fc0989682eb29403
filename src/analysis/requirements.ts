import type { AnalysisSummary, AnsweredCodes, Balance, Moscow } from './types.js';

/**
 * Evidence quotes a reader sees per requirement, by priority: what a steering committee needs to
 * believe a must, without turning 30 people's report into 15 pages. Quotes the lead pins are
 * always shown (and count against this). Here, beside the priorities, so the report and the
 * evaluation (src/evaluation/eval.ts) count the same quotes.
 */
export const QUOTES_BY_PRIORITY: Record<Moscow, number> = { must: 3, should: 2, could: 1, wont: 0 };

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

/** 2^26: a resample's `all` sum stays below it (checked), its `tech` sum then fits the remaining 27 bits of a double's 53. */
const PACK = 67108864;
const TWO_POW_MINUS_32 = 2.3283064365386963e-10;

/** Percentile interval (2.5 %, 97.5 %) of Σtech / Σ(tech+cult) over respondents resampled with replacement. */
export function bootstrapInterval(perRespondent: Array<[number, number]>, seed: number, resamples: number): [number, number] {
  const n = perRespondent.length;
  if (n === 0) return [0, 1];
  const tech = Int32Array.from(perRespondent, (r) => r[0]);
  const all = Int32Array.from(perRespondent, (r) => r[0] + r[1]);
  // mulberry32(seed) inlined (the same draws as random.ts): at 100,000 answers this loop makes
  // tens of millions of draws, and a closure call per draw was most of its time. u / 2^32 is
  // computed as u · 2^-32 (exact either way: a power of two only moves the exponent).
  let state = seed >>> 0;
  const shares = new Float64Array(resamples);
  let most = 0;
  for (let i = 0; i < n; i++) most = Math.max(most, all[i]);
  if (n * most < PACK) {
    // Each respondent as one number, tech · PACK + all: a resample's sums stay below 2^53 and its
    // `all` part below PACK, so both sums are exact and come apart again — one load per draw.
    const packed = Float64Array.from(perRespondent, (r) => r[0] * PACK + (r[0] + r[1]));
    for (let b = 0; b < resamples; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        state = (state + 0x6d2b79f5) >>> 0;
        let z = state;
        z = Math.imul(z ^ (z >>> 15), z | 1);
        z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
        s += packed[Math.floor(((z ^ (z >>> 14)) >>> 0) * TWO_POW_MINUS_32 * n)];
      }
      const t = Math.floor(s / PACK);
      const a = s - t * PACK;
      shares[b] = a === 0 ? 0.5 : t / a;
    }
  } else {
    for (let b = 0; b < resamples; b++) {
      let t = 0;
      let a = 0;
      for (let i = 0; i < n; i++) {
        state = (state + 0x6d2b79f5) >>> 0;
        let z = state;
        z = Math.imul(z ^ (z >>> 15), z | 1);
        z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
        const j = Math.floor(((z ^ (z >>> 14)) >>> 0) * TWO_POW_MINUS_32 * n);
        t += tech[j];
        a += all[j];
      }
      shares[b] = a === 0 ? 0.5 : t / a;
    }
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
