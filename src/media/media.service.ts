import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import type mongoose from 'mongoose';
import { AppError, notFound } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { FileSystemMediaStore, GridFsMediaStore, type MediaStore } from './media-store.js';
import { MediaModel, type MediaRecord } from './media.model.js';
import { ffmpegAvailable, probe, remux } from './remux.js';
import { checkedStream, type SniffedType } from './sniff.js';
import type { Cue } from './subtitles.js';
import type { Transcriber } from './transcriber.js';
import { isDuplicateKey } from '../db/mongo.js';
import { parseId } from '../shared/ids.js';

export interface MediaOptions {
  store: MediaStore;
  maxBytes: number;
  maxSeconds: number;
  transcriber?: Transcriber;
  logger?: Logger;
  /** false: never run ffmpeg (tests of the plain path); default: use it when installed. */
  useFfmpeg?: boolean;
}

export type MediaDoc = MediaRecord & { _id: string; createdAt?: Date };

export interface MediaView {
  id: string;
  kind: 'video' | 'audio';
  mime: string;
  size: number;
  durationSec?: number;
  metadataStripped: boolean;
  transcription: { status: string; text: string };
}

export function mediaView(m: MediaDoc): MediaView {
  return {
    id: m._id,
    kind: m.kind as 'video' | 'audio',
    mime: m.mime,
    size: m.size,
    durationSec: m.durationSec ?? undefined,
    metadataStripped: Boolean(m.metadataStripped),
    transcription: { status: m.transcription?.status ?? 'none', text: m.transcription?.text ?? '' },
  };
}

/**
 * The stores by kind (registered by createApp), so any code path (deleting a response, the
 * retention purge) can delete a recording, and one stored by an earlier configuration (e.g.
 * GridFS before switching to the file system) can still be read and deleted.
 */
const stores: Partial<Record<'fs' | 'gridfs', MediaStore>> = {};

export function configureMedia(opts: MediaOptions): MediaOptions {
  stores[opts.store.kind] = opts.store;
  stores.gridfs ??= new GridFsMediaStore();
  return opts;
}


/**
 * Whether uploads get their metadata removed (and their length checked): ffmpeg/ffprobe
 * installed and not switched off. The admin pages say once what it means when not.
 */
export function mediaToolsAvailable(opts: Pick<MediaOptions, 'useFfmpeg'>): Promise<boolean> {
  return opts.useFfmpeg === false ? Promise.resolve(false) : ffmpegAvailable();
}

/** How many stored recordings still carry the metadata they were uploaded with. */
export function countRecordingsWithMetadata(): Promise<number> {
  return MediaModel.countDocuments({ metadataStripped: false });
}

function storeOf(m: Pick<MediaDoc, 'store'>): MediaStore {
  const store = stores[m.store as 'fs' | 'gridfs'];
  if (!store) throw new AppError(503, 'media_store_unavailable', 'This recording is kept in a media store that is not configured here.', { expose: true });
  return store;
}


/** Media `_id`: random, or derived from the device and the client's idempotency key (a retry finds the first upload). */
export function mediaIdFor(ownerKey: string, idempotencyKey?: string): string {
  if (!idempotencyKey) return `m_${randomBytes(18).toString('base64url')}`;
  return `m_${createHash('sha256').update(`${ownerKey}\n${idempotencyKey}`).digest('base64url').slice(0, 32)}`;
}

export async function findMedia(id: string): Promise<MediaDoc | null> {
  if (!parseId('media', id)) return null;
  return MediaModel.findById(id).lean<MediaDoc>();
}

export interface UploadInput {
  campaignId: mongoose.Types.ObjectId;
  ownerKey: string;
  questionKey: string;
  mediaId: string;
  source: AsyncIterable<Buffer>;
  originalName: string;
  /** The respondent chose an audio-only answer: a picture in the file is dropped (ffmpeg) or refused. */
  audioOnly: boolean;
}

