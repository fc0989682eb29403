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
 * Identifies what our build contains; written next to the binary (`ferretdb-wv.build-id`) so an
 * older build of ours is recognised and `workplace-voice db install` rebuilds it. Bump it whenever
 * PATCHES change. wv1: the _id index fix; wv2: + the FIFO write turn; wv3: + compact truncates the WAL;
 * wv4: + `_id` lookups on the PostgreSQL backend use its index.
 */
export const FERRETDB_BUILD_ID = `${FERRETDB_VERSION}+wv4`;

interface SourcePatch {
  /** Path inside the FerretDB module. */
  file: string;
  /** Each `from` must occur exactly once (checked, so a changed source fails loudly). */
  edits: { from: string; to: string }[];
}

/**
 * The fixes we build in.
 *
 * 1. `_id` lookups use the index. FerretDB 1.24's SQLite backend looks documents up by
 *    `_ferretdb_sjson->'$._id'`, but its primary index is on `_ferretdb_sjson->"_id"`; SQLite uses
 *    an expression index only for the identical expression, so every `{_id}` lookup, update and
 *    delete scanned the whole table (measured: 15 / 30 / 50 ms per find / update / delete at 5,000
 *    documents, growing with the collection). With the expressions matching it is an index search
 *    (~2 ms each, flat). Same JSON value, same results; existing data files keep working.
 *
 * 2. Writers take turns in arrival order. SQLite allows one writer at a time; FerretDB lets its
 *    (up to 100) pooled connections race for that lock, and a loser waits in SQLite's busy handler,
 *    whose sleeps grow to 100 ms. Under load that is unfair (a writer that started waiting early
 *    keeps sleeping through the short free windows that newcomers take, up to the 10 s busy
 *    timeout, which then fails the write) and wasteful (the lock stands free while the next
 *    writer sleeps). Our build queues the writers of one database on a Go channel (blocked
 *    senders are served first come, first served) before they begin a transaction or run a write
 *    statement (fsql's InTransaction and ExecContext), so within this process the SQLite lock is
 *    requested only by the writer whose turn it is. Measured (bench:load, 200 connections back to
 *    back, same machine, 60 s): bare-insert baseline 477 → 673 req/s, respondent visits 306 → 463
 *    req/s.
 *    Reads are not queued (WAL lets them run beside the writer).
 *
 * 3. `compact` with `force: true` leaves no deleted text in the files. FerretDB runs `VACUUM`
 *    (the database file is rebuilt from live rows only), but in WAL mode the rebuilt pages — and
 *    older frames holding deleted rows — sit in the `-wal` file until a checkpoint, whose file
 *    is then reused, not cleared. Our build follows the VACUUM with
 *    `PRAGMA wal_checkpoint(TRUNCATE)`: everything is written into the database file and the
 *    WAL is cut to zero bytes. The app calls it after erasures (src/privacy/reclaim.ts), so an
 *    erased answer leaves no bytes behind in the embedded database's files (GDPR Art. 17).
 *
 * 4. `_id` lookups on the PostgreSQL backend (the cluster's, issue 18) use the index. FerretDB
 *    1.24 pushes `{_id: "…"}` down as `_jsonb -> $1 @> $2`: the key is a bind parameter and the
 *    operator containment, so PostgreSQL cannot use the collection's unique btree index on
 *    `(_jsonb -> '_id')` and scans the table for every lookup (explain: Seq Scan; ~100 ms per
 *    response read at 55,000 responses, and every session, draft and recording read paid the
 *    same). Our build writes an equality on `_id` with a string, ObjectId or date as
 *    `_jsonb -> '_id' = $1` — the index's own expression (as FerretDB's own update and delete
 *    statements do). For a scalar the two conditions select the same rows, and FerretDB applies
 *    the whole filter again to what the query returns, so results cannot change.
 */
