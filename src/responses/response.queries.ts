import type mongoose from 'mongoose';
import { forgetResponseOrder } from './response-list.js';
import { isFerretDb } from '../db/engine.js';
import { DraftModel, ResponseModel, type ResponseRecord } from './response.model.js';

/**
 * How other features read (and, for erasure and retention, remove) submitted responses: small
 * query functions, so the responses feature alone knows its collections and their indexes.
 */

/** Streams a campaign's submitted responses with the given fields, in batches (one `{campaignId}` query). */
export async function* streamResponses<T extends { _id: string }>(campaignId: mongoose.Types.ObjectId, fields: Record<string, 0 | 1>, batchSize = 1000): AsyncGenerator<T> {
  const cursor = ResponseModel.find({ campaignId }, fields).lean<T>().cursor({ batchSize });
  try {
    for await (const row of cursor) yield row as T;
  } finally {
    await cursor.close().catch(() => undefined);
  }
}

/**
 * Responses by id, with the given fields, as one call. On MongoDB one `$in`; on FerretDB (which
 * pushes only exact `_id` lookups down to SQLite) indexed `_id` lookups, ten at a time — an `$in`
 * there would read the whole collection for a page of quotes.
 */
export async function responsesByIds<T extends { _id: string }>(ids: readonly string[], fields: Record<string, 0 | 1>, campaignId?: mongoose.Types.ObjectId): Promise<Map<string, T>> {
  const unique = [...new Set(ids)];
  const out = new Map<string, T>();
  if (!unique.length) return out;
  const keep = (row: T | null) => {
    if (!row) return;
    if (campaignId && String((row as { campaignId?: unknown }).campaignId) !== String(campaignId)) return;
    out.set(String(row._id), row);
  };
  const projection = campaignId ? { ...fields, campaignId: 1 as const } : fields;
  if (await isFerretDb()) {
    for (let i = 0; i < unique.length; i += 10)
      (await Promise.all(unique.slice(i, i + 10).map((id) => ResponseModel.findById(id, projection).lean<T>()))).forEach(keep);
  } else {
    (await ResponseModel.collection.find<T>({ _id: { $in: unique } } as Record<string, unknown>, { projection }).toArray()).forEach(keep);
  }
  return out;
}

/** Whether a submitted response with this id exists (a recording of a draft is not a response's yet). */
export async function responseExists(id: string): Promise<boolean> {
  return (await ResponseModel.exists({ _id: id })) !== null;
}

/** Every response given through a participant's personal link (identified campaigns), in full. */
export async function responsesOfParticipant(participantId: mongoose.Types.ObjectId): Promise<ResponseRecord[]> {
  return ResponseModel.find({ participantId }).lean<ResponseRecord[]>();
}

/** Retention: removes every response and draft of a campaign; returns how many responses went. */
export async function purgeCampaignResponses(campaignId: mongoose.Types.ObjectId): Promise<number> {
  const res = await ResponseModel.deleteMany({ campaignId });
  forgetResponseOrder(campaignId);
  await DraftModel.deleteMany({ campaignId });
  return res.deletedCount ?? 0;
}
