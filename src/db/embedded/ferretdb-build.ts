import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findExecutable, goBinDir } from './locate.js';

const execFileAsync = promisify(execFile);

export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.2';
/** Our build's binary name: distinct, so an unpatched `ferretdb` on the PATH never shadows it. */
export const FERRETDB_BINARY = 'ferretdb-wv';

/**
 * The one-line fix we build in. FerretDB 1.24's SQLite backend looks documents up by
 * `_ferretdb_sjson->'$._id'`, but its primary index is on `_ferretdb_sjson->"_id"`; SQLite uses an
 * expression index only for the identical expression, so every `{_id}` lookup, update and delete
 * scanned the whole table (measured: 15 / 30 / 50 ms per find / update / delete at 5,000
 * documents, growing with the collection). With the expressions matching it is an index search
 * (~2 ms each, flat). Same JSON value, same results; existing data files keep working.
 */
const ID_COLUMN_FROM = `IDColumn = DefaultColumn + "->'$._id'"`;
const ID_COLUMN_TO = `IDColumn = DefaultColumn + "->'_id'"`;

/**
 * Builds FerretDB 1.24.2 from the Go module proxy into Go's bin directory and returns the
 * binary's path.
 *
 * Why not a plain `go install …@v1.24.2`: the module zip on the proxy lacks the generated
 * `build/version/version.txt`, and a binary built that way panics at start ("Invalid
 * build/version/version.txt file content", checked on 2026-11-27). So we download the module
 * with `go mod download`, copy it, write the version file FerretDB's own `bin/task gen-version`
 * would write, apply the one-line index fix below, and `go build` it as `ferretdb-wv`.
 */
export async function buildFerretDb(log: (msg: string) => void = () => {}): Promise<string> {
  const go = await findExecutable('go', ['/usr/local/go/bin']);
  if (!go) throw new Error('Go is not installed (no `go` on PATH or in /usr/local/go/bin)');
  const binDir = await goBinDir();
  const target = path.join(binDir, FERRETDB_BINARY);
  log(`Building FerretDB ${FERRETDB_VERSION} with Go into ${target} (one time; takes a few minutes)`);

  const { stdout } = await execFileAsync(go, ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
    timeout: 15 * 60_000,
    maxBuffer: 16 * 1024 * 1024,
    cwd: os.tmpdir(),
  });
  const info = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download failed: ${info.Error ?? 'no module directory reported'}`);

  const work = await mkdtemp(path.join(os.tmpdir(), 'ferretdb-src-'));
  try {
    const src = path.join(work, 'src');
    await cp(info.Dir, src, { recursive: true });
    await makeWritable(src);
    await writeFile(path.join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    const metadataFile = path.join(src, 'internal', 'backends', 'sqlite', 'metadata', 'metadata.go');
    const metadata = await readFile(metadataFile, 'utf8');
    if (!metadata.includes(ID_COLUMN_FROM)) throw new Error(`FerretDB source changed: ${ID_COLUMN_FROM} not found in ${metadataFile}`);
    await writeFile(metadataFile, metadata.replace(ID_COLUMN_FROM, ID_COLUMN_TO));
    await mkdir(binDir, { recursive: true });
    await execFileAsync(go, ['build', '-buildvcs=false', '-o', target, './cmd/ferretdb'], {
      cwd: src,
      timeout: 30 * 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  log(`FerretDB ${FERRETDB_VERSION} built: ${target}`);
  return target;
}

// Files in Go's module cache are read-only; the copy must be writable to add version.txt
// and to be removed afterwards.
async function makeWritable(dir: string): Promise<void> {
  await execFileAsync('chmod', ['-R', 'u+w', dir]).catch(async () => chmod(dir, 0o755));
}
