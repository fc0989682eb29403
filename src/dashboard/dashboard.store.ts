import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
import mongoose, { Schema } from 'mongoose';
import type { RunData } from './types.js';
import { isDuplicateKey } from '../db/mongo.js';

/**
 * The compact per-run arrays (dashboard.data.ts), persisted once per run in `dashboard_runs`
 * (`_id` = the run's `_id`, read by `_id` only), so the first dashboard view after a restart —
 * or on another app instance — does not have to read the full stored result (~4 MB for 20,000
 * answers; FerretDB takes seconds to decode that many nested objects) and scan every response
 * for its segment values again. Stored as two binary fields: the typed arrays back to back, and
 * a gzipped JSON of the rest (ids, dimension values, code references, summary, clusters,
 * requirements). A run's data never changes, so the document is written once and never updated.
 */

const FORMAT = 2;

const dashboardRunSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    campaignId: { type: Schema.Types.ObjectId, required: true },
    format: { type: Number, required: true },
    meta: { type: Buffer, required: true },
    arrays: { type: Buffer, required: true },
  },
  { collection: 'dashboard_runs', versionKey: false, timestamps: { createdAt: true, updatedAt: false } },
);
export const DashboardRunModel = mongoose.model('DashboardRun', dashboardRunSchema);

type Typed = Int32Array | Uint8Array | Int16Array;

interface Meta {
  respondents: string[];
  /** Question key of each answer, as an index into `keys` (answer id = respondent + ':' + key). */
  keys: string[];
  dims: Array<{ key: string; values: string[] }>;
  codeRefs: RunData['codeRefs'];
  clusterIds: string[];
  result: RunData['result'];
  codebook: RunData['codebook'];
  /** Byte offset and element count of each array in `arrays`. */
  layout: Record<string, { type: 'i32' | 'u8' | 'i16'; offset: number; length: number }>;
  answers: number;
}

const kindOf = (a: Typed): 'i32' | 'u8' | 'i16' => (a instanceof Int32Array ? 'i32' : a instanceof Int16Array ? 'i16' : 'u8');

export async function encodeRunData(data: RunData): Promise<{ meta: Buffer; arrays: Buffer }> {
  const keys: string[] = [];
  const aKey = new Uint8Array(data.aId.length);
  data.aId.forEach((id, i) => {
    const key = id.slice(id.lastIndexOf(':') + 1);
    let k = keys.indexOf(key);
    if (k < 0) k = keys.push(key) - 1;
    aKey[i] = k;
  });
  const arrays: Record<string, Typed> = {
    aResp: data.aResp,
    aRole: data.aRole,
    aType: data.aType,
    aCluster: data.aCluster,
    codeStart: data.codeStart,
    codes: data.codes,
    aKey,
    ...Object.fromEntries(data.dims.map((d, i) => [`dim${i}`, d.idx])),
  };
  const layout: Meta['layout'] = {};
  const parts: Buffer[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(arrays)) {
    // Keep every array aligned to 4 bytes so it can be viewed in place after loading.
    const pad = (4 - (offset % 4)) % 4;
    if (pad) parts.push(Buffer.alloc(pad));
    offset += pad;
    layout[name] = { type: kindOf(a), offset, length: a.length };
    parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    offset += a.byteLength;
  }
  const meta: Meta = {
    respondents: data.respondents,
    keys,
    dims: data.dims.map((d) => ({ key: d.key, values: d.values })),
    codeRefs: data.codeRefs,
    clusterIds: data.clusterIds,
    result: data.result,
    codebook: data.codebook,
    layout,
    answers: data.aId.length,
  };
  // Compressed on libuv's thread pool, not on the event loop.
  return { meta: await gzipAsync(JSON.stringify(meta)), arrays: Buffer.concat(parts) };
}

export async function decodeRunData(runId: string, campaignId: string, metaGz: Buffer, raw: Buffer): Promise<RunData> {
  const started = performance.now();
  const meta = JSON.parse((await gunzipAsync(metaGz)).toString('utf8')) as Meta;
  // Copy into an aligned buffer of our own (the driver's buffer may start at any offset).
  const bytes = new Uint8Array(raw.byteLength);
  bytes.set(raw);
  const view = (name: string): Typed => {
    const l = meta.layout[name];
    if (!l) throw new Error(`dashboard_runs ${runId}: array ${name} missing`);
    if (l.type === 'i32') return new Int32Array(bytes.buffer, l.offset, l.length);
    if (l.type === 'i16') return new Int16Array(bytes.buffer, l.offset, l.length);
    return new Uint8Array(bytes.buffer, l.offset, l.length);
  };
  const aResp = view('aResp') as Int32Array;
  const aKey = view('aKey') as Uint8Array;
  const aId = new Array<string>(meta.answers);
  const answerIndex = new Map<string, number>();
  for (let i = 0; i < meta.answers; i++) {
    aId[i] = `${meta.respondents[aResp[i]]}:${meta.keys[aKey[i]]}`;
    answerIndex.set(aId[i], i);
  }
  const codeIndex = new Map(meta.codeRefs.map((r, i) => [`${r.role}|${r.field}|${r.id}`, i]));
  return {
    runId,
    campaignId,
    result: meta.result,
    respondents: meta.respondents,
    dims: meta.dims.map((d, i) => ({ key: d.key, values: d.values, idx: view(`dim${i}`) as Int16Array })),
    aResp,
    aRole: view('aRole') as Uint8Array,
    aType: view('aType') as Uint8Array,
    aCluster: view('aCluster') as Int32Array,
    aId,
    codeStart: view('codeStart') as Int32Array,
    codes: view('codes') as Int32Array,
    codeRefs: meta.codeRefs,
    codeIndex,
    clusterIds: meta.clusterIds,
    answerIndex,
    codebook: meta.codebook,
    buildMs: performance.now() - started,
  };
}

/** The persisted arrays of a run, or null (not built yet, or an older format). */
export async function loadStoredRunData(runId: string, campaignId: string): Promise<RunData | null> {
  const doc = await DashboardRunModel.findById(new mongoose.Types.ObjectId(runId)).lean<{ format: number; meta: unknown; arrays: unknown }>();
  if (!doc || doc.format !== FORMAT) return null;
  return decodeRunData(runId, campaignId, toBuffer(doc.meta), toBuffer(doc.arrays));
}

/** Stores a run's arrays once; a concurrent writer (another instance) wins harmlessly. */
export async function saveRunData(data: RunData): Promise<void> {
  const { meta, arrays } = await encodeRunData(data);
  await saveEncoded(data.runId, data.campaignId, meta, arrays);
}

export async function saveEncoded(runId: string, campaignId: string, meta: Buffer, arrays: Buffer): Promise<void> {
  try {
    await DashboardRunModel.create({ _id: new mongoose.Types.ObjectId(runId), campaignId: new mongoose.Types.ObjectId(campaignId), format: FORMAT, meta, arrays });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

/** lean() gives BSON Binary (or a Buffer, depending on the driver path): both to a Buffer. */
function toBuffer(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  const b = v as { buffer?: Uint8Array; value?: (asRaw?: boolean) => Uint8Array };
  if (b?.buffer instanceof Uint8Array) return Buffer.from(b.buffer.buffer, b.buffer.byteOffset, b.buffer.byteLength);
  throw new Error('dashboard_runs: unexpected binary value');
}
