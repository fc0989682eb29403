import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mongoose from 'mongoose';

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where media bytes live. Two implementations: GridFS (the design: app instances stay stateless)
 * and the file system (the embedded default on FerretDB 1.x, where GridFS works but every read
 * scans all chunks of all files — see README "Video answers"). Keys are generated here; the
 * original file name is never part of a key or path.
 */
export interface MediaStore {
  readonly kind: 'fs' | 'gridfs';
  /** Streams `source` into a new object. On any error (incl. an aborted source) nothing remains. */
  write(source: Readable | AsyncIterable<Buffer>): Promise<{ key: string; size: number }>;
  /** Streams the object, or an inclusive byte range of it. */
  read(key: string, range?: ByteRange): Readable;
  /** Size in bytes, or null when the object does not exist. */
  size(key: string): Promise<number | null>;
  /** Deletes the object; a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** File-system stores only: the object's path (ffmpeg reads it seekably). */
  localPath?(key: string): string;
  /** File-system stores only: `produce` writes a new object at the given path (e.g. ffmpeg's output). */
  writeWith?(produce: (file: string) => Promise<void>): Promise<{ key: string; size: number }>;
}

const KEY = /^[A-Za-z0-9_-]{16,64}$/;

/** Objects under `<root>/<first two key chars>/<key>`; a write goes to `<key>.part` and is renamed when complete. */
export class FileSystemMediaStore implements MediaStore {
  readonly kind = 'fs' as const;
  constructor(private readonly root: string) {}

  localPath(key: string): string {
    if (!KEY.test(key)) throw new Error('invalid media key');
    return path.join(this.root, key.slice(0, 2), key);
  }

  async write(source: Readable | AsyncIterable<Buffer>): Promise<{ key: string; size: number }> {
    return this.writeWith(async (file) => {
      const out = createWriteStream(file, { flags: 'wx' });
      try {
        await pipeline(source, out);
      } finally {
        // A source that fails before the file is open (a refused upload's first chunk) makes
        // pipeline reject while the open is still under way; the stream then creates the file and
        // closes it. Wait for that, or writeWith's clean-up runs first and an empty .part stays.
        if (!out.closed) await once(out, 'close').catch(() => undefined);
      }
    });
  }

  async writeWith(produce: (file: string) => Promise<void>): Promise<{ key: string; size: number }> {
    const key = randomBytes(18).toString('base64url');
    const final = this.localPath(key);
    const part = `${final}.part`;
    await mkdir(path.dirname(final), { recursive: true });
    try {
      await produce(part);
      await rename(part, final);
    } catch (err) {
      await rm(part, { force: true });
      throw err;
    }
    return { key, size: (await stat(final)).size };
  }

  read(key: string, range?: ByteRange): Readable {
    // 1 MiB reads: a quarter of the syscalls and event-loop turns of the 64 KiB default when
    // streaming a recording to a player (see docs/PERFORMANCE.md, Video answers).
    return createReadStream(this.localPath(key), { highWaterMark: 1024 * 1024, ...(range ? { start: range.start, end: range.end } : {}) });
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.localPath(key))).size;
    } catch {
      return null;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.localPath(key), { force: true });
  }
}

/** GridFS bucket `media` on the app's mongoose connection; keys are the files' ObjectId hex strings. */
export class GridFsMediaStore implements MediaStore {
  readonly kind = 'gridfs' as const;
  constructor(private readonly connection: mongoose.Connection = mongoose.connection) {}

  private bucket(): mongoose.mongo.GridFSBucket {
    const db = this.connection.db;
    if (!db) throw new Error('database not connected');
    return new mongoose.mongo.GridFSBucket(db, { bucketName: 'media' });
  }

  private id(key: string): mongoose.Types.ObjectId {
    if (!/^[a-f0-9]{24}$/.test(key)) throw new Error('invalid media key');
    return new mongoose.Types.ObjectId(key);
  }

