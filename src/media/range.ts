import type { ByteRange } from './media-store.js';

/**
 * Parses an HTTP `Range` header for a resource of `size` bytes (RFC 9110 §14):
 * - `undefined`: no usable Range → send the whole resource (200);
 * - `'unsatisfiable'`: 416 with `Content-Range: bytes * /size`;
 * - a range: 206 with `Content-Range: bytes start-end/size`.
 * Only one range is served; a multi-range request gets the whole file (allowed by the RFC).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header.trim());
  if (!m) return undefined; // other units, several ranges or garbage: the whole file
  const [, a, b] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    // Suffix range: the last N bytes.
    const n = Number(b);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (!Number.isSafeInteger(start) || start >= size) return 'unsatisfiable';
  if (b !== '' && Number(b) < start) return undefined; // syntactically invalid: ignore the header
  return { start, end };
}
