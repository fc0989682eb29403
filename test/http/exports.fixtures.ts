/**
 * A small RFC 4180 reader for the export tests: quoted cells with doubled quotes, embedded
 * delimiters and line breaks; the record separator is whatever the file uses (LF or CRLF).
 */
export function parseCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += c;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === delimiter) {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      // CRLF ends the record; handled at the \n.
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** Cells a spreadsheet would run as a formula (OWASP): none may survive an export. */
export function dangerousCells(rows: string[][]): string[] {
  return rows.flat().filter((c) => /^[=+\-@\t\r]/.test(c));
}
