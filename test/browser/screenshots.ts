import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { projectRoot } from '../../src/shared/paths.js';

/** Where the README's screenshots live. */
export const SHOTS_DIR = path.join(projectRoot(), 'docs', 'screenshots');

/**
 * Writes docs/screenshots/<name> only when asked for (`SCREENSHOTS=1 npm run test:browser`):
 * a normal test run never overwrites the committed screenshots.
 */
export async function screenshot(target: Page | Locator, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  const file = path.join(SHOTS_DIR, name);
  if ('goto' in target) await target.screenshot({ path: file, fullPage: opts.fullPage ?? false });
  else await target.screenshot({ path: file });
}
