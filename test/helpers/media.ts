import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** True when Debian's ffmpeg is installed (.ci/run installs it). */
export async function hasFfmpeg(): Promise<boolean> {
  try {
    await run('ffmpeg', ['-version']);
    return true;
  } catch {
    return false;
  }
}

export interface MediaFixtures {
  dir: string;
  /** 2 s VP8/Opus webm with title, artist and comment tags. */
  webm: Buffer;
  /** 2 s H.264/AAC mp4 with title and GPS location tags. */
  mp4: Buffer;
  /** 2 s AAC audio (m4a). */
  m4a: Buffer;
}

/** Small real recordings made with ffmpeg's test sources (nothing downloaded, nothing committed). */
export async function makeMediaFixtures(): Promise<MediaFixtures> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wv-media-fx-'));
  const src = ['-f', 'lavfi', '-i', 'testsrc=duration=2:size=160x120:rate=15', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2'];
  const tags = ['-metadata', 'title=Secret title', '-metadata', 'artist=Jane Doe', '-metadata', 'comment=recorded on Janes phone'];
  await run('ffmpeg', ['-v', 'error', '-y', ...src, '-c:v', 'libvpx', '-b:v', '200k', '-c:a', 'libopus', ...tags, path.join(dir, 'a.webm')]);
  await run('ffmpeg', ['-v', 'error', '-y', ...src, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', ...tags, '-metadata', 'location=+53.5511+009.9937/', path.join(dir, 'a.mp4')]);
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-c:a', 'aac', path.join(dir, 'a.m4a')]);
  return { dir, webm: await readFile(path.join(dir, 'a.webm')), mp4: await readFile(path.join(dir, 'a.mp4')), m4a: await readFile(path.join(dir, 'a.m4a')) };
}

/** The container tags ffprobe sees in a file (lower-cased keys). */
export async function containerTags(file: string): Promise<Record<string, string>> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format_tags:stream_tags', '-of', 'json', file]);
  const json = JSON.parse(stdout) as { format?: { tags?: Record<string, string> }; streams?: Array<{ tags?: Record<string, string> }> };
  const out: Record<string, string> = {};
  for (const tags of [json.format?.tags, ...(json.streams ?? []).map((s) => s.tags)]) {
    for (const [k, v] of Object.entries(tags ?? {})) out[k.toLowerCase()] = v;
  }
  return out;
}

/** A multipart body with one file part, as a browser sends it. */
export function multipartBody(file: Buffer, opts: { field?: string; filename?: string; type?: string } = {}): { body: Buffer; contentType: string } {
  const boundary = '----wvtestboundary7MA4YWxkTrZu0gW';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${opts.field ?? 'file'}"; filename="${opts.filename ?? 'answer.webm'}"\r\nContent-Type: ${opts.type ?? 'video/webm'}\r\n\r\n`,
  );
  return { body: Buffer.concat([head, file, Buffer.from(`\r\n--${boundary}--\r\n`)]), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Sends the first `sendBytes` of an upload that declares `body.length` bytes, then cuts the
 * connection (a phone losing its network mid-upload). Resolves once the socket is closed.
 */
export function abortedUpload(
  port: number,
  urlPath: string,
  headers: Record<string, string>,
  body: Buffer,
  sendBytes: number,
  beforeAbort: () => Promise<void> = async () => undefined,
): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) } });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.write(body.subarray(0, sendBytes), () =>
      setTimeout(() => {
        void beforeAbort().finally(() => req.destroy());
      }, 300),
    );
  });
}

/** Declares a huge body, sends only the headers, and returns the status the server answers with. */
export function declaredTooLarge(port: number, urlPath: string, headers: Record<string, string>, declared: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method: 'POST', headers: { ...headers, 'Content-Length': String(declared) } });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

/** Every file below `dir` (recursively), relative names. */
export async function filesIn(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
  } catch {
    return [];
  }
}
