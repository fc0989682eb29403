/**
 * One stored answer as a dashboard quote: its text and, for a video answer with a timed
 * transcript, the second where the quote's theme is said (the lead response page starts the
 * player there via `?t=<seconds>`).
 *
 * Video answers are built in parallel (src/media); their transcript is the answer's text for the
 * analysis, and the timed cues may be stored on the answer as `transcript.cues`, `cues` or
 * `transcript` (an array). This reads any of those shapes and degrades to a plain quote when
 * there are no cues.
 */

export interface Cue {
  start: number;
  text: string;
}

export interface Quote {
  text: string;
  video: boolean;
  /** Start of the transcript cue to play (seconds), when the answer has timed cues. */
  seconds?: number;
}

function asCues(value: unknown): Cue[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((c) => {
    const cue = c as { start?: unknown; startSeconds?: unknown; text?: unknown };
    const start = typeof cue.start === 'number' ? cue.start : typeof cue.startSeconds === 'number' ? cue.startSeconds : NaN;
    return Number.isFinite(start) && start >= 0 && typeof cue.text === 'string' ? [{ start, text: cue.text }] : [];
  });
}

export function cuesOf(answer: Record<string, unknown>): Cue[] {
  const transcript = answer.transcript as { cues?: unknown } | unknown[] | undefined;
  if (Array.isArray(transcript)) return asCues(transcript);
  const nested = asCues(transcript?.cues);
  return nested.length ? nested : asCues(answer.cues);
}

/** The cue where one of `patterns` (the code's lexicon cues) first matches; else the first cue. */
export function cueFor(cues: Cue[], patterns: RegExp[]): Cue | undefined {
  if (!cues.length) return undefined;
  return cues.find((c) => patterns.some((p) => p.test(c.text.toLowerCase()))) ?? cues[0];
}

export function quoteOf(raw: unknown, patterns: RegExp[]): Quote | null {
  if (!raw || typeof raw !== 'object') return null;
  const answer = raw as Record<string, unknown>;
  const cues = cuesOf(answer);
  const text = typeof answer.text === 'string' && answer.text.trim() ? answer.text : cues.map((c) => c.text).join(' ');
  if (!text.trim()) return null;
  const video = answer.mode === 'video' || answer.mode === 'audio' || Boolean(answer.mediaId);
  const cue = video ? cueFor(cues, patterns) : undefined;
  return { text, video, seconds: cue ? Math.round(cue.start * 10) / 10 : undefined };
}
