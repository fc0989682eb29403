import { fileTypeFromBuffer } from 'file-type';
import { AppError } from '../shared/errors.js';

/** What an upload turned out to be, from its first bytes (never the client's type or file name). */
export interface SniffedType {
  /** Container as stored and served. */
  mime: string;
  ext: string;
  /** Containers that only ever hold audio; webm/mp4/mov may be either (decided by ffprobe or the respondent's choice). */
  audioOnlyContainer: boolean;
}

/**
 * Accepted containers by file-type's result. file-type reads the buffered head of the upload
 * (`fileTypeFromBuffer` on the first 4100 bytes the stream delivered), so detection needs no
 * temporary file and no whole-file buffer.
 */
const ACCEPTED: Record<string, SniffedType> = {
  'video/webm': { mime: 'video/webm', ext: 'webm', audioOnlyContainer: false },
  'audio/webm': { mime: 'audio/webm', ext: 'webm', audioOnlyContainer: true },
  'video/mp4': { mime: 'video/mp4', ext: 'mp4', audioOnlyContainer: false },
  'video/quicktime': { mime: 'video/quicktime', ext: 'mov', audioOnlyContainer: false },
  'audio/x-m4a': { mime: 'audio/mp4', ext: 'm4a', audioOnlyContainer: true },
  'audio/mp4': { mime: 'audio/mp4', ext: 'm4a', audioOnlyContainer: true },
  'audio/mpeg': { mime: 'audio/mpeg', ext: 'mp3', audioOnlyContainer: true },
  'audio/ogg': { mime: 'audio/ogg', ext: 'ogg', audioOnlyContainer: true },
  'audio/opus': { mime: 'audio/ogg', ext: 'ogg', audioOnlyContainer: true },
  'audio/ogg; codecs=opus': { mime: 'audio/ogg', ext: 'ogg', audioOnlyContainer: true },
};

/** Bytes file-type needs at most to decide (its documented sample size). */
export const SNIFF_BYTES = 4100;

export async function sniffMedia(head: Buffer): Promise<SniffedType> {
  if (head.length === 0) throw new AppError(400, 'media_empty', 'The file is empty. Record again or choose another file.', { expose: true });
  const found = await fileTypeFromBuffer(head);
  const accepted = found ? ACCEPTED[found.mime] : undefined;
  if (!accepted) {
    throw new AppError(415, 'media_type', 'This file is not a supported video or audio file (mp4, webm, mov, m4a, mp3, ogg).', { expose: true });
  }
  return accepted;
}

/**
 * Passes `source` through while checking it: the head is sniffed before anything is yielded (so
 * a wrong type stores nothing) and the byte count is enforced as bytes arrive (so an oversized
 * upload stops at the limit, whatever Content-Length said).
 */
export async function* checkedStream(
  source: AsyncIterable<Buffer>,
  maxBytes: number,
  onType: (t: SniffedType) => void,
): AsyncGenerator<Buffer> {
  let total = 0;
  let head: Buffer[] | null = [];
  let headBytes = 0;
  const tooLarge = () =>
    new AppError(413, 'media_too_large', `The file is larger than ${Math.floor(maxBytes / 1024 / 1024)} MB. Record a shorter answer or compress the file.`, {
      expose: true,
    });
  for await (const chunk of source) {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge();
    if (head) {
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes < SNIFF_BYTES) continue;
      const buffered: Buffer = Buffer.concat(head);
      head = null;
      onType(await sniffMedia(buffered.subarray(0, SNIFF_BYTES)));
      yield buffered;
    } else {
      yield chunk;
    }
  }
  if (head) {
    const buffered = Buffer.concat(head);
    onType(await sniffMedia(buffered));
    yield buffered;
  }
}
