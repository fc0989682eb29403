import { BUILTIN_CODEBOOK, type AnalysisSummary, type Codebook } from '../analysis/index.js';

export interface TopCode {
  id: string;
  name: { de: string; en: string };
  count: number;
}

/** Code id → DE/EN name, from the codebook the run used (the built-in one for now). */
export function codeNames(codebook: Codebook = BUILTIN_CODEBOOK): Map<string, { de: string; en: string }> {
  const names = new Map<string, { de: string; en: string }>();
  for (const g of codebook.groups) for (const c of g.codes) names.set(c.id, c.name);
  return names;
}

const NAMES = codeNames();

/** The `n` most frequent codes of one summary field, with their names (unknown ids named by id). */
export function topCodes(counts: Record<string, number> | undefined, n = 5): TopCode[] {
  return Object.entries(counts ?? {})
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([id, count]) => ({ id, count, name: NAMES.get(id) ?? { de: id, en: id } }));
}

/** What the runs page shows of a result: counts, the technical:cultural balance, top codes. */
export function summaryView(s: AnalysisSummary) {
  const b = s.challengeBalance;
  return {
    answers: s.answers,
    respondents: s.respondents,
    technical: b.technical,
    cultural: b.cultural,
    technicalPercent: Math.round(b.technicalShare * 100),
    readiness: s.rolloutReadiness,
    channels: topCodes(s.channels),
    themes: topCodes(s.themes),
    features: topCodes(s.features),
  };
}
