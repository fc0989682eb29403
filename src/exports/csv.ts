import { Readable, Transform as NodeTransform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform as CsvTransform } from '@json2csv/node';
import type { Response } from 'express';
import type { Logger } from '../shared/logger.js';

/** The two CSV dialects we write. */
export type CsvVariant = 'standard' | 'excel-de';

/**
 * A cell that a spreadsheet would read as a formula (OWASP "CSV injection"): a leading `=`, `+`,
 * `-`, `@`, tab or carriage return. Such text gets a leading apostrophe, which Excel and
 * LibreOffice show as text and never evaluate. Applied to EVERY text cell and header, whatever it
 * came from (answers, campaign titles, segment labels, code names).
 */
export function neutraliseFormula(text: string): string {
  // = + - @ TAB CR (char codes; this runs for every cell of a 100,000-row export).
  const c = text.charCodeAt(0);
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13 ? `'${text}` : text;
}

/** A text cell: neutralised, then quoted with `"` doubled inside (RFC 4180). */
export function csvText(text: string): string {
  const safe = neutraliseFormula(text);
  return safe.includes('"') ? `"${safe.replaceAll('"', '""')}"` : `"${safe}"`;
}

export interface CsvColumn {
  /** Header text (already translated). */
  label: string;
}

/** json2csv options for a dialect: German Excel wants a BOM, semicolons, CRLF and decimal commas. */
export function csvOptions(variant: CsvVariant, columns: readonly CsvColumn[]) {
  const excel = variant === 'excel-de';
  return {
    fields: columns.map((c, i) => ({ label: c.label, value: `c${i}` })),
    delimiter: excel ? ';' : ',',
    eol: excel ? '\r\n' : '\n',
    withBOM: excel,
    // Rows may arrive in arrays (one stream chunk per batch instead of per row): this transform
    // returns the batch, and json2csv flattens what a transform returns into single rows.
    transforms: [(chunk: CsvRow | CsvRow[]) => chunk as CsvRow] as [(chunk: CsvRow | CsvRow[]) => CsvRow],
    formatters: {
      string: csvText,
      header: csvText,
      number: (n: number) => (excel ? String(n).replace('.', ',') : String(n)),
    },
    defaultValue: '',
  };
}

export type CsvRow = Record<string, string | number>;

/** A row for json2csv: the cells in column order (`c0`, `c1`, …). */
export function rowOf(cells: ReadonlyArray<string | number | undefined>): Record<string, string | number> {
  const row: Record<string, string | number> = {};
  cells.forEach((v, i) => {
    row[`c${i}`] = v ?? '';
  });
  return row;
}

export function csvHeaders(res: Response, filename: string): void {
  res.status(200);
  res.set({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
}

/**
 * Streams rows from an async iterable as CSV into the response: rows → json2csv's Node Transform
 * → res, with backpressure all the way (a slow client pauses the database cursor), so a campaign
 * of any size never sits in memory as a whole. A client that goes away ends the cursor.
 */
export async function streamCsv(
  res: Response,
  rows: AsyncIterable<CsvRow | CsvRow[]>,
  variant: CsvVariant,
  columns: readonly CsvColumn[],
  logger?: Logger,
): Promise<void> {
  // A few chunks ahead at most (a chunk may be a batch of rows): memory stays flat.
  const source = Readable.from(rows, { objectMode: true, highWaterMark: 2 });
  const csv = new CsvTransform<CsvRow | CsvRow[], CsvRow>(csvOptions(variant, columns), {}, { objectMode: true, highWaterMark: 2 });
  // Coalesce json2csv's small string chunks into ~64 KB writes (one socket write each).
  let pending: string[] = [];
  let size = 0;
  const batch = new NodeTransform({
    writableObjectMode: false,
    transform(chunk: Buffer | string, _enc, done) {
      const s = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      pending.push(s);
      size += s.length;
      if (size >= 64 * 1024) {
        const out = pending.join('');
        pending = [];
        size = 0;
        done(null, out);
      } else done();
    },
    flush(done) {
      done(null, pending.join(''));
    },
  });
  try {
    await pipeline(source, csv, batch, res);
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') return; // the client left
    logger?.error({ err }, 'CSV export failed mid-stream');
    if (!res.headersSent) throw err;
    res.destroy(err as Error);
  }
}
