import { StreamParser } from '@json2csv/plainjs';
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

/**
 * One CSV row: its cells in column order. An array, not a keyed object: json2csv reads cell `i`
 * through the field path `"i"` (see csvOptions), so no per-row object with 15 keys is built.
 */
export type CsvRow = ReadonlyArray<string | number | undefined>;

/** json2csv options for a dialect: German Excel wants a BOM, semicolons, CRLF and decimal commas. */
export function csvOptions(variant: CsvVariant, columns: readonly CsvColumn[]) {
  const excel = variant === 'excel-de';
  return {
    // Cell i of a row array; a missing cell (undefined) becomes defaultValue ''.
    fields: columns.map((c, i) => ({ label: c.label, value: String(i) })),
    delimiter: excel ? ';' : ',',
    eol: excel ? '\r\n' : '\n',
    withBOM: excel,
    formatters: {
      string: csvText,
      header: csvText,
      number: (n: number) => (excel ? String(n).replace('.', ',') : String(n)),
    },
    defaultValue: '',
  };
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

/** Size of one response write: the CSV text of this many UTF-16 code units is sent at once. */
const WRITE_CHARS = 64 * 1024;

/**
 * Streams batches of rows as CSV into the response. json2csv's StreamParser (@json2csv/plainjs,
 * object mode: header, BOM, delimiter, EOL and the formatters above) turns each row into its CSV
 * line synchronously, right when the batch arrives; the lines are collected into ~64 KB pieces and
 * written to the response, waiting for `drain` when the client is slower (backpressure: a slow
 * client pauses the database cursor). So a campaign of any size never sits in memory as a whole,
 * and no row waits in a stream buffer: rows are garbage as soon as their line exists, and
 * only CSV text is queued (Node object-mode streams in between kept several batches of rows
 * alive across garbage collections, which the heap then promoted; see docs/PERFORMANCE.md).
 * A client that goes away ends the iteration, which closes the cursor.
 */
export async function streamCsv(
  res: Response,
  batches: AsyncIterable<readonly CsvRow[]>,
  variant: CsvVariant,
  columns: readonly CsvColumn[],
  logger?: Logger,
): Promise<void> {
  const parser = new StreamParser<CsvRow, CsvRow>(csvOptions(variant, columns), { objectMode: true });
  // The CSV pieces since the last write, joined into one flat string per write (no string
  // concatenation tree that would have to be flattened again).
  let pieces: string[] = [];
  let size = 0;
  parser.onData = (data) => {
    pieces.push(data);
    size += data.length;
  };
  parser.onError = (err) => {
    throw err;
  };
  let gone = false;
  const leave = () => {
    gone = true;
  };
  res.once('close', leave);
  /** Writes the collected text; resolves when the response can take more (or the client left). */
  const send = async (): Promise<void> => {
    const chunk = pieces.join('');
    pieces = [];
    size = 0;
    if (res.write(chunk) || gone) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  };
  try {
    for await (const batch of batches) {
      if (gone) break;
      for (const row of batch) parser.write(row);
      if (size >= WRITE_CHARS) await send();
      if (gone) break;
    }
    if (gone) return; // the client left: the loop's exit closed the cursor
    parser.end(); // the header alone when there were no rows
    // Always through write(): the response stays chunked (streamed) even when it is small.
    if (size) res.write(pieces.join(''));
    pieces = [];
    res.end();
  } catch (err) {
    if (gone) return;
    logger?.error({ err }, 'CSV export failed mid-stream');
    if (!res.headersSent) throw err;
    res.destroy(err as Error);
  } finally {
    res.off('close', leave);
  }
}