/**
 * Stores one upload: magic bytes and size checked while streaming into the store, then (with
 * ffmpeg) duration checked and the container remuxed without metadata, then the media document
 * inserted. Any failure removes what was written. Pointing a draft's answer at it is the
 * responses feature's part (storeRecording in src/responses/response.recordings.ts).
 */
export async function storeUpload(opts: MediaOptions, input: UploadInput): Promise<{ media: MediaDoc; repeated: boolean }> {
  const store = opts.store;
  let type: SniffedType | undefined;
  const written = await store.write(checkedStream(input.source, opts.maxBytes, (t) => (type = t)));
  let key = written.key;
  let size = written.size;
  try {
    if (!type) throw new AppError(400, 'media_empty', 'The file is empty. Record again or choose another file.', { expose: true });
    let mime = type.mime;
    let ext = type.ext;
    let kind: 'video' | 'audio' = type.audioOnlyContainer || input.audioOnly ? 'audio' : 'video';
    let durationSec: number | undefined;
    let stripped = false;
    if (opts.useFfmpeg !== false && (await ffmpegAvailable())) {
      const info = await probe(store.localPath ? store.localPath(key) : () => store.read(key));
      if (!info || (!info.hasAudio && !info.hasVideo)) {
        throw new AppError(400, 'media_unreadable', 'The recording could not be read (it may be damaged or incomplete). Record again or choose another file.', { expose: true });
      }
      if (info.durationSec !== null && info.durationSec > opts.maxSeconds + 1) {
        throw new AppError(413, 'media_too_long', `The recording is longer than ${Math.round(opts.maxSeconds / 60)} minutes. Record a shorter answer.`, { expose: true });
      }
      durationSec = info.durationSec ?? undefined;
      const dropVideo = info.hasVideo && input.audioOnly;
      kind = info.hasVideo && !dropVideo ? 'video' : 'audio';
      if (!info.hasAudio && kind === 'audio') throw new AppError(400, 'media_unreadable', 'The recording has no sound. Check the microphone and record again.', { expose: true });
      if (kind === 'audio' && !type.audioOnlyContainer) {
        mime = type.ext === 'webm' ? 'audio/webm' : 'audio/mp4';
        ext = type.ext === 'webm' ? 'webm' : 'm4a';
      }
      try {
        const clean = await remuxInStore(store, key, ext, dropVideo);
        await store.delete(key);
        key = clean.key;
        size = clean.size;
        stripped = true;
      } catch (err) {
        if (dropVideo) throw new AppError(400, 'media_unreadable', 'The picture could not be removed from this file. Choose an audio file instead.', { expose: true, cause: err });
        opts.logger?.warn({ err }, 'media: remux failed; stored as uploaded (metadata not stripped)');
      }
    } else if (input.audioOnly && !type.audioOnlyContainer && type.ext !== 'webm') {
      // Without ffmpeg we cannot look inside mp4/mov: an audio-only answer must be an audio file.
      throw new AppError(415, 'media_audio_expected', 'For an audio-only answer choose an audio file (m4a, mp3, ogg, webm).', { expose: true });
    }
    const doc = {
      _id: input.mediaId,
      campaignId: input.campaignId,
      ownerKey: input.ownerKey,
      questionKey: input.questionKey,
      storageKey: key,
      store: store.kind,
      kind,
      mime,
      ext,
      size,
      durationSec,
      originalName: input.originalName.slice(0, 200),
      metadataStripped: stripped,
      transcription: { status: (opts.transcriber ? 'pending' : 'none') as 'pending' | 'none' },
    };
    try {
      await MediaModel.create(doc);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // The same upload (same idempotency key) finished first: keep that one.
      await store.delete(key).catch(() => undefined);
      const first = await findMedia(input.mediaId);
      if (!first) throw err;
      return { media: first, repeated: true };
    }
    const media = (await findMedia(input.mediaId))!;
    return { media, repeated: false };
  } catch (err) {
    await store.delete(key).catch(() => undefined);
    throw err;
  }
}

