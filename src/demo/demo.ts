import { readFileSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { z } from 'zod';
import type { Role } from '../auth/user.model.js';
import { countLeadsAmong, earliestStaff } from '../auth/user.queries.js';
import { createFromApi } from '../responses/response.service.js';
import { projectRoot } from '../shared/paths.js';
import { claimOwnership, changeStatus, createCampaign, findBySeedKey, setMember, type Campaign } from '../campaigns/campaign.service.js';
import { interviewTemplate } from '../campaigns/interview-template.js';

/**
 * The demo campaign ("Nordlicht Logistik", the four-question template, 32 answers of our own
 * writing in seeds/data). Loaded by `npm run seed` or by ticking "load the demo" on the setup page.
 *
 * Who sees it: a campaign nobody owns would sit on no one's list (a lead would get 404 for it),
 * so the demo always belongs to someone as soon as an account exists —
 *  - the first admin or lead account owns it (the seed's `--owner <email>` chooses another one);
 *  - the first lead account also becomes a co-lead when an admin owns it, so the person who
 *    tries the lead's work (a lead, not an admin) finds it on their list too.
 * Further leads are added on the campaign page ("Who works on it"), like for any campaign.
 */
export const DEMO_SEED_KEY = 'demo-nordlicht-2026';

export const DEMO_TITLE = 'Nordlicht Logistik – Digitaler Arbeitsplatz 2027';
const DEMO_TITLE_EN = 'Nordlicht Logistik – Digital workplace 2027';
const DEMO_DESCRIPTION_DE = 'Bevor wir Intranet und Chat neu aufsetzen, fragen wir Dich: Wie arbeitest Du heute, und was brauchst Du?';

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

/** Who may own or co-lead the demo (stakeholders only read campaigns). */
export interface DemoMember {
  id: string;
  role: Role;
}

export type DemoRole = 'owner' | 'coLead';

/**
 * Loads the demo campaign and its respondents. Idempotent: the campaign is found by its seed key,
 * each response by its submission id. Then the demo gets its people (see above): `owner` when
 * given, otherwise the accounts that exist.
 */
export async function loadDemo(opts: { owner?: DemoMember } = {}): Promise<{
  campaignId: string;
  created: number;
  existing: number;
  members: Array<{ id: string; as: DemoRole }>;
}> {
  let campaign = await findBySeedKey(DEMO_SEED_KEY);
  if (!campaign) {
    const template = interviewTemplate();
    campaign = await createCampaign(
      {
        ...template,
        title: DEMO_TITLE,
        titles: { de: DEMO_TITLE, en: DEMO_TITLE_EN },
        // Du, as the template's questions (the campaign's `address`, from the template).
        description: DEMO_DESCRIPTION_DE,
        descriptions: { de: DEMO_DESCRIPTION_DE, en: 'Before we rebuild intranet and chat, we ask you: how do you work today, and what do you need?' },
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
  const members: Array<{ id: string; as: DemoRole }> = [];
  const add = (id: string, as: DemoRole | null) => {
    if (as) members.push({ id, as });
  };
  if (opts.owner) add(opts.owner.id, await joinDemo(opts.owner, { explicit: true }));
  else for (const user of await earliestMembers()) add(user.id, await adoptDemo(user));
  return { campaignId: String(campaign._id), created, existing, members };
}

/** The oldest admin-or-lead account and the oldest lead account (the people adoptDemo serves first). */
async function earliestMembers(): Promise<DemoMember[]> {
  const { first, firstLead } = await earliestStaff();
  const out: DemoMember[] = [];
  if (first) out.push(first);
  if (firstLead && firstLead.id !== out[0]?.id) out.push({ id: firstLead.id, role: 'lead' });
  return out;
}

/**
 * Called when an account is created (setup page, admin page, `user add`) and by the seed: gives
 * the demo to its first admin or lead (owner), and makes the first lead a co-lead when an admin
 * owns it. Returns what the user became, or null (no demo, a stakeholder, or the demo has its
 * people already).
 */
export async function adoptDemo(user: DemoMember): Promise<DemoRole | null> {
  return joinDemo(user, { explicit: false });
}

/**
 * `explicit` (the seed's --owner): the user owns the demo when nobody does, and co-leads it
 * otherwise, whoever else is on it.
 */
async function joinDemo(user: DemoMember, opts: { explicit: boolean }): Promise<DemoRole | null> {
  if (user.role === 'stakeholder') return null;
  const campaign = await findBySeedKey(DEMO_SEED_KEY);
  if (!campaign) return null;
  const uid = new mongoose.Types.ObjectId(user.id);
  if (isMember(campaign, user.id)) return null;
  if (!campaign.ownerId) {
    // Conditional on "still nobody's", so two accounts created at once cannot both own it.
    if (await claimOwnership(campaign._id, uid)) return 'owner';
    return joinDemo(user, opts);
  }
  if (!opts.explicit) {
    // Automatic: only the first lead joins, and only when no lead is on the demo yet.
    if (user.role !== 'lead') return null;
    const leadIds = [campaign.ownerId, ...(campaign.coLeadIds ?? [])];
    const leads = await countLeadsAmong(leadIds);
    if (leads > 0) return null;
  }
  await setMember(String(campaign._id), uid, 'coLead', true);
  return 'coLead';
}

function isMember(campaign: Campaign, userId: string): boolean {
  return String(campaign.ownerId) === userId || (campaign.coLeadIds ?? []).some((id) => String(id) === userId);
}

/** True when the demo campaign has been loaded (the setup page then offers nothing to tick). */
export async function demoLoaded(): Promise<boolean> {
  return (await findBySeedKey(DEMO_SEED_KEY)) !== null;
}
