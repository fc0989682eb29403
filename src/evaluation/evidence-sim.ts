/**
 * `npx tsx src/evaluation/evidence-sim.ts [--min 0.75,0.8,0.85,0.9]` — how the requirements'
 * evidence threshold (src/analysis/needs.ts EVIDENCE_MIN_CONFIDENCE) is chosen without touching
 * the dev or sealed sets: each voice of the training corpus plays an unseen campaign in turn. The
 * coder trains on the other voices, codes the held-out voice's q3 and q4 answers, `deriveNeeds`
 * builds the requirements, and a quote counts as right when the corpus labels its answer with one
 * of the requirement's codes. Prints per threshold, pooled over the voices: how many quotes remain,
 * their precision (target ≥ 0.95) and its 95 % lower bound (Wilson), the worst voice, and the
 * precision of the quotes a report reader sees (QUOTES_BY_PRIORITY). The rule: the lowest threshold
 * in steps of 0.05 whose lower bound clears 0.95.
 */
import { BUILTIN_CODEBOOK } from '../analysis/codebook/index.js';
import { codeAnswer, corpusDocs, exampleDocs, trainGroupModel } from '../analysis/coding/coder.js';
import { readText } from '../analysis/coding/featurize.js';
import { trainingCorpus, voiceOf } from '../analysis/model/corpus.js';
import { deriveNeeds } from '../analysis/needs.js';
import { moscow, QUOTES_BY_PRIORITY } from '../analysis/requirements.js';
import type { AnsweredCodes } from '../analysis/types.js';
import { wilsonLower } from './metrics.js';

function main(argv: string[]): void {
  const i = argv.indexOf('--min');
  const thresholds = (i >= 0 ? argv[i + 1] : '0.6,0.7,0.75,0.8,0.85,0.9').split(',').map(Number);
  const corpus = trainingCorpus();
  const voices = [...new Set(corpus.map((d) => voiceOf(d.respondent)))].filter((v) => v !== 'thn').sort();
  const groups = BUILTIN_CODEBOOK.groups.filter((g) => g.role === 'challenges' || g.role === 'future');
  const tally = new Map(thresholds.map((t) => [t, { quotes: 0, right: 0, worst: 1, worstVoice: '', shown: 0, shownRight: 0 }]));
  for (const voice of voices) {
    const held = corpus.filter((d) => voiceOf(d.respondent) === voice && (d.question === 'q3' || d.question === 'q4'));
    const answers: AnsweredCodes[] = [];
    const texts = new Map<string, string>();
    const gold = new Map<string, Set<string>>();
    for (const g of groups) {
      const model = trainGroupModel(g, [...corpusDocs(g, (r) => voiceOf(r) !== voice), ...exampleDocs(g)]);
      const q = g.role === 'challenges' ? 'q3' : 'q4';
      held
        .filter((d) => d.question === q)
        .forEach((d, n) => {
          const id = `${d.respondent}:${q}:${n}`;
          const c = codeAnswer(model, readText(d.text, d.lang || undefined, 'de'), d.text);
          texts.set(id, d.text);
          gold.set(id, new Set(d.codes));
          answers.push({ id, question: g.role, role: g.role, lang: d.lang, respondent: d.respondent, ...(g.role === 'future' ? { features: c.codes } : { themes: c.codes }), confidence: c.confidence, evidence: c.evidence });
        });
    }
    for (const t of thresholds) {
      const reqs = deriveNeeds({ answers, texts, segments: new Map(), codebook: BUILTIN_CODEBOOK, moscow, minConfidence: t });
      const acc = tally.get(t)!;
      let quotes = 0;
      let right = 0;
      for (const r of reqs)
        r.evidence.forEach((e, rank) => {
          const ok = (r.codes ?? []).some((c) => gold.get(e.id)?.has(c));
          quotes += 1;
          if (ok) right += 1;
          // What a reader of the report sees: the first quotes, as many as the priority allows.
          if (rank < QUOTES_BY_PRIORITY[r.priority]) {
            acc.shown += 1;
            if (ok) acc.shownRight += 1;
          }
        });
      acc.quotes += quotes;
      acc.right += right;
      if (quotes && right / quotes < acc.worst) {
        acc.worst = right / quotes;
        acc.worstVoice = voice;
      }
    }
  }
  process.stdout.write(`leave-one-voice-out over ${voices.length} voices (${voices.join(', ')})\nthreshold  quotes  precision  95 % lower bound (Wilson)  worst voice    | shown in the report: quotes  precision\n`);
  for (const [t, a] of tally) {
    const p = a.right / Math.max(1, a.quotes);
    process.stdout.write(`${t.toFixed(2).padEnd(11)}${String(a.quotes).padEnd(8)}${p.toFixed(3).padEnd(11)}${wilsonLower(a.right, a.quotes).toFixed(3).padEnd(27)}${`${a.worst.toFixed(3)} (${a.worstVoice})`.padEnd(15)}| ${String(a.shown).padEnd(7)}${(a.shownRight / Math.max(1, a.shown)).toFixed(3)}\n`);
  }
}

main(process.argv.slice(2));
