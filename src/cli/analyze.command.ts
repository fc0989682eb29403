/**
 * `workplace-voice analyze <answers.jsonl|answers.csv> [--out result.json] [--lang de|en] [--seed n]`
 *
 * Reads answers, runs the pure analysis engine, writes the contract's JSON to stdout or --out.
 * Malformed input stops before any output: the message names the line, the exit code is 2, and --out
 * is written through a temp file renamed only on success, so no partial file is ever left behind.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { analyze, isKnownQuestion, type AnalysisAnswer, type AnalysisResult } from '../analysis/index.js';

/** Fields that are not segment columns (everything else string-valued is, e.g. department, role). */
const RESERVED = new Set(['id', 'question', 'text', 'lang', 'respondent', 'labels', 'org', 'organisation', 'organization', 'name', 'email', 'timestamp', 'created_at', 'createdAt']);

/** Above this many answers progress goes to stderr. */
const PROGRESS_THRESHOLD = 2000;

export class InputError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const USAGE = 'usage: workplace-voice analyze <answers.jsonl|answers.csv> [--out result.json] [--lang de|en] [--seed n]\n';

/** Runs the analyze command; returns the process exit code. */
export async function runAnalyzeCommand(args: string[]): Promise<number> {
  let input: string | undefined;
  let out: string | undefined;
  let lang: 'de' | 'en' = 'de';
  let seed = 42;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--out' || a === '-o') out = args[++i];
    else if (a === '--lang') {
      const v = args[++i];
      if (v !== 'de' && v !== 'en') {
        process.stderr.write(`analyze: --lang must be de or en\n${USAGE}`);
        return 2;
      }
      lang = v;
    } else if (a === '--seed') seed = Number(args[++i]);
    else if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE);
      return 0;
    } else if (a.startsWith('-')) {
      process.stderr.write(`analyze: unknown option ${a}\n${USAGE}`);
      return 2;
    } else if (input === undefined) input = a;
    else {
      process.stderr.write(`analyze: unexpected argument ${a}\n${USAGE}`);
      return 2;
    }
  }
  if (!input || (args.includes('--out') && !out) || !Number.isFinite(seed)) {
    process.stderr.write(USAGE);
    return 2;
  }
  let answers: AnalysisAnswer[];
  try {
    const buf = readFileSync(input);
    answers = extname(input).toLowerCase() === '.csv' ? parseCsvAnswers(buf) : parseJsonlAnswers(buf);
  } catch (err) {
    const msg = err instanceof InputError ? `${input}: ${err.message}` : `${input}: ${err instanceof Error ? err.message : String(err)}`;
    process.stderr.write(`analyze: ${msg}\n`);
    return 2;
  }
  const showProgress = answers.length >= PROGRESS_THRESHOLD;
  let lastShown = -1;
  const result = analyze(answers, {
    campaignLanguage: lang,
    seed,
    onProgress: showProgress
      ? (stage, fraction) => {
          const pct = Math.floor(fraction * 100);
          if (pct >= lastShown + 5 || stage === 'done') {
            lastShown = pct;
            process.stderr.write(`analyze: ${stage} ${pct}%\n`);
          }
        }
      : undefined,
  });
  const json = `${JSON.stringify(toContract(result), null, 2)}\n`;
  if (out) {
    const tmp = join(dirname(out), `.${basename(out)}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      writeFileSync(tmp, json);
      renameSync(tmp, out);
    } catch (err) {
      rmSync(tmp, { force: true });
      process.stderr.write(`analyze: cannot write ${out}: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
    process.stderr.write(`analyze: ${answers.length} answers → ${out}\n`);
  } else {
    process.stdout.write(json);
  }
  return 0;
}

/**
 * The CLI contract: per answer id, lang, codes, challenge type/confidence, cluster — and, added by
 * issue 13 (fields are only ever added): technical_weight and challenge_mixed (q3), confidence per
 * code, evidence (the clause that carried each code, with offsets into the answer text) and
 * uncertainty.
 */
