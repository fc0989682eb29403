import { gunzipSync, gzipSync } from 'node:zlib';
import mongoose, { Schema } from 'mongoose';
import { AnalysisResultModel } from '../analysis-runs/analysis-run.model.js';
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
 * decodes in milliseconds, and stays a single string in memory (looked up by binary search).
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

/** One answer's codes as the export needs them. */
export interface AnswerCodes {
  lang: string;
  channels: string[];
  themes: string[];
  challengeType: string;
  /** Empty when the answer has no challenge type. */
  confidence: number | undefined;
  features: string[];
  cluster: string;
}

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

const split = (s: string) => (s ? s.split(';') : []);

/**
 * A lookup over the decompressed TSV: line offsets plus the first line of each response (answers
 * of one response are adjacent, as lines are sorted by `<responseId>:<question>`), so one lookup
 * is a map hit and a few string comparisons — no per-answer objects are kept.
 */
export function codeLookup(tsv: string): (answerId: string) => AnswerCodes | undefined {
  const starts: number[] = [];
  const firstLine = new Map<string, number>();
  let pos = 0;
  while (pos < tsv.length) {
    const line = starts.length;
    starts.push(pos);
    const tab = tsv.indexOf('\t', pos);
    const id = tsv.slice(pos, tab < 0 ? tsv.length : tab);
    const rid = id.slice(0, Math.max(0, id.lastIndexOf(':')));
    if (!firstLine.has(rid)) firstLine.set(rid, line);
    const nl = tsv.indexOf('\n', pos);
    pos = nl < 0 ? tsv.length : nl + 1;
  }
  const offsets = Int32Array.from(starts);
  const lineAt = (i: number) => {
    const end = i + 1 < offsets.length ? offsets[i + 1] - 1 : tsv.length;
    return tsv.slice(offsets[i], end);
  };
  return (answerId) => {
    const rid = answerId.slice(0, Math.max(0, answerId.lastIndexOf(':')));
    const first = firstLine.get(rid);
    if (first === undefined) return undefined;
    const prefix = `${answerId}\t`;
    for (let i = first; i < offsets.length && tsv.startsWith(`${rid}:`, offsets[i]); i++) {
      if (!tsv.startsWith(prefix, offsets[i])) continue;
      const [, lang, channels, themes, type, confidence, features, cluster] = lineAt(i).split('\t');
      return {
        lang,
        channels: split(channels),
        themes: split(themes),
        challengeType: type,
        confidence: confidence === '' ? undefined : Number(confidence),
        features: split(features),
        cluster,
      };
    }
    return undefined;
  };
}

/**
 * The code lookup of a finished run: from its index, or (runs from before the index existed)
 * built once from the stored result and kept for next time.
 */
export async function loadCodeLookup(runId: string, logger?: Logger): Promise<{ find: (answerId: string) => AnswerCodes | undefined; names: CodeNames }> {
  const _id = new mongoose.Types.ObjectId(runId);
  const doc = await ExportCodeIndexModel.collection.findOne<{ data: mongoose.mongo.Binary | Buffer; names?: CodeNames }>({ _id });
  let bytes: Buffer;
  let names: CodeNames = doc?.names ?? {};
  if (doc) {
    bytes = Buffer.isBuffer(doc.data) ? doc.data : Buffer.from(doc.data.buffer);
  } else {
    const stored = await AnalysisResultModel.collection.findOne<{ campaignId: mongoose.Types.ObjectId; result: AnalysisResult; codebook?: Codebook }>({ _id });
    if (!stored) return { find: () => undefined, names };
    bytes = buildCodeIndex(stored.result);
    for (const g of stored.codebook?.groups ?? []) for (const c of g.codes) names = { ...names, [c.id]: c.name };
    await storeCodeIndex(_id, stored.campaignId, stored.result, { codebook: stored.codebook, data: bytes }).catch((err: unknown) =>
      logger?.warn({ err }, 'export code index could not be stored'),
    );
  }
  return { find: codeLookup(gunzipSync(bytes).toString('utf8')), names };
}
