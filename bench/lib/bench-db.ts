import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { defaultCandidates, startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded/launcher.js';

export interface BenchDatabase {
  engine: string;
  /** `mongodb://127.0.0.1:<port>/<dbName>` */
  uri(dbName: string): string;
  tmpDir: string;
  stop(): Promise<void>;
}

/**
 * One FerretDB (the launcher's `ferretdb` candidate, SQLite backend, bound to 127.0.0.1) in a
 * fresh temp directory for the whole benchmark run; removed again by `stop()`.
 */
export async function startBenchDatabase(prefix: string): Promise<BenchDatabase> {
  const tmpDir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const ferret = defaultCandidates().find((c) => c.name === 'ferretdb');
  if (!ferret) throw new Error('the launcher has no ferretdb candidate');
  let db: EmbeddedDatabase;
  try {
    db = await startEmbeddedDatabase({ dataDir: path.join(tmpDir, 'data'), readyTimeoutMs: 20_000, log: () => undefined }, [ferret]);
  } catch (err) {
    await rm(tmpDir, { recursive: true, force: true });
    throw err;
  }
  const base = new URL(db.uri);
  return {
    engine: db.engine,
    tmpDir,
    uri: (dbName) => `mongodb://${base.host}/${dbName}`,
    stop: async () => {
      await db.stop();
      await rm(tmpDir, { recursive: true, force: true });
    },
  };
}