  async write(source: Readable | AsyncIterable<Buffer>): Promise<{ key: string; size: number }> {
    const id = new mongoose.Types.ObjectId();
    const upload = this.bucket().openUploadStreamWithId(id, id.toHexString());
    try {
      await pipeline(source, upload);
    } catch (err) {
      // abort() removes the chunks written so far; a failed abort still leaves no files document,
      // and delete() below catches whatever chunks remain.
      await upload.abort().catch(() => undefined);
      await this.delete(id.toHexString()).catch(() => undefined);
      throw err;
    }
    return { key: id.toHexString(), size: upload.length };
  }

  /**
   * Reads the standard GridFS layout itself instead of `openDownloadStream`: the driver's stream
   * cannot set a cursor batch size, so each getMore buffered up to 16 MB of chunks per viewer
   * (measured +84 MB RSS during one upload's probe and remux). Here at most 8 chunks (2 MB) are in
   * flight, and only the chunks of the requested range are fetched.
   */
  read(key: string, range?: ByteRange): Readable {
    const id = this.id(key);
    const db = this.connection.db;
    if (!db) throw new Error('database not connected');
    async function* chunksOf(): AsyncGenerator<Buffer> {
      const file = await db!.collection('media.files').findOne({ _id: id });
      if (!file) throw Object.assign(new Error(`media ${id.toHexString()} not found`), { code: 'ENOENT' });
      const chunkSize = Number(file.chunkSize);
      const length = Number(file.length);
      const start = range?.start ?? 0;
      const end = Math.min(range ? range.end : length - 1, length - 1);
      if (length === 0 || end < start) return;
      const first = Math.floor(start / chunkSize);
      const last = Math.floor(end / chunkSize);
      const cursor = db!
        .collection('media.chunks')
        .find({ files_id: id, n: { $gte: first, $lte: last } })
        .sort({ n: 1 })
        .batchSize(8);
      let expected = first;
      for await (const chunk of cursor) {
        if (chunk.n !== expected) throw new Error(`media ${id.toHexString()}: chunk ${expected} missing`);
        const data = (chunk.data as mongoose.mongo.Binary).buffer;
        const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
        const offset = expected * chunkSize;
        yield buf.subarray(Math.max(start - offset, 0), Math.min(end - offset + 1, buf.length));
        expected += 1;
      }
      if (expected !== last + 1) throw new Error(`media ${id.toHexString()}: truncated at chunk ${expected}`);
    }
    return Readable.from(chunksOf(), { objectMode: false, highWaterMark: 1024 * 1024 });
  }

  async size(key: string): Promise<number | null> {
    const [file] = await this.bucket().find({ _id: this.id(key) }).limit(1).toArray();
    return file ? file.length : null;
  }

  async delete(key: string): Promise<void> {
    const id = this.id(key);
    try {
      await this.bucket().delete(id);
    } catch {
      // No files document (an aborted upload): remove stray chunks directly.
      await this.connection.db?.collection('media.chunks').deleteMany({ files_id: id });
    }
  }
}

/** True when the connected server is FerretDB (its buildInfo carries `ferretdbVersion`). */
export async function isFerretDb(connection: mongoose.Connection = mongoose.connection): Promise<boolean> {
  const info = await connection.db?.admin().command({ buildInfo: 1 }).catch(() => null);
  return Boolean(info && 'ferretdbVersion' in info);
}

/**
 * `auto`: GridFS on MongoDB; the file system under `<dataDir>/media` on FerretDB, where GridFS works
 * but cannot use the chunks index (every ranged read decodes all chunks of all media).
 */
export async function chooseMediaStore(choice: 'auto' | 'gridfs' | 'fs', dataDir: string): Promise<MediaStore> {
  const useFs = choice === 'fs' || (choice === 'auto' && (await isFerretDb()));
  return useFs ? new FileSystemMediaStore(path.join(dataDir, 'media')) : new GridFsMediaStore();
}