const PATCHES: SourcePatch[] = [
  {
    file: 'internal/backends/sqlite/collection.go',
    edits: [
      {
        from: '\t\tq = `VACUUM`\n\t}\n\n\tif _, err := db.ExecContext(ctx, q); err != nil {\n\t\treturn nil, lazyerrors.Error(err)\n\t}\n',
        to:
          '\t\tq = `VACUUM`\n\t}\n\n\tif _, err := db.ExecContext(ctx, q); err != nil {\n\t\treturn nil, lazyerrors.Error(err)\n\t}\n\n' +
          '\t// Workplace Voice build: after a full compact, move everything into the database file and\n' +
          '\t// cut the WAL to zero bytes, so no frame of a deleted row stays on disk.\n' +
          '\tif params != nil && params.Full {\n\t\tif _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {\n\t\t\treturn nil, lazyerrors.Error(err)\n\t\t}\n\t}\n',
      },
    ],
  },
  {
    file: 'internal/backends/postgresql/query.go',
    edits: [
      {
        from:
          '\tcase string, types.ObjectID, time.Time:\n\t\t// merge with the case below?\n\t\t// TODO https://github.com/FerretDB/FerretDB/issues/3626\n\n\t\t// don\'t change the default eq query\n',
        to:
          '\tcase string, types.ObjectID, time.Time:\n' +
          '\t\t// Workplace Voice build: an equality on _id as the unique index\'s own expression, so\n' +
          '\t\t// PostgreSQL looks the row up by the index instead of scanning the table.\n' +
          '\t\tif k == "_id" && operator == "->" {\n' +
          '\t\t\tfilter = fmt.Sprintf(`%s = %s`, metadata.IDColumn, p.Next())\n' +
          '\t\t\targs = append(args, string(must.NotFail(sjson.MarshalSingleValue(v))))\n\n' +
          '\t\t\tbreak\n' +
          '\t\t}\n\n' +
          '\t\t// merge with the case below?\n\t\t// TODO https://github.com/FerretDB/FerretDB/issues/3626\n\n\t\t// don\'t change the default eq query\n',
      },
    ],
  },
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    edits: [{ from: `IDColumn = DefaultColumn + "->'$._id'"`, to: `IDColumn = DefaultColumn + "->'_id'"` }],
  },
  {
    file: 'internal/util/fsql/db.go',
    edits: [
      {
        from: '\ttoken     *resource.Token\n\tBatchSize int\n}',
        to: '\ttoken     *resource.Token\n\tBatchSize int\n\n\t// writeSem: one writer at a time, first come first served (Workplace Voice build).\n\twriteSem chan struct{}\n}',
      },
      {
        from: '\t\ttoken:            resource.NewToken(),\n\t}',
        to: '\t\ttoken:            resource.NewToken(),\n\t\twriteSem:         make(chan struct{}, 1),\n\t}',
      },
      {
        from: '\tres, err := db.sqlDB.ExecContext(ctx, query, args...)\n',
        to: '\tif err := db.acquireWrite(ctx); err != nil {\n\t\treturn nil, err\n\t}\n\tres, err := db.sqlDB.ExecContext(ctx, query, args...)\n\tdb.releaseWrite()\n',
      },
      {
        from: '\tif sqlTx, err = db.sqlDB.BeginTx(ctx, nil); err != nil {',
        to: '\tif err = db.acquireWrite(ctx); err != nil {\n\t\treturn\n\t}\n\tdefer db.releaseWrite()\n\n\tif sqlTx, err = db.sqlDB.BeginTx(ctx, nil); err != nil {',
      },
      {
        from: '// check interfaces\n',
        to: [
          '// acquireWrite waits for this database\'s write turn, or until ctx is done.',
          'func (db *DB) acquireWrite(ctx context.Context) error {',
          '\tselect {',
          '\tcase db.writeSem <- struct{}{}:',
          '\t\treturn nil',
          '\tcase <-ctx.Done():',
          '\t\treturn lazyerrors.Error(ctx.Err())',
          '\t}',
          '}',
          '',
          '// releaseWrite ends the write turn taken by acquireWrite.',
          'func (db *DB) releaseWrite() {',
          '\t<-db.writeSem',
          '}',
          '',
          '// check interfaces',
          '',
        ].join('\n'),
      },
    ],
  },
];

/** Applies PATCHES to a writable copy of the FerretDB source. */
async function applyPatches(src: string): Promise<void> {
  for (const patch of PATCHES) {
    const file = path.join(src, ...patch.file.split('/'));
    let text = await readFile(file, 'utf8');
    for (const { from, to } of patch.edits) {
      if (text.split(from).length !== 2) throw new Error(`FerretDB source changed: expected exactly one ${JSON.stringify(from)} in ${patch.file}`);
      text = text.replace(from, () => to);
    }
    await writeFile(file, text);
  }
}

/** The file next to our binary that records which build it is. */
export const buildIdFile = (binary: string): string => `${binary}.build-id`;

/** True when `binary` was built by this version of the code (same FERRETDB_BUILD_ID). */
export async function isCurrentBuild(binary: string): Promise<boolean> {
  const id = await readFile(buildIdFile(binary), 'utf8').catch(() => '');
  return id.trim() === FERRETDB_BUILD_ID;
}

/**
 * Builds FerretDB 1.24.2 from the Go module proxy into Go's bin directory and returns the
 * binary's path.
 *
 * Why not a plain `go install …@v1.24.2`: the module zip on the proxy lacks the generated
 * `build/version/version.txt`, and a binary built that way panics at start ("Invalid
 * build/version/version.txt file content", checked on 2026-11-27). So we download the module
 * with `go mod download`, copy it, write the version file FerretDB's own `bin/task gen-version`
 * would write, apply our fixes (PATCHES above), and `go build` it as `ferretdb-wv`.
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
    await applyPatches(src);
    await mkdir(binDir, { recursive: true });
    await execFileAsync(go, ['build', '-buildvcs=false', '-o', target, './cmd/ferretdb'], {
      cwd: src,
      timeout: 30 * 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    await writeFile(buildIdFile(target), `${FERRETDB_BUILD_ID}\n`);
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
