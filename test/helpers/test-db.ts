import mongoose from 'mongoose';
import { connectDb, disconnectDb } from '../../src/db/connection.js';
import { flushDraftDeletes } from '../../src/responses/draft-cleanup.js';

/** URI of a fresh database `name` on the run's test server. */
export function testDbUri(name: string): string {
  const base = process.env.TEST_MONGODB_URI;
  if (!base) throw new Error('TEST_MONGODB_URI is not set: run tests through mocha (test/helpers/global-setup.ts)');
  const url = new URL(base);
  url.pathname = `/${name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 50)}_${process.pid}`;
  return url.toString();
}

/** Registers hooks that connect to a fresh database for this test file and drop it afterwards. */
export function useTestDb(name: string): void {
  before(async () => {
    await connectDb(testDbUri(name));
    await mongoose.connection.dropDatabase();
    // Indexes (incl. unique ones) must exist before tests rely on them.
    await Promise.all(Object.values(mongoose.models).map((m) => m.createIndexes()));
  });
  // Drafts of submitted responses are deleted in the background (src/responses/draft-cleanup.ts):
  // finish that within the test that submitted, so the next test starts from settled counts.
  afterEach(() => flushDraftDeletes());
  after(async () => {
    await flushDraftDeletes().catch(() => undefined);
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await disconnectDb();
  });
}
