import { buildFerretDb, FERRETDB_BINARY, FERRETDB_BUILD_ID, FERRETDB_VERSION, isCurrentBuild } from '../db/embedded/ferretdb-build.js';
import { findExecutable, goBinDir } from '../db/embedded/locate.js';

/** `workplace-voice db install`: makes sure our FerretDB build (`ferretdb-wv`) exists (used by .ci/run). */
export async function runDbCommand(args: string[]): Promise<number> {
  if (args[0] !== 'install') {
    process.stderr.write('Usage: workplace-voice db install\n');
    return 1;
  }
  const existing = await findExecutable(FERRETDB_BINARY, [await goBinDir()]);
  if (existing && (await isCurrentBuild(existing))) {
    process.stdout.write(`FerretDB already available: ${existing} (${FERRETDB_BUILD_ID})\n`);
    return 0;
  }
  if (existing) process.stderr.write(`${existing} is an older build of ours; rebuilding it as ${FERRETDB_BUILD_ID}\n`);
  try {
    const built = await buildFerretDb((m) => process.stderr.write(`${m}\n`));
    process.stdout.write(`FerretDB ${FERRETDB_VERSION} installed: ${built}\n`);
    return 0;
  } catch (err) {
    // An older build of ours or a stock ferretdb still works (only slower): say so, don't fail.
    const stock = existing ?? (await findExecutable('ferretdb', [await goBinDir()]));
    process.stderr.write(`Could not build ${FERRETDB_BINARY}: ${err instanceof Error ? err.message : String(err)}\n`);
    if (!stock) return 1;
    process.stderr.write(`Falling back to the FerretDB at ${stock}.\n`);
    return 0;
  }
}