export function toContract(result: AnalysisResult): AnalysisResult | Record<string, unknown> {
  return {
    answers: result.answers.map((a) => {
      const o: Record<string, unknown> = { id: a.id, lang: a.lang };
      if (a.channels) o.channels = a.channels;
      if (a.themes) o.themes = a.themes;
      if (a.challenge_type) {
        o.challenge_type = a.challenge_type;
        o.challenge_confidence = a.challenge_confidence;
      }
      if (a.technical_weight !== undefined) {
        o.technical_weight = a.technical_weight;
        o.challenge_mixed = a.challenge_mixed;
      }
      if (a.features) o.features = a.features;
      if (a.confidence) o.confidence = a.confidence;
      if (a.evidence) o.evidence = a.evidence;
      if (a.uncertainty !== undefined) o.uncertainty = a.uncertainty;
      if (a.cluster) o.cluster = a.cluster;
      return o;
    }),
    clusters: result.clusters,
    requirements: result.requirements,
    summary: result.summary,
  };
}

/** Strict UTF-8 decoding; on failure reports the first line holding an invalid byte sequence. */
export function decodeUtf8(buf: Buffer): string {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    return decoder.decode(buf).replace(/^\uFEFF/, '');
  } catch {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= buf.length; i++) {
      if (i === buf.length || buf[i] === 0x0a) {
        try {
          decoder.decode(buf.subarray(start, i));
        } catch {
          throw new InputError(line, 'invalid UTF-8 (save the file as UTF-8)');
        }
        line++;
        start = i + 1;
      }
    }
    throw new InputError(line - 1, 'invalid UTF-8 (save the file as UTF-8)');
  }
}

/** Validates one row (from JSON or CSV) into an engine answer. */
export function rowToAnswer(row: unknown, line: number, seen: Set<string>): AnalysisAnswer {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new InputError(line, 'expected an object per line');
  const r = row as Record<string, unknown>;
  const id = typeof r.id === 'number' ? String(r.id) : r.id;
  if (typeof id !== 'string' || id.trim() === '') throw new InputError(line, 'missing "id"');
  if (seen.has(id)) throw new InputError(line, `duplicate id "${id}"`);
  seen.add(id);
  if (typeof r.question !== 'string' || r.question.trim() === '') throw new InputError(line, 'missing "question"');
  if (!isKnownQuestion(r.question)) {
    throw new InputError(line, `unknown question "${r.question}" (use q1..q4 or current_practice, meaning, challenges, future)`);
  }
  if (typeof r.text !== 'string' || r.text.trim() === '') throw new InputError(line, 'missing "text"');
  if (r.lang !== undefined && r.lang !== null && r.lang !== '' && typeof r.lang !== 'string') throw new InputError(line, '"lang" must be a string');
  const answer: AnalysisAnswer = { id, question: r.question.trim(), text: r.text };
  if (typeof r.lang === 'string' && r.lang.trim() !== '') answer.lang = r.lang.trim();
  if (typeof r.respondent === 'string' && r.respondent !== '') answer.respondent = r.respondent;
  else if (typeof r.respondent === 'number') answer.respondent = String(r.respondent);
  const segments: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) {
    if (RESERVED.has(k) || typeof v !== 'string' || v.trim() === '') continue;
    segments[k] = v.trim();
  }
  if (Object.keys(segments).length > 0) answer.segments = segments;
  return answer;
}

/** JSON Lines: one object per line; blank lines are allowed, an empty file is not. */
export function parseJsonlAnswers(buf: Buffer): AnalysisAnswer[] {
  const text = decodeUtf8(buf);
  const seen = new Set<string>();
  const out: AnalysisAnswer[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (err) {
      throw new InputError(i + 1, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    out.push(rowToAnswer(row, i + 1, seen));
  });
  if (out.length === 0) throw new InputError(1, 'the file is empty (no answers)');
  return out;
}

/** CSV with a header row (csv-parse); line numbers count the header as line 1. */
export function parseCsvAnswers(buf: Buffer): AnalysisAnswer[] {
  const text = decodeUtf8(buf);
  if (text.trim() === '') throw new InputError(1, 'the file is empty (no answers)');
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parseCsv(text, { columns: true, skip_empty_lines: true, info: true, trim: false }) as typeof records;
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 1;
    throw new InputError(line, `malformed CSV (${err instanceof Error ? err.message : String(err)})`);
  }
  if (records.length === 0) throw new InputError(1, 'the file has a header but no answers');
  const seen = new Set<string>();
  return records.map(({ record, info }) => rowToAnswer(record, info.lines, seen));
}
