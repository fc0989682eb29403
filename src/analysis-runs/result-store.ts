import mongoose, { Schema } from 'mongoose';
import type { AnalysisResult, AnsweredCodes, Codebook } from '../analysis/index.js';
import { AnalysisResultModel } from './analysis-run.model.js';

/**
 * Where a finished run's engine result lives, and the only code that reads or writes it.
 *
 * Why more than one document: MongoDB (and FerretDB, which keeps its limit) refuses a document
 * above 16 MB, and with the per-answer evidence, confidences and uncertainty a result grows by
 * ~0.57 KB per answer — one document held only ~28,000 answers (~7,000 respondents of the
 * four-question template). The per-answer list is therefore cut into parts of at most
 * PART_BYTES: the first part stays in the `analysis_results` document (so a small campaign's
 * result is exactly one document, as before), the rest go to `analysis_result_parts` under
 * `<runId>:<seq>`. Clusters, requirements and the summary do not grow with the answers.
 *
 * Order of writing: the parts first, the main document last. Readers start from the main
 * document, so they never see a result whose parts are not all there; a run that fails between
 * the two leaves only parts, which the next attempt (or the campaign's purge) removes.
 */

/** Largest BSON size of one stored document's answers (headroom below 16 MB for the wrapper). */
export const PART_BYTES = 8 * 1024 * 1024;

const resultPartSchema = new Schema(
  {
    _id: { type: String, required: true },
    runId: { type: Schema.Types.ObjectId, required: true, index: true },
    campaignId: { type: Schema.Types.ObjectId, required: true, index: true },
    seq: { type: Number, required: true },
    answers: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'analysis_result_parts', versionKey: false, minimize: false },
);
export const AnalysisResultPartModel = mongoose.model('AnalysisResultPart', resultPartSchema);

export interface StoredResultDoc {
  _id: mongoose.Types.ObjectId;
  campaignId: mongoose.Types.ObjectId;
  result: AnalysisResult;
  /** How many theme-board corrections the run was given. */
  corrections: number;
  /** The campaign codebook the run used, when there was one. */
  codebook?: Codebook;
}

/** What the main document records about the split (absent on results stored before it existed). */
interface SplitFields {
  /** Number of documents in `analysis_result_parts` (0: the whole list is in the main document). */
  answerParts?: number;
  /** Length of the whole per-answer list, to check a reassembled result is complete. */
  answerCount?: number;
}

const partId = (runId: mongoose.Types.ObjectId, seq: number): string => `${String(runId)}:${seq}`;

/**
 * Cuts the per-answer list into consecutive slices whose BSON size stays below `maxBytes` each
 * (an answer larger than that on its own — impossible with the respond form's limits — gets a
 * slice of its own and is refused by the database with its own error).
 */
export function sliceAnswers(answers: readonly AnsweredCodes[], maxBytes = PART_BYTES): AnsweredCodes[][] {
  const slices: AnsweredCodes[][] = [];
  let current: AnsweredCodes[] = [];
  let bytes = 0;
  for (const a of answers) {
    // Array element overhead in BSON: type byte, index as a key, NUL — under 10 bytes.
    const size = mongoose.mongo.BSON.calculateObjectSize(a as unknown as mongoose.mongo.BSON.Document) + 10;
    if (current.length && bytes + size > maxBytes) {
      slices.push(current);
      current = [];
      bytes = 0;
    }
    current.push(a);
    bytes += size;
  }
  slices.push(current);
  return slices;
}

/** Stores a run's result (replacing any earlier attempt's); returns its total size in bytes. */
export async function writeResult(doc: StoredResultDoc, maxBytes = PART_BYTES): Promise<number> {
  const { result } = doc;
  const [first, ...rest] = sliceAnswers(result.answers, maxBytes);
  await AnalysisResultPartModel.collection.deleteMany({ runId: doc._id });
  let bytes = 0;
  for (let i = 0; i < rest.length; i++) {
    const part = { _id: partId(doc._id, i + 1), runId: doc._id, campaignId: doc.campaignId, seq: i + 1, answers: rest[i] };
    bytes += mongoose.mongo.BSON.calculateObjectSize(part);
    // Raw driver writes: mongoose would walk megabytes of Mixed values for nothing.
    await AnalysisResultPartModel.collection.insertOne(part as never);
  }
  const main = {
    _id: doc._id,
    campaignId: doc.campaignId,
    result: { ...result, answers: first },
    answerParts: rest.length,
    answerCount: result.answers.length,
    corrections: doc.corrections,
    ...(doc.codebook ? { codebook: doc.codebook } : {}),
    createdAt: new Date(),
  };
  bytes += mongoose.mongo.BSON.calculateObjectSize(main);
  await AnalysisResultModel.collection.replaceOne({ _id: doc._id }, main, { upsert: true });
  return bytes;
}

