/**
 * Synthetic campaigns for the speed bench: answers made by recombining sentences of the shared
 * labelled set (read at run time from ../shared/data, never copied into the repo).
 *
 * Per question and language, the shared answers are split into sentences; each synthetic
 * respondent gets a language, a department and a location, and for q1..q4 an answer of 1–4
 * sentences drawn from that question's pool in that language. Everything is driven by one seeded
 * PRNG, so a size and seed always give the same campaign. Each synthetic answer also carries the
 * union of its source answers' codes (and the first source's challenge_type), so the scikit-learn
 * baseline has supervised work of the real shape to do.
 */
import { readFileSync } from 'node:fs';
import { mulberry32 } from '../src/evaluation/folds.js';

interface SourceRow {
  respondent: string;
  department?: string;
  lang: string;
  question: string;
  text: string;
  labels: { channels?: string[]; themes?: string[]; features?: string[]; challenge_type?: string };
}

export interface SyntheticAnswer {
  id: string;
  respondent: string;
  question: string;
  lang: string;
  text: string;
  segments: { department: string; location: string };
  /** Codes inherited from the source answers (for the baseline's supervised work only). */
  codes: string[];
  challenge_type?: string;
}

interface Sentence {
  text: string;
  codes: string[];
  challengeType?: string;
}

const QUESTIONS = ['q1', 'q2', 'q3', 'q4'] as const;
// Invented locations: segments for the per-segment balances, not taken from the data.
const LOCATIONS = ['Nord', 'Süd', 'West', 'Ost', 'Remote'];

/** Sentence boundaries: . ! ? … followed by whitespace. Abbreviations ("z. B.") split too — harmless for timing. */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+/u)
    .map((s) => s.trim())
    .filter((s) => s.length >= 3);
}

export function generateCampaign(sourceFile: string, size: number, seed: number): SyntheticAnswer[] {
  const rows = readFileSync(sourceFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as SourceRow);
  const pools = new Map<string, Sentence[]>(); // key `${question}:${lang}`
  for (const r of rows) {
    const codes = [...(r.labels.channels ?? []), ...(r.labels.themes ?? []), ...(r.labels.features ?? [])];
    for (const s of sentences(r.text)) {
      const key = `${r.question}:${r.lang}`;
      if (!pools.has(key)) pools.set(key, []);
      pools.get(key)!.push({ text: s, codes, challengeType: r.labels.challenge_type });
    }
  }
  const langs = [...new Set(rows.map((r) => r.lang))].sort();
  const langWeights = langs.map((l) => rows.filter((r) => r.lang === l).length / rows.length);
  const departments = [...new Set(rows.map((r) => r.department ?? 'unknown'))].sort();

  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const out: SyntheticAnswer[] = [];
  for (let r = 0; out.length < size; r++) {
    let u = random();
    let lang = langs[langs.length - 1];
    for (let i = 0; i < langs.length; i++) {
      if (u < langWeights[i]) {
        lang = langs[i];
        break;
      }
      u -= langWeights[i];
    }
    const respondent = `syn-r${r}`;
    const segments = { department: pick(departments), location: pick(LOCATIONS) };
    for (const question of QUESTIONS) {
      if (out.length >= size) break;
      const pool = pools.get(`${question}:${lang}`) ?? [];
      if (pool.length === 0) continue;
      const count = 1 + Math.floor(random() * 4);
      const parts: Sentence[] = [];
      for (let i = 0; i < count; i++) parts.push(pick(pool));
      out.push({
        id: `${respondent}-${question}`,
        respondent,
        question,
        lang,
        text: parts.map((p) => p.text).join(' '),
        segments,
        codes: [...new Set(parts.flatMap((p) => p.codes))].sort(),
        challenge_type: question === 'q3' ? parts[0].challengeType : undefined,
      });
    }
  }
  return out;
}
