import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

/**
 * ffprobe/ffmpeg (Debian's `ffmpeg` package) when installed: the recording's duration and
 * whether it has a picture, and a remux that drops the container's metadata. Without them
 * uploads are stored as they came (README "Video answers" says what that means).
 */
let available: Promise<boolean> | undefined;
export function ffmpegAvailable(): Promise<boolean> {
  available ??= new Promise((resolve) => {
    const p = spawn('ffprobe', ['-version'], { stdio: 'ignore' });
    p.on('error', () => resolve(false));
    p.on('close', (code) => resolve(code === 0));
  });
  return available;
}

export interface Probe {
  durationSec: number | null;
  hasVideo: boolean;
  hasAudio: boolean;
}

function run(cmd: string, args: string[], input?: Readable): Promise<{ stdout: string; code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    p.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    p.on('error', reject);
    p.on('close', (code) => resolve({ stdout, stderr, code: code ?? 1 }));
    if (input && p.stdin) {
      // ffprobe stops reading early; a closed pipe is not an error here.
      p.stdin.on('error', () => undefined);
      input.on('error', () => p.stdin?.destroy());
      input.pipe(p.stdin);
    }
  });
}

/**
 * Probes a file path, or a stream (`pipe:0`) when the store has no local file. A browser's
 * MediaRecorder writes webm without a duration in the header; then the last packet's time is
 * the duration (a demux-only pass over the file, no decoding).
 */
export async function probe(input: string | (() => Readable)): Promise<Probe | null> {
  const target = typeof input === 'string' ? input : 'pipe:0';
  const args = ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,duration', '-of', 'json', target];
  const { stdout, code } = await run('ffprobe', args, typeof input === 'string' ? undefined : input());
  if (code !== 0) return null;
  let result: Probe;
  try {
    const json = JSON.parse(stdout) as { format?: { duration?: string }; streams?: Array<{ codec_type?: string; duration?: string }> };
    const streams = json.streams ?? [];
    let duration = Number(json.format?.duration);
    if (!Number.isFinite(duration)) duration = Math.max(0, ...streams.map((s) => Number(s.duration)).filter(Number.isFinite));
    result = {
      durationSec: Number.isFinite(duration) && duration > 0 ? duration : null,
      hasVideo: streams.some((s) => s.codec_type === 'video'),
      hasAudio: streams.some((s) => s.codec_type === 'audio'),
    };
  } catch {
    return null;
  }
  if (result.durationSec === null) {
    const packets = await run('ffprobe', ['-v', 'error', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', target], typeof input === 'string' ? undefined : input());
    let last = 0;
    for (const line of packets.stdout.split('\n')) {
      const [pts, dur] = line.split(',').map(Number);
      if (Number.isFinite(pts)) last = Math.max(last, pts + (Number.isFinite(dur) ? dur : 0));
    }
    if (last > 0) result.durationSec = last;
  }
  return result;
}

/** ffmpeg muxer for a container we accept. */
function muxerFor(ext: string): string {
  if (ext === 'webm') return 'webm';
  if (ext === 'mp3') return 'mp3';
  if (ext === 'ogg') return 'ogg';
  if (ext === 'm4a') return 'ipod';
  if (ext === 'mov') return 'mov';
  return 'mp4';
}

/**
 * The remux arguments: copy every audio/video stream unchanged (no re-encoding; with `dropVideo` the picture is left out), drop global and
 * per-stream metadata (title, artist, comment, creation_time, location/GPS, encoder, handler
 * names) and chapters, and leave out data/subtitle/attachment streams (e.g. a phone's timed GPS
 * track). `output` is a file path (seekable: mp4 gets its index at the front, webm gets cues)
 * or `pipe:1` (mp4 is then written fragmented, webm without cues).
 */
export function remuxArgs(input: string, output: string, ext: string, dropVideo = false): string[] {
  const muxer = muxerFor(ext);
  const mp4 = muxer === 'mp4' || muxer === 'mov' || muxer === 'ipod';
  const movflags = mp4 ? ['-movflags', output === 'pipe:1' ? 'frag_keyframe+empty_moov+default_base_moof' : '+faststart'] : [];
  return [
    // -xerror: a damaged or unseekable input (an mp4 with its index at the end, read from a pipe)
    // must fail the remux; without it ffmpeg exits 0 with a truncated file.
    '-v', 'error', '-nostdin', '-y', '-xerror',
    '-i', input,
    ...(dropVideo ? [] : ['-map', '0:v?']), '-map', '0:a?',
    '-map_metadata', '-1', '-map_metadata:s', '-1', '-map_chapters', '-1',
    '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact',
    '-c', 'copy',
    ...movflags,
    '-f', muxer, output,
  ];
}

/** Remuxes `input` (path or stream) into `output` (path or `pipe:1` → `sink`); rejects with ffmpeg's message. */
export function remux(input: string | Readable, output: string, ext: string, dropVideo = false, onStdout?: (stdout: Readable) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('ffmpeg', remuxArgs(typeof input === 'string' ? input : 'pipe:0', output, ext, dropVideo), {
      stdio: [typeof input === 'string' ? 'ignore' : 'pipe', output === 'pipe:1' ? 'pipe' : 'ignore', 'pipe'],
    });
    let stderr = '';
    p.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
    if (typeof input !== 'string' && p.stdin) {
      p.stdin.on('error', () => undefined);
      input.on('error', () => p.kill('SIGKILL'));
      input.pipe(p.stdin);
    }
    if (output === 'pipe:1' && p.stdout && onStdout) onStdout(p.stdout);
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${String(code)}: ${stderr.trim()}`))));
  });
}