async function remuxInStore(store: MediaStore, key: string, ext: string, dropVideo: boolean): Promise<{ key: string; size: number }> {
  const outExt = dropVideo && ext !== 'webm' ? 'm4a' : ext;
  if (store.localPath && store.writeWith) {
    const input = store.localPath(key);
    return store.writeWith((file) => remux(input, file, outExt, dropVideo));
  }
  // GridFS: ffmpeg reads from and writes to pipes (mp4 becomes fragmented; webm has no cues).
  const out = new PassThrough();
  const done = remux(store.read(key), 'pipe:1', outExt, dropVideo, (stdout) => stdout.pipe(out));
  const writing = store.write(out);
  try {
    await done;
  } catch (err) {
    out.destroy(err as Error);
    await writing.then((w) => store.delete(w.key)).catch(() => undefined);
    throw err;
  }
  return writing;
}

/** Deletes recordings (documents and bytes). Missing ones are skipped. */
export async function deleteMedia(ids: string[]): Promise<void> {
  for (const id of ids) {
    const media = await findMedia(id);
    if (!media) continue;
    await storeOf(media).delete(media.storageKey);
    await MediaModel.deleteOne({ _id: id });
  }
}

/** The recordings of a stored answer set (for deleting a response). */
export function mediaIdsOf(answers: Record<string, { mediaId?: string | null } | undefined>): string[] {
  return Object.values(answers)
    .map((a) => a?.mediaId)
    .filter((id): id is string => typeof id === 'string' && id.length > 0);
}

/** Retention purge: every recording of a campaign. */
export async function deleteMediaOfCampaign(campaignId: mongoose.Types.ObjectId): Promise<number> {
  const docs = await MediaModel.find({ campaignId }, { _id: 1 }).lean<Array<{ _id: string }>>();
  await deleteMedia(docs.map((d) => d._id));
  return docs.length;
}

/** Opens a recording for streaming. */
export async function openMedia(media: MediaDoc): Promise<{ size: number; read: (range?: { start: number; end: number }) => Readable }> {
  const store = storeOf(media);
  const size = await store.size(media.storageKey);
  if (size === null) throw notFound('Recording');
  return { size, read: (range) => store.read(media.storageKey, range) };
}

/**
 * Automatic transcription (TRANSCRIBE_URL): runs after the upload answered, marks the media
 * `done` or `failed`, and hands the transcript to `onDone` — the responses feature fills the
 * answer's text there, where the respondent left it empty (src/responses/response.recordings.ts).
 */
export async function transcribeInBackground(opts: MediaOptions, mediaId: string, onDone: (media: MediaDoc, result: { text: string; cues: Cue[] }) => Promise<void>): Promise<void> {
  if (!opts.transcriber) return;
  const media = await findMedia(mediaId);
  if (!media) return;
  try {
    const { size, read } = await openMedia(media);
    if (size === 0) throw new Error('empty recording');
    const result = await opts.transcriber({ stream: read(), filename: `${media._id}.${media.ext}`, mime: media.mime });
    await MediaModel.updateOne(
      { _id: mediaId },
      { $set: { transcription: { status: 'done', text: result.text, cues: result.cues, error: '', at: new Date() } } },
    );
    await onDone(media, result);
  } catch (err) {
    opts.logger?.warn({ err, mediaId }, 'media: automatic transcription failed');
    await MediaModel.updateOne(
      { _id: mediaId },
      { $set: { 'transcription.status': 'failed', 'transcription.error': String((err as Error).message ?? err).slice(0, 300), 'transcription.at': new Date() } },
    ).catch(() => undefined);
  }
}

/** A store for the configuration (used by server.ts and the benchmark). */
export { FileSystemMediaStore, GridFsMediaStore };

/** The media documents of a response's answers, by id (lead page: player type, transcription status). */
export async function mediaOfAnswers(answers: Record<string, { mediaId?: string }>): Promise<Record<string, MediaView>> {
  const out: Record<string, MediaView> = {};
  for (const id of mediaIdsOf(answers)) {
    const m = await findMedia(id);
    if (m) out[id] = mediaView(m);
  }
  return out;
}
