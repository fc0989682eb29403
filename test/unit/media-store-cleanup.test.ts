import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { FileSystemMediaStore } from '../../src/media/media-store.js';

/**
 * A refused upload leaves nothing behind in the file-system store, also when the upload fails
 * before the store's file is even open (a first chunk already over the size limit, or not a
 * video): the write stream would otherwise create the empty `.part` after the clean-up ran.
 * Found as flaky media tests (one file too many, two `.part` files at once) on a busy CI machine;
 * before the fix this test left 1–7 of 300 files behind.
 */
describe('media store: a failed write leaves no file behind', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'wv-store-cleanup-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function filesUnder(dir: string): Promise<string[]> {
    const out: string[] = [];
    for (const d of await readdir(dir)) out.push(...(await readdir(path.join(dir, d))).map((f) => `${d}/${f}`));
    return out;
  }

  for (const when of ['at once', 'after a tick', 'after the first chunk'] as const) {
    it(`when the source fails ${when}, 300 times in a row`, async () => {
      const store = new FileSystemMediaStore(root);
      for (let i = 0; i < 300; i++) {
        async function* refused(): AsyncGenerator<Buffer> {
          if (when === 'after the first chunk') yield Buffer.alloc(1000, 1);
          if (when === 'after a tick') await new Promise((r) => setImmediate(r));
          throw new Error('The file is larger than 1 MB.');
        }
        let failed = false;
        await store.write(refused()).catch(() => (failed = true));
        expect(failed).to.equal(true);
      }
      expect(await filesUnder(root)).to.deep.equal([]);
    });
  }

  it('a successful write still leaves exactly its file', async () => {
    const store = new FileSystemMediaStore(root);
    const { key, size } = await store.write((async function* () {
      yield Buffer.from('webm?');
    })());
    expect(size).to.equal(5);
    expect(await filesUnder(root)).to.deep.equal([`${key.slice(0, 2)}/${key}`]);
    await store.delete(key);
  });
});
