import type mongoose from 'mongoose';
import { ParticipantModel, type ParticipantRecord } from './participant.model.js';

/** How other features read participants: the participants feature alone knows its collection. */

/** Streams a campaign's participants with the given fields (identified exports). */
export async function* streamParticipants<T extends { _id: unknown }>(campaignId: mongoose.Types.ObjectId, fields: Record<string, 0 | 1>): AsyncGenerator<T> {
  const cursor = ParticipantModel.find({ campaignId }, fields).lean<T>().cursor({ batchSize: 1000 });
  try {
    for await (const row of cursor) yield row as T;
  } finally {
    await cursor.close().catch(() => undefined);
  }
}

/** One participant's record, or null (access requests). */
export async function participantRecord(id: mongoose.Types.ObjectId): Promise<ParticipantRecord | null> {
  return ParticipantModel.findById(id).lean<ParticipantRecord>();
}
