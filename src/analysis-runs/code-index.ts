import { gunzipSync, gzipSync } from 'node:zlib';
import mongoose, { Schema } from 'mongoose';
import { readResult } from './result-store.js';
import type { AnalysisResult, Codebook } from '../analysis/index.js';
import type { Logger } from '../shared/logger.js';

/**
 * The codes of every answer of one analysis run, in a form an export can read in one go: TSV
 * lines sorted by answer id, gzipped into ONE binary field, `_id` = the run's id.
 *
 * Why not read the run's result: it is one document of up to 16 MB of nested objects, and
 * FerretDB 1.x on SQLite decodes such a document slowly (≈2 s for the 1.6 MB result of 10,000
 * answers on our 2-core machine under load, so ≈20 s at 100,000) and the app would hold all of it
 * as JavaScript objects. One compressed string of the same codes is ~1 MB for 100,000 answers,
 * decodes in milliseconds, and is read into a compact table (CodeTable).
 * Written by the runner right after the result (`storeCodeIndex`); for older runs built once
 * from the result on first use.
 */
const exportCodeIndexSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    campaignId: { type: Schema.Types.ObjectId, required: true },
    answers: { type: Number, required: true },
    data: { type: Buffer, required: true },
    /** Names of the run's campaign codebook (empty when it used the built-in one). */
    names: { type: Schema.Types.Mixed, default: {} },
  },
  { timestamps: true, collection: 'analysis_export_index', versionKey: false },
);
export const ExportCodeIndexModel = mongoose.model('AnalysisExportIndex', exportCodeIndexSchema);

const clean = (s: string) => s.replace(/[\t\r\n]+/g, ' ');

