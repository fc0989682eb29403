import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { Cue } from './subtitles.js';

export interface TranscriberOptions {
  /** Full URL of an OpenAI-compatible `/v1/audio/transcriptions` endpoint. */
  url: string;
  model: string;
  apiKey?: string;
  /** Give up after this long (a 10-minute recording takes a CPU-only Whisper server a while). */
  timeoutMs?: number;
}

export interface Transcript {
  text: string;
  cues: Cue[];
}

export type Transcriber = (media: { stream: Readable; filename: string; mime: string; lang?: string }) => Promise<Transcript>;

// `verbose_json` as OpenAI and whisper.cpp/faster-whisper servers return it; servers that only
// know `json` send `{ text }`, which is fine too (no cue times then).
const responseSchema = z.object({
  text: z.string(),
  segments: z.array(z.object({ start: z.number(), end: z.number(), text: z.string() })).optional(),
});

/**
 * Client for an OpenAI-compatible transcription endpoint. The media is streamed into the
 * multipart body (no whole-file buffer); the answer's segments become transcript cues.
 */
export function createTranscriber(opts: TranscriberOptions): Transcriber {
  return async ({ stream, filename, mime, lang }) => {
    const boundary = `----wv${randomBytes(12).toString('hex')}`;
    const field = (name: string, value: string) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
    async function* body(): AsyncGenerator<Buffer> {
      yield field('model', opts.model);
      yield field('response_format', 'verbose_json');
      if (lang) yield field('language', lang);
      yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"\r\nContent-Type: ${mime}\r\n\r\n`);
      for await (const chunk of stream) yield chunk as Buffer;
      yield Buffer.from(`\r\n--${boundary}--\r\n`);
    }
    const res = await fetch(opts.url, {
      method: 'POST',
      headers: {
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        Accept: 'application/json',
        ...(opts.apiKey ? { Authorization: `Bearer ${opts.apiKey}` } : {}),
      },
      // undici streams an async iterable body; `duplex` is required for streamed bodies.
      body: body() as unknown as RequestInit['body'],
      duplex: 'half',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30 * 60_000),
    } as RequestInit & { duplex: 'half' });
    if (!res.ok) throw new Error(`transcription service answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    const parsed = responseSchema.parse(await res.json());
    const cues = (parsed.segments ?? []).map((s) => ({ start: s.start, end: s.end, text: s.text.trim() })).filter((c) => c.text);
    return { text: parsed.text.trim(), cues };
  };
}
