import { expect } from 'chai';
import type { AnalysisResult, AnsweredCodes } from '../../../src/analysis/index.js';
import { buildRunData } from '../../../src/dashboard/dashboard.data.js';
import { planOfRun, withAnswerDimensions } from '../../../src/dashboard/dashboard.service.js';
import { buildClosedData, closedComparison, closedPlan } from '../../../src/dashboard/closed-figures.js';
import { notableDifference, segmentComparison, type SegmentComparison } from '../../../src/dashboard/segment-compare.js';
import { mulberry32 as rng } from '../../../src/analysis/random.js';

/*
 * Segment comparison (issue 17, item 2). The property test builds random campaigns, takes the
 * comparison of every dimension, and checks — on the raw data, not on the plan's atoms — that
 * every column, and every difference of two columns (of one dimension or of two), and of a
 * column and the whole campaign, holds either nobody or at least k people; and that every cell
 * counts exactly what the data says.
 */

const THEMES = ['too_many_tools', 'findability', 'culture_resistance', 'connectivity', 'training'];
const DIMS = ['department', 'location', 'role'];

interface Person {
  id: string;
  segments: Record<string, string>;
  /** Closed answers: a single choice (`work`) and a 0–10 scale (`ready`). */
  work?: string;
  ready?: number;
  lang: string;
  themes: string[];
  type?: 'technical' | 'cultural';
}

function campaign(rand: () => number) {
  const n = 3 + Math.floor(rand() * 90);
  const valueCount = DIMS.map(() => 2 + Math.floor(rand() * 5));
  const people: Person[] = [];
  for (let i = 0; i < n; i++) {
    const segments: Record<string, string> = {};
    DIMS.forEach((d, j) => {
      if (rand() < 0.1) return; // not given
      // Skewed: the first values are far more likely, so small groups are common.
      const v = Math.min(valueCount[j] - 1, Math.floor(-Math.log(1 - rand()) * 1.3));
      segments[d] = `${d}-${v}`;
    });
    const themes = THEMES.filter(() => rand() < 0.3);
    const work = rand() < 0.85 ? WORK[Math.min(2, Math.floor(-Math.log(1 - rand()) * 1.2))] : undefined;
    const ready = rand() < 0.9 ? Math.floor(rand() * 11) : undefined;
    people.push({ id: `p${i}`, segments, work, ready, lang: rand() < 0.7 ? 'de' : 'en', themes, type: themes.length ? (rand() < 0.5 ? 'technical' : 'cultural') : undefined });
  }
  const segmentsDef = DIMS.map((d, j) => ({ key: d, label: { de: d, en: d }, required: false, options: Array.from({ length: valueCount[j] }, (_, v) => ({ key: `${d}-${v}`, label: { de: `${d} ${v}`, en: `${d} ${v}` } })) }));
  const answers: AnsweredCodes[] = people.flatMap((p) => {
    const q3: AnsweredCodes = { id: `${p.id}:q3`, question: 'q3', role: 'challenges', lang: p.lang as 'de', themes: p.themes };
    if (p.type) q3.challenge_type = p.type;
    return rand() < 0.1 ? [] : [q3];
  });
  const result = { answers, clusters: [], requirements: [], summary: {} } as unknown as AnalysisResult;
  const coded = buildRunData('000000000000000000000001', { _id: 'c' as never, segments: segmentsDef as never }, result, new Map(people.map((p) => [p.id, p.segments])));
  // The closed answers of everyone (also those without an analysed answer), as closed-data.ts reads them.
  const closed = buildClosedData(
    { questions: QUESTIONS, segments: segmentsDef },
    people.map((p) => ({ id: p.id, lang: p.lang, segments: p.segments, answers: { work: p.work ? { choices: [p.work] } : undefined, ready: p.ready !== undefined ? { value: p.ready } : undefined } })),
  );
  return { people, data: withAnswerDimensions(coded, closed), coded, closed };
}

const WORK = ['office', 'remote', 'mixed'];
const QUESTIONS = [
  { key: 'q3', type: 'open' },
  { key: 'work', type: 'single', options: WORK.map((key) => ({ key, label: { de: key, en: key } })) },
  { key: 'ready', type: 'scale', scale: { min: 0, max: 10 } },
];
const band = (v: number) => (v <= 6 ? '0-6' : v <= 8 ? '7-8' : '9-10');

/** The person's value in a dimension, as the raw data says (not as the code under test computes it). */
function valueOf(p: Person, dim: string): string | undefined {
  if (dim === 'language') return p.lang;
  if (dim === 'answer:work') return p.work;
  if (dim === 'answer:ready') return p.ready === undefined ? undefined : band(p.ready);
  return p.segments[dim];
}