/** TSV lines `id, lang, channels, themes, type, confidence, features, cluster label`, sorted by id. */
export function buildCodeIndex(result: Pick<AnalysisResult, 'answers' | 'clusters'>): Buffer {
  const labels = new Map(result.clusters.map((c) => [c.id, clean(c.label)]));
  const lines = result.answers.map((a) =>
    [
      clean(a.id),
      a.lang ?? '',
      (a.channels ?? []).join(';'),
      (a.themes ?? []).join(';'),
      a.challenge_type ?? '',
      typeof a.challenge_confidence === 'number' ? String(Math.round(a.challenge_confidence * 100) / 100) : '',
      (a.features ?? []).join(';'),
      a.cluster ? (labels.get(a.cluster) ?? a.cluster) : '',
    ].join('\t'),
  );
  lines.sort((x, y) => {
    const a = x.slice(0, x.indexOf('\t'));
    const b = y.slice(0, y.indexOf('\t'));
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return gzipSync(lines.join('\n'), { level: 6 });
}

/** Names of the campaign codebook's codes (theme-board renames and new codes), by id. */
export type CodeNames = Record<string, { de: string; en: string }>;

export async function storeCodeIndex(
  runId: mongoose.Types.ObjectId,
  campaignId: mongoose.Types.ObjectId,
  result: Pick<AnalysisResult, 'answers' | 'clusters'>,
  opts: { codebook?: Codebook; data?: Buffer } = {},
): Promise<void> {
  const data = opts.data ?? buildCodeIndex(result);
  const names: CodeNames = {};
  for (const g of opts.codebook?.groups ?? []) for (const c of g.codes) names[c.id] = { de: c.name.de, en: c.name.en };
  await ExportCodeIndexModel.collection.replaceOne(
    { _id: runId },
    { _id: runId, campaignId, answers: result.answers.length, data, names, createdAt: new Date(), updatedAt: new Date() },
    { upsert: true },
  );
}

/** Fields of one line of the index, in TSV order after the answer id. */
export const CODE_FIELD = { lang: 0, channels: 1, themes: 2, challengeType: 3, confidence: 4, features: 5, cluster: 6 } as const;
export type CodeField = (typeof CODE_FIELD)[keyof typeof CODE_FIELD];
const FIELDS = 7;
// Per line: the 7 fields, the question key, the next line of the same response (-1: none).
const QUESTION = FIELDS;
const NEXT = FIELDS + 1;
const WIDTH = FIELDS + 2;

/**
 * The decompressed index as an export reads it: no string per line and no object per answer. Every
 * distinct field value (a language, a list of code ids such as `email;chat`, a cluster label, a
 * question key) is kept once; a line is WIDTH int32 cells that point into that value table, in one
 * Int32Array (outside the JavaScript heap). A response's lines are chained (NEXT), and a Map
 * from response id to its first line makes a lookup one map hit plus a few integer comparisons.
 * For 100,000 answers that is ~3.6 MB of cells, the distinct values and 25,000 map keys, instead
 * of the ~11 MB TSV as one string (22 MB when a label holds a character outside Latin-1) plus
 * its offsets; and looking codes up allocates nothing, so an export makes less garbage.
 */
export class CodeTable {
  /** Distinct field values; cells hold their positions. */
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();
  private readonly first = new Map<string, number>();
  private cells: Int32Array;
  private count = 0;

  constructor(expectedLines = 0) {
    this.cells = new Int32Array(Math.max(16, expectedLines) * WIDTH);
  }

  get lines(): number {
    return this.count;
  }

  private intern(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }

  /** Adds the TSV line `buf[start, end)` (UTF-8; tabs and colons are single bytes there). */
  addLine(buf: Buffer, start: number, end: number): void {
    if (end <= start) return;
    if ((this.count + 1) * WIDTH > this.cells.length) {
      const grown = new Int32Array(this.cells.length * 2);
      grown.set(this.cells);
      this.cells = grown;
    }
    const line = this.count++;
    const at = line * WIDTH;
    let tab = buf.indexOf(9, start);
    if (tab < 0 || tab > end) tab = end;
    // `<responseId>:<questionKey>`: question keys never contain a colon, response ids may.
    const colon = tab > start ? buf.lastIndexOf(0x3a, tab - 1) : -1;
    const split = colon >= start ? colon : start;
    const rid = buf.toString('utf8', start, split);
    this.cells[at + QUESTION] = this.intern(buf.toString('utf8', colon >= start ? colon + 1 : start, tab));
    let pos = tab + 1;
    for (let f = 0; f < FIELDS; f++) {
      let next = pos <= end ? buf.indexOf(9, pos) : -1;
      if (next < 0 || next > end) next = end;
      this.cells[at + f] = this.intern(pos < next ? buf.toString('utf8', pos, next) : '');
      pos = next + 1;
    }
    this.cells[at + NEXT] = this.first.get(rid) ?? -1;
    this.first.set(rid, line);
  }

  /** The line of answer `questionKey` of response `responseId`, or -1. */
  find(responseId: string, questionKey: string): number {
    const q = this.ids.get(questionKey);
    if (q === undefined) return -1;
    for (let line = this.first.get(responseId) ?? -1; line >= 0; line = this.cells[line * WIDTH + NEXT]) {
      if (this.cells[line * WIDTH + QUESTION] === q) return line;
    }
    return -1;
  }

  /** Position of a line's field value (CODE_FIELD.…) in `values`. */
  valueId(line: number, field: CodeField): number {
    return this.cells[line * WIDTH + field];
  }

  value(line: number, field: CodeField): string {
    return this.values[this.valueId(line, field)];
  }
}

/**
 * Decompresses a gzipped index into a CodeTable. One synchronous pass: the output buffer is
 * allocated once at the size the gzip trailer states (no list of 16 KB pieces joined into a
 * copy) and is garbage right after. (An asynchronous gunzip stream read piece by piece was
 * measured too: the exports that followed promoted far more garbage to the old generation.)
 */
export function codeTableOf(gz: Buffer, expectedLines = 0): CodeTable {
  const table = new CodeTable(expectedLines);
  // ISIZE, the last 4 bytes of a gzip member: the uncompressed size (mod 2^32); +1 so the output
  // never fills the buffer (a full one would make zlib allocate the next piece).
  const size = gz.length >= 18 ? gz.readUInt32LE(gz.length - 4) : 0;
  const buf = gunzipSync(gz, { chunkSize: Math.min(Math.max(64 * 1024, size + 1), 1 << 30) });
  let pos = 0;
  for (let nl = buf.indexOf(10, pos); nl >= 0; nl = buf.indexOf(10, pos)) {
    table.addLine(buf, pos, nl);
    pos = nl + 1;
  }
  table.addLine(buf, pos, buf.length);
  return table;
}

/**
 * The code table of a finished run: from its index, or (runs from before the index existed)
 * built once from the stored result and kept for next time.
 */
export async function loadCodeLookup(runId: string, logger?: Logger): Promise<{ table: CodeTable | undefined; names: CodeNames }> {
  const _id = new mongoose.Types.ObjectId(runId);
  const doc = await ExportCodeIndexModel.collection.findOne<{ data: mongoose.mongo.Binary | Buffer; answers?: number; names?: CodeNames }>({ _id });
  let bytes: Buffer;
  let names: CodeNames = doc?.names ?? {};
  let answers = doc?.answers ?? 0;
  if (doc) {
    bytes = Buffer.isBuffer(doc.data) ? doc.data : Buffer.from(doc.data.buffer);
  } else {
    const stored = await readResult(_id);
    if (!stored) return { table: undefined, names };
    bytes = buildCodeIndex(stored.result);
    answers = stored.result.answers.length;
    for (const g of stored.codebook?.groups ?? []) for (const c of g.codes) names = { ...names, [c.id]: c.name };
    await storeCodeIndex(_id, stored.campaignId, stored.result, { codebook: stored.codebook, data: bytes }).catch((err: unknown) =>
      logger?.warn({ err }, 'export code index could not be stored'),
    );
  }
  return { table: codeTableOf(bytes, answers), names };
}
