import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Logger } from '../shared/logger.js';

/** Debian's Chromium; playwright-core never downloads a browser (CHROMIUM_PATH overrides). */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/** The address the report is loaded under inside Chromium: every request to it is answered here. */
const DOC_ORIGIN = 'http://report.invalid';
/** Two PDFs at a time: each Chromium takes ~100–200 MB while it prints. */
const MAX_PARALLEL = 2;
const TIMEOUT_MS = 60_000;
/** PDFs kept per process, by the hash of their page and assets: a report downloaded again is not printed again. */
const CACHE_ENTRIES = 16;

export interface PdfAsset {
  type: string;
  body: string | Buffer;
}

export interface PdfRenderer {
  /** Whether the configured Chromium exists (else the report offers the browser's print). */
  readonly available: boolean;
  /**
   * Prints `html` (the report page exactly as the server renders it) to an A4 PDF. The page's own
   * `@page` rules decide size, margins and the footer (page numbers, campaign, date). Nothing is
   * fetched: the document and the assets it links (`assets`, by URL path) are answered from
   * memory, every other request is aborted, and JavaScript is off.
   */
  render(html: string, assets: ReadonlyMap<string, PdfAsset>): Promise<Buffer>;
}

export class PdfUnavailableError extends Error {}

/** A PDF renderer on headless Chromium through playwright-core, or an unavailable one. */
export function pdfRenderer(opts: { executablePath?: string; logger: Logger }): PdfRenderer {
  const executablePath = opts.executablePath ?? DEFAULT_CHROMIUM_PATH;
  const available = executablePath !== '' && existsSync(executablePath);
  let running = 0;
  const waiting: Array<() => void> = [];
  // A slot is handed straight to the next waiting print, so never more than MAX_PARALLEL run.
  const acquire = async () => {
    if (running < MAX_PARALLEL) running += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };

  // The same page and assets give the same PDF: kept (and shared while being printed) by their hash.
  const cache = new Map<string, Promise<Buffer>>();
  function render(html: string, assets: ReadonlyMap<string, PdfAsset>): Promise<Buffer> {
    if (!available) return Promise.reject(new PdfUnavailableError(`Chromium not found at ${executablePath || '(CHROMIUM_PATH empty)'}`));
    const hash = createHash('sha256').update(html);
    for (const [p, a] of [...assets].sort(([x], [y]) => (x < y ? -1 : 1))) hash.update(`\u0000${p}\u0000`).update(a.body);
    const key = hash.digest('hex');
    let pdf = cache.get(key);
    if (pdf) {
      cache.delete(key);
      cache.set(key, pdf);
      return pdf;
    }
    pdf = print(html, assets);
    cache.set(key, pdf);
    pdf.catch(() => cache.delete(key));
    while (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    return pdf;
  }

  async function print(html: string, assets: ReadonlyMap<string, PdfAsset>): Promise<Buffer> {
    await acquire();
    const started = Date.now();
    let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
    try {
      browser = await chromium.launch({ executablePath, args: CHROMIUM_FLAGS, timeout: TIMEOUT_MS });
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
      await context.route('**/*', async (route) => {
        const url = new URL(route.request().url());
        if (url.origin !== DOC_ORIGIN) return route.abort('blockedbyclient');
        if (url.pathname === '/') return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
        const asset = assets.get(url.pathname);
        return asset ? route.fulfill({ status: 200, contentType: asset.type, body: asset.body }) : route.abort('blockedbyclient');
      });
      const page = await context.newPage();
      page.setDefaultTimeout(TIMEOUT_MS);
      await page.goto(`${DOC_ORIGIN}/`, { waitUntil: 'load' });
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true, format: 'A4' });
      opts.logger.info({ ms: Date.now() - started, bytes: pdf.length }, 'report PDF rendered');
      return pdf;
    } finally {
      await browser?.close().catch(() => undefined);
      release();
    }
  }

  return { available, render };
}
