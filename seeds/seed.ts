import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { createCampaign, findBySeedKey, changeStatus } from '../src/campaigns/campaign.service.js';
import { interviewTemplate } from '../src/campaigns/interview-template.js';
import { loadConfig } from '../src/config.js';
import { connectDb, disconnectDb } from '../src/db/connection.js';
import { openDatabase } from '../src/db/open-database.js';
import { createFromApi } from '../src/responses/response.service.js';
import { createLogger } from '../src/shared/logger.js';
import { projectRoot } from '../src/shared/paths.js';

export const DEMO_SEED_KEY = 'demo-nordlicht-2026';

const demoRespondentSchema = z.array(
  z.object({
    key: z.string(),
    lang: z.enum(['de', 'en']),
    segments: z.record(z.string(), z.string()),
    answers: z.record(z.string(), z.string()),
  }),
);

/** The demo respondents in seeds/data (our own writing, not the shared dev set). */
export function demoRespondents() {
  const file = path.join(projectRoot(), 'seeds', 'data', 'demo-respondents.json');
  return demoRespondentSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/**
 * Loads the demo campaign (from the four-question template) and its respondents. Idempotent:
 * the campaign is found by its seed key, each response by its submission id.
 */
export async function seedDemo(): Promise<{ campaignId: string; created: number; existing: number }> {
  let campaign = await findBySeedKey(DEMO_SEED_KEY);
  if (!campaign) {
    const template = interviewTemplate();
    campaign = await createCampaign(
      {
        ...template,
        title: 'Nordlicht Logistik – Digitaler Arbeitsplatz 2027',
        description:
          'Bevor wir Intranet und Chat neu aufsetzen, fragen wir Euch: Wie arbeitet Ihr heute, und was braucht Ihr? / Before we rebuild intranet and chat, we ask you: how do you work today, and what do you need?',
      },
      { seedKey: DEMO_SEED_KEY },
    );
  }
  if (campaign.status !== 'open') campaign = await changeStatus(String(campaign._id), 'open');
  let created = 0;
  let existing = 0;
  for (const r of demoRespondents()) {
    const { repeated } = await createFromApi(campaign, { submissionId: `seed-${r.key}`, lang: r.lang, answers: r.answers, segments: r.segments });
    if (repeated) existing += 1;
    else created += 1;
  }
  return { campaignId: String(campaign._id), created, existing };
}

/** `npm run seed` / `workplace-voice seed`. */
export async function runSeedCommand(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const { uri, embedded } = await openDatabase(config, logger);
  try {
    await connectDb(uri);
    const result = await seedDemo();
    process.stdout.write(
      `Demo campaign ${result.campaignId}: ${result.created} responses added, ${result.existing} already there.\n` +
        `Open http://localhost:${config.port}/lead/campaigns/${result.campaignId} after npm start.\n`,
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
