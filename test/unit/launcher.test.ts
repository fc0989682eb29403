import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import {
  defaultCandidates,
  NoEmbeddedDatabaseError,
  startEmbeddedDatabase,
  type CandidateDeps,
} from '../../src/db/embedded/launcher.js';

/** Fake machine: which executables exist, and a record of what the launcher tried. */
function fakeDeps(available: { mongod?: boolean; ferretdb?: boolean; 'ferretdb-wv'?: boolean; memoryServer?: boolean; go?: boolean }, calls: string[]): CandidateDeps {
  return {
    findExecutable: async (name) => {
      calls.push(`find:${name}`);
      return available[name as 'mongod' | 'ferretdb' | 'ferretdb-wv' | 'go'] ? `/fake/bin/${name}` : null;
    },
    goBinDir: async () => '/fake/go/bin',
    loadMemoryServer: async () => {
      calls.push('load:memory-server');
      if (!available.memoryServer) return null;
      return {
        MongoMemoryServer: {
          create: async () => {
            calls.push('start:memory-server');
            return { getUri: () => 'mongodb://127.0.0.1:1/', stop: async () => true };
          },
        },
      };
    },
    buildFerretDb: async () => {
      calls.push('build:ferretdb');
      throw new Error('go build failed: no module proxy');
    },
    isCurrentBuild: async () => true,
  };
}

describe('embedded database launcher', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'wv-launcher-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));
  const ctx = () => ({ dataDir: dir, readyTimeoutMs: 500, log: () => undefined });

  it('tries the engines in the design order: mongod, ferretdb, mongodb-memory-server, Go build', () => {
    expect(defaultCandidates(fakeDeps({}, [])).map((c) => c.name)).to.deep.equal([
      'mongod',
      'ferretdb',
      'mongodb-memory-server',
      'FerretDB built with Go',
    ]);
  });

  it('when only mongodb-memory-server is available, then it is used after mongod and ferretdb were looked for', async () => {
    const calls: string[] = [];
    const db = await startEmbeddedDatabase(ctx(), defaultCandidates(fakeDeps({ memoryServer: true }, calls)));
    expect(db.engine).to.equal('mongodb-memory-server');
    expect(calls).to.deep.equal(['find:mongod', 'find:ferretdb-wv', 'find:ferretdb', 'load:memory-server', 'start:memory-server']);
    await db.stop();
  });

  it('when a ferretdb binary exists, then the memory server and the Go build are never tried', async () => {
    const calls: string[] = [];
    // The fake binary does not exist, so starting it fails — what matters is what was NOT tried.
    await startEmbeddedDatabase(ctx(), defaultCandidates(fakeDeps({ ferretdb: true }, calls))).catch(() => undefined);
    expect(calls.slice(0, 3)).to.deep.equal(['find:mongod', 'find:ferretdb-wv', 'find:ferretdb']);
    expect(calls.indexOf('load:memory-server')).to.be.greaterThan(1); // only after ferretdb failed to start
    expect(calls).to.include('find:go');
  });

  it('when our patched build (ferretdb-wv) exists, then it is preferred and the stock ferretdb is not even looked for', async () => {
    const calls: string[] = [];
    await startEmbeddedDatabase(ctx(), defaultCandidates(fakeDeps({ 'ferretdb-wv': true, ferretdb: true }, calls))).catch(() => undefined);
    expect(calls.slice(0, 2)).to.deep.equal(['find:mongod', 'find:ferretdb-wv']);
    expect(calls).not.to.include('find:ferretdb');
  });

  it('when our build is an older one, then it is still used, and the log says how to rebuild it', async () => {
    const calls: string[] = [];
    const logged: string[] = [];
    const deps = { ...fakeDeps({ 'ferretdb-wv': true }, calls), isCurrentBuild: async () => false };
    await startEmbeddedDatabase({ ...ctx(), log: (m: string) => logged.push(m) }, defaultCandidates(deps)).catch(() => undefined);
    expect(logged.join('\n')).to.include('/fake/bin/ferretdb-wv is an older build of ours; `npx workplace-voice db install` rebuilds it');
    expect(calls).not.to.include('build:ferretdb'); // no minutes-long build at start
  });

  it('when nothing is available, then one clear error lists every option and what was tried', async () => {
    const calls: string[] = [];
    const err = await startEmbeddedDatabase(ctx(), defaultCandidates(fakeDeps({ go: true }, calls))).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(NoEmbeddedDatabaseError);
    const message = (err as Error).message;
    expect(message).to.include('Set MONGODB_URI');
    expect(message).to.match(/1\. mongod: .*2\. ferretdb: .*3\. mongodb-memory-server: .*4\. FerretDB built with Go/s);
    expect(message).to.include('go build failed: no module proxy');
    expect(calls).to.include('build:ferretdb');
  });
});