/** The parts of a split result, in order (each read by `_id`: FerretDB pushes that filter down). */
async function readParts<T>(runId: mongoose.Types.ObjectId, count: number, read: (id: string) => Promise<T | null>): Promise<T[]> {
  const parts = await Promise.all(Array.from({ length: count }, (_, i) => read(partId(runId, i + 1))));
  if (parts.some((p) => p === null)) throw new Error(`analysis result ${String(runId)} is incomplete (a part is missing)`);
  return parts as T[];
}

/** A finished run's whole result, reassembled, or null when none is stored. */
export async function readResult(runId: string | mongoose.Types.ObjectId): Promise<StoredResultDoc | null> {
  const _id = new mongoose.Types.ObjectId(String(runId));
  const main = await AnalysisResultModel.collection.findOne<StoredResultDoc & SplitFields>({ _id });
  if (!main) return null;
  const count = main.answerParts ?? 0;
  if (count > 0) {
    const parts = await readParts(_id, count, (id) => AnalysisResultPartModel.collection.findOne<{ answers: AnsweredCodes[] }>({ _id: id as never }));
    const answers = main.result.answers;
    for (const p of parts) for (const a of p.answers) answers.push(a);
    if (main.answerCount !== undefined && answers.length !== main.answerCount) {
      throw new Error(`analysis result ${String(runId)} is incomplete (${answers.length} of ${main.answerCount} answers)`);
    }
  }
  return { _id: main._id, campaignId: main.campaignId, result: main.result, corrections: main.corrections ?? 0, codebook: main.codebook ?? undefined };
}

/**
 * The same as raw BSON documents, main document first, for decoding off the main thread
 * (the dashboard's build worker joins them with joinRawResult).
 */
export async function readRawResult(runId: string): Promise<Uint8Array[] | null> {
  const _id = new mongoose.Types.ObjectId(runId);
  // The split counter from a projection (a few bytes back), so the main thread never decodes the result.
  const head = await AnalysisResultModel.collection.findOne<SplitFields>({ _id }, { projection: { answerParts: 1 } });
  if (!head) return null;
  const [raw, parts] = await Promise.all([
    AnalysisResultModel.collection.findOne({ _id }, { raw: true }) as unknown as Promise<Uint8Array | null>,
    readParts(_id, head.answerParts ?? 0, (id) => AnalysisResultPartModel.collection.findOne({ _id: id as never }, { raw: true }) as unknown as Promise<Uint8Array | null>),
  ]);
  if (!raw) return null;
  return [raw, ...parts];
}

/** Decodes what readRawResult returned into the stored result (runs in a worker thread). */
export function joinRawResult(raws: readonly Uint8Array[]): { result: AnalysisResult; codebook?: Codebook } {
  const [first, ...rest] = raws;
  const main = mongoose.mongo.BSON.deserialize(first) as { result: AnalysisResult; codebook?: Codebook } & SplitFields;
  const answers = main.result.answers;
  for (const raw of rest) {
    const part = mongoose.mongo.BSON.deserialize(raw) as { answers: AnsweredCodes[] };
    for (const a of part.answers) answers.push(a);
  }
  if (main.answerCount !== undefined && answers.length !== main.answerCount) {
    throw new Error(`analysis result is incomplete (${answers.length} of ${main.answerCount} answers)`);
  }
  return { result: main.result, codebook: main.codebook ?? undefined };
}

/** Removes the stored results (main documents and parts) of these runs. */
export async function deleteResults(runIds: readonly mongoose.Types.ObjectId[]): Promise<void> {
  if (!runIds.length) return;
  // Main documents first: a reader then finds nothing rather than a result without its parts.
  await AnalysisResultModel.deleteMany({ _id: mongoose.trusted({ $in: runIds }) });
  await AnalysisResultPartModel.deleteMany({ runId: mongoose.trusted({ $in: runIds }) });
}

/** Retention: every stored result of a campaign. */
export async function deleteCampaignResults(campaignId: mongoose.Types.ObjectId): Promise<void> {
  await AnalysisResultModel.deleteMany({ campaignId });
  await AnalysisResultPartModel.deleteMany({ campaignId });
}
