/**
 * `npx tsx src/evaluation/correction-sim.ts [--draws 3] [name=value …]` — how the correction
 * mechanism was designed without touching the dev or sealed sets: each voice of the
 * training corpus (data/training files: dac, deo, enm, hrd, trs, hsc, ite, knw, luf — all but the
 * thin-codes supplement) plays an unseen campaign in turn.
 * The coder trains on the others; within each campaign of the held-out voice (an organisation of
 * the files written as campaigns, else the whole file: corpus.ts campaignOf) 5/10/20 % of the
 * respondents are corrected (their labels fed as corrections); micro-F1 per group and the type
 * macro-F1 are measured on that campaign's rest (`--fractions 0.05,0.1,0.2` by default). Settings as in tune.ts (e.g. correctionWeight=10, char=1.2). --base-only prints only the
 * leave-one-voice-out figure (no corrections). NOTYPE=1 leaves the type macro-F1 out. The campaign
 * model is made as in a run (coder.ts withCorrections: the base model adapted to the corrections;
 * adaptC=0 retrains on corpus + corrections instead, the mechanism before).
 */
import { BUILTIN_CODEBOOK } from '../analysis/codebook/index.js';
import { codeAnswer, corpusDocs, exampleDocs, HYPER, trainGroupModel, withCorrections, type GroupModel, type TrainDoc } from '../analysis/coding/coder.js';
import { BLOCK, readText } from '../analysis/coding/featurize.js';
import { campaignOf, trainingCorpus, voiceOf, type CorpusDoc } from '../analysis/model/corpus.js';
import { macroF1, microF1 } from './metrics.js';
import { mulberry32, shuffled } from './folds.js';

/** The voices of the corpus (respondent id prefixes, one per data/training file), except the thin-codes supplement. */
function voices(): string[] {
  return [...new Set(trainingCorpus().map((d) => voiceOf(d.respondent)))].filter((v) => v !== 'thn').sort();
}
const ROLE_Q: Record<string, string> = { current_practice: 'q1', meaning: 'q2', challenges: 'q3', future: 'q4' };

/** Technical share of the last scored rows: gold (typed answers), engine (typed predictions). */
let lastShare: [number, number] = [0, 0];

/** Per group: channels, meaning, challenge themes, type (unless NOTYPE), features. */
function partsF1(models: Map<string, GroupModel>, rows: readonly CorpusDoc[]): number[] {
  const parts: number[] = [];
  for (const g of BUILTIN_CODEBOOK.groups) {
    const m = models.get(g.role)!;
    const rs = rows.filter((r) => r.question === ROLE_Q[g.role]);
    const coded = rs.map((r) => codeAnswer(m, readText(r.text, r.lang || undefined, 'de'), r.text));
    parts.push(microF1(rs.map((r) => r.codes), coded.map((c) => c.codes)).f1);
    if (g.role === 'challenges') {
      const typed = rs.map((r, i) => [r.challenge_type, coded[i].challenge_type ?? 'none'] as const).filter(([t]) => t);
      const predTyped = coded.filter((c) => c.challenge_type);
      lastShare = [typed.filter(([t]) => t === 'technical').length / Math.max(1, typed.length), predTyped.filter((c) => c.challenge_type === 'technical').length / Math.max(1, predTyped.length)];
      if (!process.env.NOTYPE) parts.push(macroF1(typed.map(([t]) => t as string), typed.map(([, p]) => p)));
    }
  }
  return parts;
}

function meanF1(models: Map<string, GroupModel>, rows: readonly CorpusDoc[]): number {
  const parts = partsF1(models, rows);
  return parts.reduce((s, x) => s + x, 0) / parts.length;
}

