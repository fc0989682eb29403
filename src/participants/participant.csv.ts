import { parse } from 'csv-parse/sync';
import { Parser } from '@json2csv/plainjs';
import { z } from 'zod';
import type { MessageKey } from '../shared/i18n/index.js';

/** Bounds of one import (issue 4): more would make the preview page and one request too big. */
export const IMPORT_LIMITS = { maxRows: 20_000, maxBytes: 5 * 1024 * 1024, maxErrorsShown: 500, name: 200, email: 254 } as const;

export interface ImportRow {
  /** 1-based line in the input where the row starts (the header is line 1). */
  line: number;
  email: string;
  name: string;
  lang: '' | 'de' | 'en';
  /** Segment key → option key. */
  segments: Record<string, string>;
}

export interface ImportIssue {
  /** 0 = the whole input (e.g. not UTF-8, no header). */
  line: number;
  /** Column as written in the header, when the issue is about one value. */
  column?: string;
  message: MessageKey;
  params?: Record<string, string | number>;
}

export interface ParsedImport {
  rows: ImportRow[];
  errors: ImportIssue[];
  /** Header columns that were not recognised and are ignored (shown as a hint, not an error). */
  ignoredColumns: string[];
  /** Segment key → header column it was read from. */
  segmentColumns: Record<string, string>;
  delimiter: ',' | ';';
}

const emailSchema = z.email();

type Localized = { de?: string | null; en?: string | null } | null | undefined;
/** The part of a campaign the parser needs (a stored campaign or a plain template both fit). */
export interface SegmentDef {
  key: string;
  label?: Localized;
  options: readonly { key: string; label?: Localized }[];
}
type WithSegments = { segments: readonly SegmentDef[] };

const norm = (s: string) => s.normalize('NFC').trim().toLowerCase();
const EMAIL_HEADERS = new Set(['email', 'e-mail', 'mail', 'e-mail-adresse', 'email address', 'e-mail address']);
const NAME_HEADERS = new Set(['name', 'vollständiger name', 'full name']);
const LANG_HEADERS = new Set(['lang', 'language', 'sprache']);

/**
 * Decodes an uploaded file as UTF-8, refusing anything that is not (a Latin-1 export from an old
 * spreadsheet would otherwise turn "Müller" into "M�ller" silently). Returns null when invalid.
 */
export function decodeUtf8(buf: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buf);
  } catch {
    return null;
  }
}

