import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runAnalyzeCommand } from '../../../src/cli/analyze.command.js';

/** Runs the command with stderr captured (it writes messages there). */
async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  const original = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await runAnalyzeCommand(args), stderr };
  } finally {
    process.stderr.write = original;
  }
}

describe('cli analyze', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wv-analyze-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('when given labelled answers, then it writes the contract shape with evidence and exits 0', async () => {
    // A project file (npm test never reads ../shared): the first 40 answers of a training file, labels dropped by the CLI.
    const rows = readFileSync(new URL('../../../data/training/hard-cases.jsonl', import.meta.url), 'utf8').split('\n').filter((l) => l.trim() !== '').slice(0, 40);
    const input = join(dir, 'answers.jsonl');
    writeFileSync(input, `${rows.join('\n')}\n`);
    const out = join(dir, 'result.json');
    const { code } = await run([input, '--out', out]);
    expect(code).to.equal(0);
    const r = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown> & { answers: Array<Record<string, unknown>> };
    expect(r).to.have.keys('answers', 'clusters', 'requirements', 'summary');
    expect(r.answers).to.have.length(40);
    const texts = new Map(rows.map((l) => JSON.parse(l) as { id: string; text: string }).map((x) => [x.id, x.text]));
    const q1 = r.answers.find((a) => a.id === 'hrd-001-q1')!;
    expect(Object.keys(q1)).to.include.members(['id', 'lang', 'channels', 'confidence', 'evidence', 'uncertainty']);
    expect(q1).to.not.have.property('labels');
    for (const a of r.answers) {
      const codes = (a.channels ?? a.themes ?? a.features) as string[];
      const evidence = a.evidence as Array<{ code: string; text: string; start: number; end: number; confidence: number }>;
      expect(evidence.map((e) => e.code), String(a.id)).to.deep.equal(codes);
      for (const e of evidence) {
        expect(texts.get(String(a.id))!.slice(e.start, e.end)).to.equal(e.text);
        expect(e.confidence).to.be.within(0, 1);
      }
      expect(Object.keys(a.confidence as object)).to.have.members(codes);
      expect(a.uncertainty).to.be.within(0, 1);
    }
    const q3 = r.answers.find((a) => a.id === 'hrd-001-q3')!;
    expect(q3.challenge_type).to.be.oneOf(['technical', 'cultural']);
    expect(q3.challenge_confidence).to.be.within(0, 1);
    expect(q3.technical_weight).to.be.within(0, 1);
    expect(q3.challenge_mixed).to.be.a('boolean');
    expect((r.summary as { challengeBalance: { interval: number[] } }).challengeBalance.interval).to.have.length(2);
    expect(readdirSync(dir).sort()).to.deep.equal(['answers.jsonl', 'result.json']);
  });

  it('when given a CSV with role names and a segment column, then it codes it', async () => {
    const csv = join(dir, 'a.csv');
    writeFileSync(csv, 'id,question,text,department\n1,current_practice,"Mail, Telefon und Slack",IT\n2,future,"Ein Dashboard für alles",HR\n');
    const out = join(dir, 'r.json');
    const { code } = await run([csv, '--out', out]);
    expect(code).to.equal(0);
    const r = JSON.parse(readFileSync(out, 'utf8')) as { answers: Array<{ id: string; channels?: string[]; features?: string[] }> };
    expect(r.answers[0].channels).to.include.members(['email', 'phone', 'chat']);
    expect(r.answers[1].features).to.include('unified_dashboard');
  });

  const malformed: Array<[string, string, string | Buffer, RegExp]> = [
    ['a bad JSON line', 'a.jsonl', '{"id":"1","question":"q1","text":"Mail"}\n{"id":"2",\n', /line 2: not valid JSON/],
    ['a missing text', 'a.jsonl', '{"id":"1","question":"q1","text":"Mail"}\n{"id":"2","question":"q2"}\n', /line 2: missing "text"/],
    ['an unknown question', 'a.jsonl', '{"id":"1","question":"q9","text":"Mail"}\n', /line 1: unknown question "q9"/],
    ['an empty file', 'a.jsonl', '', /line 1: the file is empty/],
    ['invalid UTF-8', 'a.jsonl', Buffer.concat([Buffer.from('{"id":"1","question":"q1","text":"Mail"}\n{"id":"2","question":"q1","text":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]), /line 2: invalid UTF-8/],
    ['a CSV row without text', 'a.csv', 'id,question,text\n1,q1,Mail\n2,q2,\n', /line 3: missing "text"/],
  ];
  for (const [name, file, content, message] of malformed) {
    it(`when the input has ${name}, then it exits non-zero, names the line and writes no file`, async () => {
      const input = join(dir, file);
      writeFileSync(input, content);
      const out = join(dir, 'result.json');
      const { code, stderr } = await run([input, '--out', out]);
      expect(code).to.not.equal(0);
      expect(stderr).to.match(message);
      expect(readdirSync(dir)).to.deep.equal([file]);
    });
  }
});