describe('segment comparison (issue 17, item 2)', () => {
  it('no column, and no difference of two columns or of a column and the total, isolates fewer than k people (random campaigns)', () => {
    let shownColumns = 0;
    let hiddenColumns = 0;
    let answerColumns = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const rand = rng(seed);
      const { people, data } = campaign(rand);
      const k = 2 + Math.floor(rand() * 5);
      const plan = planOfRun(data, k);
      const who = new Map(data.respondents.map((id) => [id, people.find((p) => p.id === id)!]));
      const sets: Array<Set<string>> = [new Set(data.respondents)];
      for (const dim of data.dims) {
        const c = segmentComparison(data, dim.key, plan);
        if (plan.tooFew) {
          expect(c, `seed ${seed}`).to.equal(null);
          continue;
        }
        hiddenColumns += c!.hidden;
        for (const col of c!.columns) {
          shownColumns++;
          if (dim.key.startsWith('answer:')) answerColumns++;
          const members = new Set(data.respondents.filter((id) => valueOf(who.get(id)!, dim.key) === col.value));
          expect(members.size, `seed ${seed} ${dim.key}=${col.value}`).to.equal(col.respondents);
          expect(members.size, `seed ${seed} ${dim.key}=${col.value} (k=${k})`).to.be.at.least(k);
          sets.push(members);
        }
      }
      for (const a of sets)
        for (const b of sets) {
          const diff = [...a].filter((x) => !b.has(x)).length;
          expect(diff === 0 || diff >= k, `seed ${seed}: a difference of ${diff} people (k=${k})`).to.equal(true);
        }
    }
    // The generator really produces both cases, and closed answers as columns.
    expect(shownColumns).to.be.greaterThan(100);
    expect(hiddenColumns).to.be.greaterThan(20);
    expect(answerColumns).to.be.greaterThan(20);
  });

  it('a closed answer as the columns: the segment plan is unchanged, and the closed rows obey the same rule in their own population (random campaigns)', () => {
    let answerColumns = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const rand = rng(5000 + seed);
      const { people, data, coded, closed } = campaign(rand);
      const k = 2 + Math.floor(rand() * 5);
      // Appending the answer dimensions never changes what the plan offers of segments and language.
      const before = planOfRun(coded, k);
      const after = planOfRun(data, k);
      for (const d of coded.dims) expect([...after.offered.get(d.key)!].sort(), `seed ${seed} ${d.key}`).to.deep.equal([...before.offered.get(d.key)!].sort());
      // The closed rows of the comparison, for every dimension (answers included), in the closed population.
      const plan = closedPlan(closed, k);
      const byId = new Map(people.map((p) => [p.id, p]));
      const sets: Array<Set<string>> = [new Set(closed.respondents)];
      for (const dim of closed.dims) {
        const c = closedComparison(closed, dim.key, k);
        if (plan.tooFew) {
          expect(c).to.equal(null);
          continue;
        }
        // The question that makes the columns is not one of its rows.
        if (dim.key === 'answer:work') expect(c!.rows.some((r) => r.question === 'work')).to.equal(false);
        for (const [j, col] of c!.columns.entries()) {
          if (dim.key.startsWith('answer:')) answerColumns++;
          const members = new Set(closed.respondents.filter((id) => valueOf(byId.get(id)!, dim.key) === col.value));
          expect(members.size, `seed ${seed} ${dim.key}=${col.value}`).to.equal(col.respondents);
          expect(members.size).to.be.at.least(k);
          sets.push(members);
          // Every shown mean is the plain mean of that column's answers.
          for (const row of c!.rows.filter((r) => r.type === 'scale' && r.cells[j].mean !== undefined)) {
            const vals = [...members].map((id) => byId.get(id)!.ready).filter((v): v is number => v !== undefined);
            expect(row.cells[j].mean, `seed ${seed}`).to.equal(Math.round((vals.reduce((x, y) => x + y, 0) / vals.length) * 10) / 10);
          }
        }
      }
      for (const a of sets)
        for (const b of sets) {
          const diff = [...a].filter((x) => !b.has(x)).length;
          expect(diff === 0 || diff >= k, `seed ${seed}: a difference of ${diff} people (k=${k})`).to.equal(true);
        }
    }
    expect(answerColumns).to.be.greaterThan(20);
  });

  it('every cell counts what the data says, and the technical share is among typed challenges', () => {
    const rand = rng(42);
    let checked = 0;
    for (let round = 0; round < 20; round++) {
      const { people, data } = campaign(rand);
      const plan = planOfRun(data, 2);
      const c: SegmentComparison | null = segmentComparison(data, 'department', plan);
      if (!c) continue;
      const answered = new Set(data.aId.map((id) => id.split(':')[0]));
      for (const row of c.rows) {
        c.columns.forEach((col, j) => {
          const inCol = people.filter((p) => p.segments.department === col.value && answered.has(p.id));
          const cell = row.cells[j];
          if (row.field === 'type') {
            const typed = inCol.filter((p) => p.type);
            expect(cell.of).to.equal(typed.length);
            expect(cell.count).to.equal(typed.filter((p) => p.type === 'technical').length);
          } else {
            expect(cell.of).to.equal(inCol.length);
            expect(cell.count).to.equal(inCol.filter((p) => p.themes.includes(row.key)).length);
          }
          checked++;
        });
        const all = people.filter((p) => answered.has(p.id));
        if (row.field !== 'type') expect(row.total.count).to.equal(all.filter((p) => p.themes.includes(row.key)).length);
      }
    }
    expect(checked).to.be.greaterThan(50);
  });

  it('marks a difference as notable only when the z-test and the distance in points both say so', () => {
    expect(notableDifference(30, 40, 10, 40)).to.equal('higher'); // 75 % vs 25 %
    expect(notableDifference(10, 40, 30, 40)).to.equal('lower');
    expect(notableDifference(3, 5, 2, 5)).to.equal(undefined); // 60 vs 40: far apart, but 5 people each
    expect(notableDifference(5100, 10000, 4900, 10000)).to.equal(undefined); // significant, but 2 points
    expect(notableDifference(0, 0, 3, 10)).to.equal(undefined);
  });
});
