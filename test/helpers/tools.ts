import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Context } from 'mocha';

/** Debian packages that provide the external tools some tests need (.ci/run installs them). */
const INSTALL: Record<string, string> = {
  ffmpeg: 'apt-get install --no-install-recommends ffmpeg',
  soffice: 'apt-get install libreoffice-calc',
  pdftotext: 'apt-get install poppler-utils',
  chromium: 'apt-get install chromium',
};

/** True when `command` runs (`--version`), or, for a path, when the file exists. */
export function hasTool(command: string): boolean {
  if (command.startsWith('/')) return existsSync(command);
  // Most tools answer `--version`; poppler's (pdftotext, pdfinfo) exit 1 on it and 0 on `-v`.
  for (const flag of ['--version', '-v']) {
    try {
      execFileSync(command, [flag], { stdio: 'ignore', timeout: 20_000 });
      return true;
    } catch {
      // try the next spelling
    }
  }
  return false;
}

/**
 * Skips the calling suite when a tool is missing, with ONE line saying which tool and how to
 * install it. Under CI=true mocha's forbid-pending turns the skip into a failure (.mocharc.cjs).
 */
export function requireTool(ctx: Context, name: keyof typeof INSTALL, command: string = name): void {
  if (hasTool(command)) return;
  process.stderr.write(`skipped: ${name} not found — install it with: ${INSTALL[name]}\n`);
  ctx.skip();
}
