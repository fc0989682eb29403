import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import multer from 'multer';
import { AppError } from '../shared/errors.js';
import { openMedia, type MediaDoc } from './media.service.js';
import { parseRange } from './range.js';

/**
 * Streams a recording with HTTP Range semantics: 200 (whole file) without a usable Range, 206
 * with Content-Range for one satisfiable range, 416 with `Content-Range: bytes * /size` otherwise.
 * Callers have authorized the request before this sends the first byte.
 */
export async function sendMedia(req: Request, res: Response, media: MediaDoc): Promise<void> {
  const { size, read } = await openMedia(media);
  res.set({
    'Accept-Ranges': 'bytes',
    'Content-Type': media.mime,
    'Content-Disposition': 'inline',
    // The bytes never change under an id: a weak validator lets the browser revalidate cheaply.
    ETag: `"${media._id}-${size}"`,
  });
  const range = parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    res.status(416).set('Content-Range', `bytes */${size}`).end();
    return;
  }
  if (range) {
    res.status(206).set({ 'Content-Range': `bytes ${range.start}-${range.end}/${size}`, 'Content-Length': String(range.end - range.start + 1) });
  } else {
    res.status(200).set('Content-Length', String(size));
  }
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return;
  }
  try {
    await pipeline(read(range ?? undefined), res);
  } catch (err) {
    // A viewer seeking away closes the connection mid-stream: normal, not an error.
    if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE' || res.destroyed) return;
    throw err;
  }
}

/** Subtitle files (WebVTT/SRT) are small text: parsed in memory, at most 2 MB. */
export const subtitleUpload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 2 * 1024 * 1024, files: 1, fields: 5 } }).single('subtitles');

/** multer's errors as our errors (clear message, right status). */
export function uploadError(err: unknown, maxBytes: number): unknown {
  if (err instanceof multer.MulterError) {
    if (err.code === 'LIMIT_FILE_SIZE') {
      return new AppError(413, 'media_too_large', `The file is larger than ${Math.floor(maxBytes / 1024 / 1024)} MB. Record a shorter answer or compress the file.`, { expose: true });
    }
    return new AppError(400, 'upload_invalid', 'The upload was not understood. Choose the file again and retry.', { expose: true, cause: err });
  }
  if (err instanceof Error && /Request (aborted|closed)|Unexpected end of form/i.test(err.message)) {
    return new AppError(400, 'upload_aborted', 'The upload was interrupted. Retry when the connection is back.', { expose: true, cause: err });
  }
  return err;
}

/** Reads the bytes of a subtitle upload as UTF-8 (BOM tolerated), refusing binary files. */
export function subtitleText(file: Express.Multer.File | undefined): string {
  if (!file || file.size === 0) throw new AppError(400, 'transcript_missing', 'Choose a WebVTT (.vtt) or SRT (.srt) file.', { expose: true });
  if (file.buffer.includes(0)) throw new AppError(400, 'transcript_malformed', 'This is not a subtitle text file. Choose a .vtt or .srt file.', { expose: true });
  return file.buffer.toString('utf8');
}
