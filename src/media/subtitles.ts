import { AppError } from '../shared/errors.js';

/** One timed piece of a transcript; seconds from the start of the recording. */
export interface Cue {
  start: number;
  end: number;
  text: string;
}

export interface ParsedTranscript {
  format: 'vtt' | 'srt';
  cues: Cue[];
  /** The cues' text joined with spaces: the answer's text for the analysis. */
  text: string;
}

const MAX_CUES = 20_000;

function malformed(line: number, what: string): AppError {
  return new AppError(400, 'transcript_malformed', `The subtitle file is not valid WebVTT or SRT (line ${line}: ${what}). Export it again or type the transcript.`, {
    expose: true,
  });
}

/** `01:02:03.456`, `02:03.456` (WebVTT) or `01:02:03,456` (SRT) → seconds. */
function parseTimestamp(raw: string, format: 'vtt' | 'srt'): number | null {
  const re = format === 'srt' ? /^(\d{1,3}):([0-5]\d):([0-5]\d)[,.](\d{1,3})$/ : /^(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)\.(\d{3})$/;
  const m = re.exec(raw.trim());
  if (!m) return null;
  const [, h, min, s, ms] = m;
  return Number(h ?? 0) * 3600 + Number(min) * 60 + Number(s) + Number(ms.padEnd(3, '0')) / 1000;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', nbsp: ' ', lrm: '', rlm: '', quot: '"', apos: "'" };

/** Cue payload → plain text: tags (`<v Anna>`, `<i>`, `<00:01.000>`) removed, entities decoded. */
function plainText(lines: string[]): string {
  return lines
    .join(' ')
    .replace(/<[^>]*>/g, '')
    .replace(/\{\\[^}]*\}/g, '') // SRT's {\an8}-style position tags
    .replace(/&(amp|lt|gt|nbsp|lrm|rlm|quot|apos);/g, (_m, name: string) => ENTITIES[name] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Parses a WebVTT or SRT file (detected by the `WEBVTT` header). Strict enough to reject what is
 * not a subtitle file (with the line number), lenient about what players accept: missing SRT
 * counters, Windows line ends, a BOM, cue settings, styling tags.
 */
export function parseSubtitles(input: string): ParsedTranscript {
  const source = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = source.split('\n');
  const format: 'vtt' | 'srt' = /^WEBVTT(?:[ \t].*)?$/.test(lines[0] ?? '') ? 'vtt' : 'srt';
  if (format === 'srt' && /^WEBVTT/i.test(lines[0] ?? '')) throw malformed(1, 'the header must be "WEBVTT"');
  const cues: Cue[] = [];
  let i = format === 'vtt' ? 1 : 0;
  // WebVTT: the header block ends at the first blank line.
  if (format === 'vtt') while (i < lines.length && lines[i].trim() !== '') i += 1;
  while (i < lines.length) {
    while (i < lines.length && lines[i].trim() === '') i += 1;
    if (i >= lines.length) break;
    const blockStart = i;
    const block: string[] = [];
    while (i < lines.length && lines[i].trim() !== '') block.push(lines[i++]);
    if (format === 'vtt' && /^(NOTE|STYLE|REGION)(\s|$)/.test(block[0])) continue;
    const t = block.findIndex((l) => l.includes('-->'));
    if (t < 0 || t > 1) throw malformed(blockStart + 1, 'expected a timing line like "00:00:01.000 --> 00:00:04.000"');
    if (format === 'srt' && t === 1 && !/^\d+$/.test(block[0].trim())) throw malformed(blockStart + 1, 'expected a cue number');
    const [rawStart, rest] = block[t].split('-->');
    const rawEnd = (rest ?? '').trim().split(/\s+/)[0] ?? '';
    const start = parseTimestamp(rawStart, format);
    const end = parseTimestamp(rawEnd, format);
    if (start === null || end === null) throw malformed(blockStart + t + 1, `invalid timestamp in "${block[t].trim().slice(0, 60)}"`);
    if (end < start) throw malformed(blockStart + t + 1, 'the cue ends before it starts');
    const text = plainText(block.slice(t + 1));
    if (!text) continue;
    cues.push({ start, end, text });
    if (cues.length > MAX_CUES) throw malformed(blockStart + 1, `more than ${MAX_CUES} cues`);
  }
  if (cues.length === 0) throw malformed(lines.length, 'no cues with text found');
  cues.sort((a, b) => a.start - b.start);
  return { format, cues, text: cues.map((c) => c.text).join(' ') };
}
