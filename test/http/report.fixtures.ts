import mongoose from 'mongoose';
import { createRunner } from '../../src/analysis-runs/runner.js';
import { changeStatus, createCampaign, type Campaign } from '../../src/campaigns/campaign.service.js';
import { campaignInputSchema } from '../../src/campaigns/campaign.schemas.js';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { createFromApi } from '../../src/responses/response.service.js';
import { startRun } from '../../src/analysis-runs/analysis-run.service.js';

/** Answers whose first characters would start a formula in a spreadsheet. */
export const FORMULA_PAYLOADS = ['=HYPERLINK("http://evil.example";"klick")', '+SUM(1;2)', '-2+3+cmd|\' /C calc\'!A0', '@SUM(1;2)', '\tTab voran', '\rWagenrücklauf voran'];

/** A text with everything a CSV can break on: umlauts, ß, quotes, semicolons, commas, a line break. */
export const TRICKY_TEXT = 'Wir nutzen „Teams“ und "Outlook"; außerdem Mail, Fax.\nZweite Zeile: Übergabe größer – Grüße 🚆';

/** The only person in HR / Munich: must never be identifiable next to an answer or in a breakdown. */
export const LONE_VOICE = 'Als einzige Stimme aus der Personalabteilung wünsche ich mir ein Dashboard mit allem an einem Ort.';

const DE = {
  q1: 'Vor allem per E-Mail und im Teams-Chat, das Fax haben wir abgeschafft.',
  q2: 'Von überall arbeiten können und alle Werkzeuge an einem Ort finden.',
  q3: 'Zu viele Tools, keiner weiß, wo was liegt, und das WLAN bricht ständig ab.',
  q4: 'Ein Dashboard mit allem, was ich heute brauche, und eine Suche über alle Systeme.',
};
const EN = {
  q1: 'Mostly e-mail and Teams chat; we stopped using the fax.',
  q2: 'Working from anywhere with all my tools in one place.',
  q3: 'People are afraid of change <script>alert(1)</script> and managers do not lead by example.',
  q4: 'One search across all systems and a clear training plan for everyone.',
};

export interface ReportFixture {
  campaign: Campaign;
  runId: string;
}

/**
 * An open anonymous template campaign owned by `ownerId`: 6 people in Sales/Hamburg (German),
 * 7 in IT/Hamburg (English), 1 in HR/Munich (the lone voice), some answers with spreadsheet
 * formula payloads and a CSV-tricky text; analysed by a real runner (worker thread) unless
 * `analyse` is false.
 */
export async function reportCampaign(ownerId: string, opts: { analyse?: boolean; anonymity?: 'anonymous' | 'identified' } = {}): Promise<ReportFixture> {
  const input = campaignInputSchema.parse({ ...interviewTemplate(), anonymity: opts.anonymity ?? 'anonymous', title: 'Nordlicht – Bericht "Test"; =1+1' });
  const draft = await createCampaign(input, { ownerId });
  const campaign = await changeStatus(String(draft._id), 'open');
  let n = 0;
  const add = async (lang: 'de' | 'en', answers: Record<string, string>, segments: Record<string, string>) => {
    n += 1;
    await createFromApi(campaign, { submissionId: `rep-${String(n).padStart(4, '0')}`, lang, answers, segments });
  };
  for (let i = 0; i < 6; i++) {
    const answers = { ...DE };
    if (i < FORMULA_PAYLOADS.length) answers.q2 = `${FORMULA_PAYLOADS[i]} ${i === 0 ? '' : DE.q2}`.trim();
    if (i === 1) answers.q1 = TRICKY_TEXT;
    await add('de', answers, { department: 'sales', location: 'hamburg' });
  }
  for (let i = 0; i < 7; i++) await add('en', { ...EN }, { department: 'it', location: 'hamburg', role: 'employee' });
  await add('de', { ...DE, q4: LONE_VOICE }, { department: 'hr', location: 'munich', role: 'manager' });
  if (opts.analyse === false) return { campaign, runId: '' };
  return analyse(campaign);
}

/** Markup a respondent might type: the report must show it as text, never run it. */
export const MARKUP = '<script>alert(1)</script>';

/**
 * An analysed anonymous template campaign in which EVERY answer starts with MARKUP: 7 people in
 * IT/Hamburg giving the English answers above. Each answer is one sentence, and a report quote is
 * the sentence around its cue (src/analysis/needs.ts), so whatever the engine quotes carries MARKUP.
 */
export async function markupCampaign(ownerId: string): Promise<ReportFixture> {
  const input = campaignInputSchema.parse({ ...interviewTemplate(), anonymity: 'anonymous', title: 'Markup' });
  const campaign = await changeStatus(String((await createCampaign(input, { ownerId }))._id), 'open');
  const answers = Object.fromEntries(Object.entries(EN).map(([k, text]) => [k, `${MARKUP} ${text.replace(MARKUP, '')}`]));
  for (let i = 0; i < 7; i++) await createFromApi(campaign, { submissionId: `markup-${i}`, lang: 'en', answers, segments: { department: 'it', location: 'hamburg', role: 'employee' } });
  return analyse(campaign);
}

/** Runs the analysis of a fixture campaign (a real runner, worker thread). */
export async function analyse(campaign: Campaign): Promise<ReportFixture> {
  const { run } = await startRun(campaign._id as mongoose.Types.ObjectId);
  const outcome = await createRunner({ instanceId: `report-fixture-${process.pid}` }).runOnce();
  if (!outcome || outcome.status !== 'done') throw new Error(`analysis failed: ${JSON.stringify(outcome)}`);
  return { campaign, runId: run.id };
}
