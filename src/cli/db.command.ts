import { buildFerretDb, FERRETDB_VERSION } from '../db/embedded/ferretdb-build.js';
import { findExecutable, goBinDir } from '../db/embedded/locate.js';

/** `workplace-voice db install`: makes sure a FerretDB binary exists (used by .ci/run). */
export async function runDbCommand(args: string[]): Promise<number> {
  if (args[0] !== 'install') {
    process.stderr.write('Usage: workplace-voice db install\n');
    return 1;
  }
  const existing = await findExecutable('ferretdb', [await goBinDir()]);
  if (existing) {
    process.stdout.write(`FerretDB already available: ${existing}\n`);
    return 0;
  }
  const built = await buildFerretDb((m) => process.stderr.write(`${m}\n`));
  process.stdout.write(`FerretDB ${FERRETDB_VERSION} installed: ${built}\n`);
  return 0;
}
