import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createUser } from '../auth/auth.service.js';
import { adoptDemo } from '../demo/demo.js';
import { ROLES } from '../auth/auth.service.js';
import { loadConfig } from '../config.js';
import { connectDb, disconnectDb } from '../db/connection.js';
import { openDatabase } from '../db/open-database.js';
import { createLogger } from '../shared/logger.js';

const USAGE = `Usage: workplace-voice user add --email <address> [--role admin|lead|stakeholder] [--name <name>]
The password is read from standard input (one line) or prompted without echo on a terminal.`;

/** Reads a password: hidden prompt on a TTY, otherwise the first line of stdin. */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    let muted = false;
    const output = new Writable({
      write(chunk, _enc, cb) {
        if (!muted) process.stderr.write(chunk);
        cb();
      },
    });
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    return new Promise((resolve) => {
      rl.question('Password (at least 12 characters): ', (answer) => {
        rl.close();
        process.stderr.write('\n');
        resolve(answer);
      });
      muted = true;
    });
  }
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

/** `workplace-voice user add …`: creates an account (e.g. the first admin) in the configured database. */
export async function runUserCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'add') {
    process.stderr.write(`${USAGE}\n`);
    return 1;
  }
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options: { email: { type: 'string' }, role: { type: 'string', default: 'lead' }, name: { type: 'string', default: '' } } }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 1;
  }
  const parsed = z.object({ email: z.string().trim().toLowerCase().email(), role: z.enum(ROLES), name: z.string().max(120) }).safeParse(values);
  if (!parsed.success) {
    process.stderr.write(`Invalid arguments: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}\n${USAGE}\n`);
    return 1;
  }
  const password = (await readPassword()).replace(/\r?\n$/, '');
  const config = loadConfig();
  const logger = createLogger('warn');
  const { uri, embedded } = await openDatabase(config, logger);
  try {
    await connectDb(uri);
    const user = await createUser({ ...parsed.data, password });
    process.stdout.write(`Created ${user.role} ${user.email}\n`);
    // The demo campaign belongs to its first admin/lead (src/campaigns/demo.ts).
    const demo = await adoptDemo(user);
    if (demo) process.stdout.write(`${user.email} ${demo === 'owner' ? 'owns' : 'co-leads'} the demo campaign.\n`);
    return 0;
  } catch (err) {
    const e = err as { message?: string; fields?: Record<string, string> };
    const reason = e.fields?.password === 'validation.password_too_short' ? 'the password needs at least 12 characters'
      : e.fields?.password === 'validation.password_too_long' ? 'the password is too long (256 characters at most)'
      : e.fields?.email === 'validation.email_taken' ? 'a user with this e-mail exists already'
      : (e.message ?? String(err));
    process.stderr.write(`Could not create the user: ${reason}\n`);
    return 1;
  } finally {
    await disconnectDb().catch(() => undefined);
    await embedded?.stop();
  }
}
