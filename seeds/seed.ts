import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { findUserByEmail } from '../src/auth/auth.service.js';
import { DEMO_SEED_KEY, demoRespondents, loadDemo, type DemoMember } from '../src/demo/demo.js';
import { loadConfig, type Config } from '../src/config.js';
import { connectDb, disconnectDb } from '../src/db/connection.js';
import { openDatabase } from '../src/db/open-database.js';
import mongoose from 'mongoose';
import { UserModel } from '../src/auth/user.model.js';
import { createLogger } from '../src/shared/logger.js';

export { DEMO_SEED_KEY, demoRespondents };

/**
 * Loads the demo campaign (src/campaigns/demo.ts). Idempotent; `owner` (an admin or lead) owns
 * or co-leads it, otherwise the first admin/lead account does.
 */
export async function seedDemo(opts: { owner?: DemoMember } = {}): Promise<{ campaignId: string; created: number; existing: number }> {
  const { campaignId, created, existing } = await loadDemo(opts);
  return { campaignId, created, existing };
}

const USAGE = `Usage: npm run seed [-- --owner <e-mail of an admin or lead account>]
Loads the demo campaign "Nordlicht Logistik" with 32 answers (idempotent).
Without --owner the first admin or lead account owns it (or the first one created later).`;

/** Where people open the app (PUBLIC_BASE_URL, or localhost on the configured port). */
function baseUrl(config: Config): string {
  return config.publicBaseUrl ?? `http://localhost:${config.port}`;
}

/** `npm run seed` / `workplace-voice seed [--owner <email>]`. */
export async function runSeedCommand(args: string[] = process.argv.slice(2)): Promise<number> {
  let ownerEmail: string | undefined;
  try {
    const { values } = parseArgs({ args, options: { owner: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (values.owner !== undefined) {
      const parsed = z.string().trim().toLowerCase().email().safeParse(values.owner);
      if (!parsed.success) throw new Error(`--owner must be an e-mail address, not "${values.owner}"`);
      ownerEmail = parsed.data;
    }
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 1;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const { uri, embedded } = await openDatabase(config, logger);
  try {
    await connectDb(uri);
    let owner: DemoMember | undefined;
    if (ownerEmail) {
      const user = await findUserByEmail(ownerEmail);
      if (!user || user.role === 'stakeholder') {
        process.stderr.write(
          user
            ? `${ownerEmail} is a stakeholder account; the demo needs an admin or lead as owner.\n`
            : `There is no account ${ownerEmail}. Create it first (the setup page, /admin/users, or: npx workplace-voice user add --email ${ownerEmail} --role lead).\n`,
        );
        return 1;
      }
      owner = { id: String(user._id), role: user.role as DemoMember['role'] };
    }
    const result = await loadDemo({ owner });
    const base = baseUrl(config);
    const people = await UserModel.find({ _id: mongoose.trusted({ $in: result.members.map((m) => m.id) }) }, { email: 1 }).lean();
    const email = (id: string) => people.find((p) => String(p._id) === id)?.email ?? id;
    process.stdout.write(`Demo campaign "Nordlicht Logistik" (${result.campaignId}): ${result.created} responses added, ${result.existing} already there.\n`);
    for (const m of result.members) process.stdout.write(`${email(m.id)} ${m.as === 'owner' ? 'owns' : 'co-leads'} the demo campaign now.\n`);
    const anyone = (await UserModel.countDocuments({ role: mongoose.trusted({ $in: ['admin', 'lead'] }) })) > 0;
    // The last line says what to open next.
    process.stdout.write(
      anyone
        ? `Next: sign in at ${base}/lead (npm start, if the app is not running) and open the demo campaign: ${base}/lead/campaigns/${result.campaignId}\n`
        : `Next: npm start, then open ${base}/lead to create the first admin — the demo campaign will be theirs.\n`,
    );
    return 0;
  } finally {
    await disconnectDb().catch(() => undefined);
    await embedded?.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runSeedCommand().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`Seeding failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
