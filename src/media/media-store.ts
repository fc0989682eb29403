import { randomBytes } from 'node:crypto';
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
    return this.writeWith((file) => pipeline(source, createWriteStream(file, { flags: 'wx' })));
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

  read(key: string, range?: ByteRange): Readable {
    // The driver's `end` is exclusive.
    return this.bucket().openDownloadStream(this.id(key), range ? { start: range.start, end: range.end + 1 } : undefined);
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
