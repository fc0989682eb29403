import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { defaultCandidates, startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded/launcher.js';

/**
 * Starts ONE real database for the whole test run (FerretDB here; mongod where installed) on a
 * free port in a temp dir. Set TEST_MONGODB_URI to use an existing server instead.
 * Each test file then uses its own database on it (see test-db.ts).
 */
let db: EmbeddedDatabase | undefined;
let dir: string | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  if (process.env.TEST_MONGODB_URI) return;
  dir = await mkdtemp(path.join(os.tmpdir(), 'wv-test-db-'));
  // mongodb-memory-server is skipped: it would try to download MongoDB, and tests must not.
  const candidates = defaultCandidates().filter((c) => c.name !== 'mongodb-memory-server');
  db = await startEmbeddedDatabase({ dataDir: dir, readyTimeoutMs: 30_000, log: (m) => process.stderr.write(`${m}\n`) }, candidates);
  process.env.TEST_MONGODB_URI = db.uri;
  // The erasure test scans the database's files for erased text (test/http/erasure.test.ts).
  process.env.TEST_DB_DIR = dir;
  process.stderr.write(`test database: ${db.engine} at ${db.uri}\n`);
}

export async function mochaGlobalTeardown(): Promise<void> {
  await db?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}
