import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds `name` on PATH, then in `extraDirs`; null when absent. */
export async function findExecutable(name: string, extraDirs: string[] = [], env = process.env): Promise<string | null> {
  const dirs = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

/** Where `go install` puts binaries: GOBIN, else GOPATH/bin, else ~/go/bin. */
export async function goBinDir(env = process.env): Promise<string> {
  if (env.GOBIN) return env.GOBIN;
  if (env.GOPATH) return path.join(env.GOPATH.split(path.delimiter)[0], 'bin');
  const go = await findExecutable('go', ['/usr/local/go/bin'], env);
  if (go) {
    try {
      const { stdout } = await execFileAsync(go, ['env', 'GOPATH'], { timeout: 10_000 });
      const gopath = stdout.trim().split(path.delimiter)[0];
      if (gopath) return path.join(gopath, 'bin');
    } catch {
      // fall through to the default below
    }
  }
  return path.join(os.homedir(), 'go', 'bin');
}