function main(argv: string[]): void {
  let draws = 3;
  let baseOnly = false;
  let fractionList = [0.05, 0.1, 0.2];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--fractions') {
      fractionList = argv[++i].split(',').map(Number);
      continue;
    }
    if (argv[i] === '--draws') {
      draws = Number(argv[++i]);
      continue;
    }
    if (argv[i] === '--base-only') {
      baseOnly = true;
      continue;
    }
    const [bk, bv] = argv[i].split('=');
    if (bk in BLOCK) {
      (BLOCK as Record<string, number>)[bk] = Number(bv);
      continue;
    }
    const [k, v] = argv[i].split('=');
    if (k in HYPER) (HYPER as unknown as Record<string, number>)[k] = Number(v);
    else throw new Error(`unknown setting ${k}`);
  }
  const corpus = trainingCorpus();
  const fractions = baseOnly ? [] : fractionList;
  const bases: number[] = [];
  const partSums: number[][] = [];
  const shares: number[] = [];
  const lifts = fractions.map(() => [] as number[]);
  const t0 = performance.now();
  for (const voice of voices()) {
    const held = corpus.filter((d) => voiceOf(d.respondent) === voice);
    const base = new Map<string, GroupModel>();
    const baseDocs = new Map<string, TrainDoc[]>();
    for (const g of BUILTIN_CODEBOOK.groups) {
      const docs = [...corpusDocs(g, (r) => voiceOf(r) !== voice), ...exampleDocs(g)];
      baseDocs.set(g.role, docs);
      base.set(g.role, trainGroupModel(g, docs));
    }
    const line: string[] = [];
    for (const campaign of [...new Set(held.map((d) => campaignOf(d.respondent)))].sort()) {
      const inCampaign = held.filter((d) => campaignOf(d.respondent) === campaign);
      const respondents = [...new Set(inCampaign.map((d) => d.respondent))].sort();
      fractions.forEach((f, fi) => {
        for (let d = 0; d < draws; d++) {
          const chosen = new Set(shuffled(respondents, mulberry32(1000 * fi + d + 1)).slice(0, Math.round(f * respondents.length)));
          const rest = inCampaign.filter((r) => !chosen.has(r.respondent));
          const models = new Map<string, GroupModel>();
          for (const g of BUILTIN_CODEBOOK.groups) {
            const corr: TrainDoc[] = inCampaign
              .filter((r) => chosen.has(r.respondent) && r.question === ROLE_Q[g.role])
              .map((r) => ({ text: r.text, lang: r.lang || undefined, codes: r.codes, type: r.challenge_type, weight: HYPER.correctionWeight, keepAll: true, noObstacle: g.role === 'challenges' && r.challenge_type ? false : undefined }));
            models.set(g.role, withCorrections(g, base.get(g.role)!, () => baseDocs.get(g.role)!, corr, new Map()));
          }
          const lift = meanF1(models, rest) - meanF1(base, rest);
          lifts[fi].push(lift);
          line.push(`${campaign} ${Math.round(f * 100)}%:${lift >= 0 ? '+' : ''}${lift.toFixed(3)}`);
        }
      });
    }
    const parts = partsF1(base, held);
    const b = parts.reduce((s, x) => s + x, 0) / parts.length;
    bases.push(b);
    partSums.push(parts);
    shares.push(lastShare[1] - lastShare[0]);
    process.stdout.write(`${voice} base ${b.toFixed(3)} (${parts.map((x) => x.toFixed(3)).join(' ')}; technical share ${lastShare[0].toFixed(2)} → ${lastShare[1].toFixed(2)}) | ${line.join(' ')}\n`);
  }
  const avg = (xs: number[]): string => (xs.length === 0 ? '—' : (xs.reduce((s, x) => s + x, 0) / xs.length).toFixed(4));
  const partMeans = partSums[0].map((_, i) => avg(partSums.map((p) => p[i])));
  process.stdout.write(`${argv.join(' ') || '(defaults)'}: leave-one-voice-out mean F1 ${avg(bases)} (channels, meaning, challenges${process.env.NOTYPE ? '' : ', type'}, features: ${partMeans.join(' ')}; technical share off by ${avg(shares.map(Math.abs))} on average, signed ${avg(shares)}); mean lift ${fractions.map((f, i) => `${Math.round(f * 100)}% ${avg(lifts[i])} (min ${Math.min(...lifts[i]).toFixed(3)})`).join(', ')}; ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}

main(process.argv.slice(2));
