import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { BUILTIN_CODEBOOK } from '../../../src/analysis/index.js';
import { unicodeBoundaries } from '../../../src/analysis/coding/lexicon.js';

/**
 * Issue 13: the lexicon stays only as high-precision features, and every cue must be backed by its
 * own code — it must match at least one of that code's example phrases in the codebook or one
 * answer of the training corpus (data/training) labelled with that code. A cue that only ever
 * matched one development answer fails here. Reads project files only.
 */
const QUESTION: Record<string, string> = { current_practice: 'q1', meaning: 'q2', challenges: 'q3', future: 'q4' };

interface Row {
  question: string;
  text: string;
  labels: { channels?: string[]; themes?: string[]; features?: string[] };
}

function trainingRows(): Row[] {
  const dir = new URL('../../../data/training/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) =>
      readFileSync(new URL(f, dir), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Row),
    );
}

describe('analysis lexicon: every cue is backed by its own code', () => {
  const rows = trainingRows();
  it('when the training corpus is read, then it has at least 1,500 labelled answers', () => {
    expect(rows.length).to.be.at.least(1500);
  });
  for (const group of BUILTIN_CODEBOOK.groups) {
    it(`when the ${group.role} cues are matched against their code's examples and training answers, then each matches at least one`, () => {
      const unsupported: string[] = [];
      let cues = 0;
      for (const code of group.codes) {
        const own = rows
          .filter((r) => r.question === QUESTION[group.role] && (r.labels.channels ?? r.labels.themes ?? r.labels.features ?? []).includes(code.id))
          .map((r) => r.text);
        const texts = [...code.examples.de, ...code.examples.en, ...own].map((t) => t.normalize('NFC').toLowerCase());
        for (const cue of [...(code.cues ?? []), ...(code.weakCues ?? [])]) {
          cues++;
          const re = new RegExp(unicodeBoundaries(cue), 'u');
          if (!texts.some((t) => re.test(t))) unsupported.push(`${code.id}: /${cue}/`);
        }
      }
      expect(cues, 'the group has cues').to.be.greaterThan(0);
      expect(unsupported, 'cues no example or training answer of their code supports').to.deep.equal([]);
    });
  }
  it('when cues are listed, then none holds a control character ("\\b" written with one backslash is a backspace that never matches)', () => {
    for (const g of BUILTIN_CODEBOOK.groups) for (const c of g.codes) for (const cue of [...(c.cues ?? []), ...(c.weakCues ?? [])]) expect(cue, `${c.id}`).to.not.match(/[\u0000-\u001f]/);
  });
});
