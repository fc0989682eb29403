import { expect } from 'chai';
import { BUILTIN_CODEBOOK } from '../../../src/analysis/index.js';
import { modelFor } from '../../../src/analysis/coding/coder.js';
import { readText } from '../../../src/analysis/coding/featurize.js';
import { trainingCorpus } from '../../../src/analysis/model/corpus.js';
import { Reader } from '../../../src/analysis/text/reader.js';

/**
 * The coder scores an answer without building its vector (Featurizer.scoreInto: each distinct
 * token's weight rows summed once). It must give the scores of the plain definition: the answer's
 * vector (Featurizer.vector) times the weights, and per clause the sum over the feature
 * occurrences in that clause.
 */
describe('analysis: scoring without a vector', () => {
  it('when corpus answers are scored, then totals and clause shares equal vector · weights', () => {
    const roleQ: Record<string, string> = { current_practice: 'q1', meaning: 'q2', challenges: 'q3', future: 'q4' };
    for (const g of BUILTIN_CODEBOOK.groups) {
      const m = modelFor(g, []);
      const reader = new Reader();
      const docs = trainingCorpus().filter((d) => d.question === roleQ[g.role]).slice(0, 150);
      for (const d of docs) {
        const r1 = readText(d.text, d.lang || undefined, 'de', reader);
        const v = m.featurizer.vector(r1, m.compiled, m.scoped);
        const ids = v.ids.slice();
        const vals = v.vals.slice();
        const occ = v.occ.slice();
        const r2 = readText(d.text, d.lang || undefined, 'de', reader);
        const { score, byClause, nClauses } = m.featurizer.scoreInto(r2, m.compiled, m.scoped);
        // Per occurrence: a cue or gazetteer hit weighs its value; a word, bigram or n-gram feature
        // (tf: value = weight × count / √N) weighs value / count, so the clauses add up to the total.
        const count = new Map<number, number>();
        for (let e = 0; e < occ.length; e += 2) count.set(occ[e], (count.get(occ[e]) ?? 0) + 1);
        const valOf = new Map<number, number>();
        ids.forEach((id, e) => valOf.set(id, /^(L|l|X|g|~g):/.test(m.names[id]) ? vals[e] : vals[e] / count.get(id)!));
        for (let c = 0; c < m.stride; c++) {
          let dot = 0;
          for (let e = 0; e < ids.length; e++) dot += vals[e] * m.weightsByFeature[ids[e] * m.stride + c];
          expect(score[c], `${g.role} ${c}: ${d.text}`).to.be.closeTo(dot, 1e-4);
          const clause = new Float64Array(nClauses);
          for (let e = 0; e < occ.length; e += 2) clause[occ[e + 1]] += valOf.get(occ[e])! * m.weightsByFeature[occ[e] * m.stride + c];
          for (let k = 0; k < nClauses; k++) expect(byClause[k * m.stride + c], `${g.role} clause ${k}: ${d.text}`).to.be.closeTo(clause[k], 1e-4);
        }
      }
    }
  });
});
