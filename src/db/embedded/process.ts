import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';

/** util-linux's setpriv (Linux only); without it a killed app can leave its database running. */
const SETPRIV = process.platform === 'linux' ? ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) : undefined;

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

export interface ServerProcess {
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns a database server and resolves once it accepts TCP connections on `port`.
 * Rejects with the tail of its output if it exits first or is not ready in time.
 */
export async function spawnServer(
  command: string,
  args: string[],
  opts: { port: number; cwd?: string; readyTimeoutMs: number },
): Promise<ServerProcess> {
  // No orphaned database when the app dies without a shutdown (SIGKILL, OOM killer): on Linux,
  // util-linux's `setpriv --pdeathsig` makes the kernel send the database SIGTERM when its parent
  // (this process) ends; setpriv execs the server, so `child.pid` is the server's pid.
  const [cmd, argv] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'TERM', '--', command, ...args]] : [command, args];
  // Its own process group (`detached`): Ctrl-C in a terminal or a signal to the app's process
  // group reaches the app only, which drains its requests first and then stops the database.
  const child = spawn(cmd, argv, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', (err) => {
      keep(Buffer.from(String(err)));
      exited = true;
      resolve();
    });
  });

  const stop = async (graceMs = 5000) => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exitPromise;
    clearTimeout(timer);
  };

  const deadline = Date.now() + opts.readyTimeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${command} exited before it was ready:\n${output.trim()}`);
    if (await canConnect(opts.port)) return { child, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop(1000);
  throw new Error(`${command} was not ready on port ${opts.port} within ${opts.readyTimeoutMs} ms:\n${output.trim()}`);
}