/** `;` (German Excel) or `,`: whichever occurs more often in the header line, outside quotes. */
function detectDelimiter(text: string): ',' | ';' {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ',') commas++;
    else if (!quoted && ch === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

type ColumnRole = { kind: 'email' } | { kind: 'name' } | { kind: 'lang' } | { kind: 'segment'; key: string } | { kind: 'ignored' };

function mapHeader(header: string[], campaign: WithSegments): { roles: ColumnRole[]; errors: ImportIssue[] } {
  const errors: ImportIssue[] = [];
  const seen = new Map<string, string>();
  const roles = header.map((raw): ColumnRole => {
    const h = norm(raw);
    let role: ColumnRole = { kind: 'ignored' };
    if (EMAIL_HEADERS.has(h)) role = { kind: 'email' };
    else if (NAME_HEADERS.has(h)) role = { kind: 'name' };
    else if (LANG_HEADERS.has(h)) role = { kind: 'lang' };
    else {
      const seg = campaign.segments.find((s) => norm(s.key) === h || norm(s.label?.de ?? '') === h || norm(s.label?.en ?? '') === h);
      if (seg) role = { kind: 'segment', key: seg.key };
    }
    if (role.kind !== 'ignored') {
      const id = role.kind === 'segment' ? `segment:${role.key}` : role.kind;
      const earlier = seen.get(id);
      if (earlier !== undefined) errors.push({ line: 1, column: raw, message: 'participants.import.error.duplicate_column', params: { column: raw, other: earlier } });
      seen.set(id, raw);
    }
    return role;
  });
  return { roles, errors };
}

/** Matches a cell to an option key, or to its German or English label (case-insensitive). */
function matchOption(segment: SegmentDef, value: string): string | undefined {
  const v = norm(value);
  return segment.options.find((o) => norm(o.key) === v || norm(o.label?.de ?? '') === v || norm(o.label?.en ?? '') === v)?.key;
}

/**
 * Parses a participant list. Pure: duplicates against participants already stored are checked by
 * the service. Every problem is reported with its line number and what to fix; rows with an
 * error are not in `rows`.
 */
export function parseParticipantCsv(input: string, campaign: WithSegments): ParsedImport {
  const text = input.replace(/^\uFEFF/, '');
  const delimiter = detectDelimiter(text);
  const empty: ParsedImport = { rows: [], errors: [], ignoredColumns: [], segmentColumns: {}, delimiter };
  if (Buffer.byteLength(text, 'utf8') > IMPORT_LIMITS.maxBytes) {
    return { ...empty, errors: [{ line: 0, message: 'participants.import.error.too_big', params: { mb: IMPORT_LIMITS.maxBytes / 1024 / 1024 } }] };
  }
  if (!text.trim()) return { ...empty, errors: [{ line: 0, message: 'participants.import.error.empty' }] };

  let lastEnd = 0;
  let records: { record: string[]; info: { lines: number; empty_lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      info: true,
      relax_column_count: true,
      // A name like `Anna "Ann" Meier` in an unquoted cell is common in hand-made lists.
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
      // One record more than allowed is enough to know the list is too long.
      to: IMPORT_LIMITS.maxRows + 2,
      on_record: (record, context) => {
        lastEnd = context.lines;
        return record;
      },
    }) as unknown as typeof records;
  } catch (err) {
    // csv-parse reports where it gave up (often the end of the input); the broken row starts right
    // after the last complete one.
    const code = (err as { code?: string }).code ?? '';
    const key = code === 'CSV_QUOTE_NOT_CLOSED' ? 'participants.import.error.quote_not_closed' : 'participants.import.error.malformed';
    return { ...empty, errors: [{ line: lastEnd + 1, message: key }] };
  }
  if (records.length - 1 > IMPORT_LIMITS.maxRows) {
    return { ...empty, errors: [{ line: 0, message: 'participants.import.error.too_many_rows', params: { max: IMPORT_LIMITS.maxRows } }] };
  }

  const header = records[0]?.record ?? [];
  const { roles, errors } = mapHeader(header, campaign);
  const ignoredColumns = header.filter((h, i) => roles[i].kind === 'ignored' && h !== '');
  const segmentColumns: Record<string, string> = {};
  roles.forEach((r, i) => {
    if (r.kind === 'segment') segmentColumns[r.key] = header[i];
  });
  if (!roles.some((r) => r.kind !== 'ignored')) {
    errors.push({ line: 1, message: 'participants.import.error.no_known_column' });
    return { ...empty, errors, ignoredColumns };
  }
  if (errors.length) return { ...empty, errors, ignoredColumns, segmentColumns };

  const rows: ImportRow[] = [];
  const firstLineOfEmail = new Map<string, number>();
  let prevEnd = records[0].info.lines;
  let prevEmpty = records[0].info.empty_lines;
  for (const { record, info } of records.slice(1)) {
    // Start line = end of the previous record + empty lines skipped in between + 1.
    const line = prevEnd + (info.empty_lines - prevEmpty) + 1;
    prevEnd = info.lines;
    prevEmpty = info.empty_lines;
    if (record.every((v) => v === '')) continue;

    const row: ImportRow = { line, email: '', name: '', lang: '', segments: {} };
    const rowErrors: ImportIssue[] = [];
    roles.forEach((role, i) => {
      const value = (record[i] ?? '').normalize('NFC');
      const column = header[i];
      if (role.kind === 'email' && value) {
        const email = value.toLowerCase();
        if (email.length > IMPORT_LIMITS.email || !emailSchema.safeParse(email).success) {
          rowErrors.push({ line, column, message: 'participants.import.error.invalid_email', params: { value: value.slice(0, 80) } });
        } else row.email = email;
      } else if (role.kind === 'name' && value) {
        if (value.length > IMPORT_LIMITS.name) rowErrors.push({ line, column, message: 'participants.import.error.name_too_long', params: { max: IMPORT_LIMITS.name } });
        else row.name = value.toWellFormed();
      } else if (role.kind === 'lang' && value) {
        const l = norm(value);
        const lang = ['de', 'deutsch', 'german'].includes(l) ? 'de' : ['en', 'englisch', 'english'].includes(l) ? 'en' : null;
        if (!lang) rowErrors.push({ line, column, message: 'participants.import.error.invalid_lang', params: { value: value.slice(0, 40) } });
        else row.lang = lang;
      } else if (role.kind === 'segment' && value) {
        const segment = campaign.segments.find((s) => s.key === role.key)!;
        const option = matchOption(segment, value);
        if (!option) {
          rowErrors.push({
            line,
            column,
            message: 'participants.import.error.unknown_option',
            params: { value: value.slice(0, 80), column, options: segment.options.map((o) => o.label?.de || o.key).join(', ') },
          });
        } else row.segments[role.key] = option;
      }
    });
    if (row.email) {
      const first = firstLineOfEmail.get(row.email);
      if (first !== undefined) rowErrors.push({ line, message: 'participants.import.error.duplicate_in_file', params: { email: row.email, first } });
      else firstLineOfEmail.set(row.email, line);
    }
    if (rowErrors.length) errors.push(...rowErrors);
    else rows.push(row);
  }
  if (rows.length === 0 && errors.length === 0) errors.push({ line: 0, message: 'participants.import.error.no_rows' });
  return { rows, errors, ignoredColumns, segmentColumns, delimiter };
}

/**
 * A cell that a spreadsheet would run as a formula ("=HYPERLINK(…)" from an imported name) is
 * prefixed with an apostrophe (OWASP CSV injection).
 */
export function csvSafe(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Serialises rows to CSV (UTF-8 with BOM, so Excel shows umlauts) with the given columns. */
export function toCsv(fields: { label: string; value: string }[], rows: Record<string, string>[]): string {
  const parser = new Parser({ fields, withBOM: true, eol: '\r\n' });
  const safe = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, csvSafe(v)])));
  return parser.parse(safe);
}
