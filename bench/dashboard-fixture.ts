/**
 * A big synthetic campaign in the app's own collections, for the dashboard and run-progress
 * benchmarks: the four-question template with department and location segments, and one stored
 * response per synthetic respondent (bench/synthetic-campaign.ts: sentences of the shared
 * labelled set recombined, seeded). Responses are inserted in batches with the documents the
 * app itself stores (string `_id`, segments, answers), so the analysis and the dashboard read
 * exactly what they would read after real submissions.
 */
import path from 'node:path';
import mongoose from 'mongoose';
import { changeStatus, createCampaign, type Campaign } from '../src/campaigns/campaign.service.js';
import { campaignInputSchema } from '../src/campaigns/campaign.schemas.js';
import { interviewTemplate } from '../src/campaigns/interview-template.js';
import { ResponseModel } from '../src/responses/response.model.js';
import { repoRoot } from './lib/report.js';
import { generateCampaign } from './synthetic-campaign.js';

export const SHARED_DATA = path.resolve(repoRoot, '..', 'shared', 'data', 'interviews-dev.jsonl');

const slug = (s: string) => {
  const k = s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(k) ? k.slice(0, 40) : `v_${k}`.slice(0, 40);
};

/** Creates and opens the campaign and stores `answers` synthetic answers (4 per respondent). */
export async function seedSyntheticCampaign(ownerId: string, answers: number, seed = 7): Promise<{ campaign: Campaign; respondents: number; answers: number }> {
  const rows = generateCampaign(SHARED_DATA, answers, seed);
  // The shared data has many small departments: keep the 11 most common, the rest are "Other".
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.segments.department, (counts.get(r.segments.department) ?? 0) + 1);
  const top = new Set([...counts].sort((a, b) => b[1] - a[1]).slice(0, 11).map(([d]) => d));
  for (const r of rows) if (!top.has(r.segments.department)) r.segments = { ...r.segments, department: 'Other' };
  const departments = [...new Set(rows.map((r) => r.segments.department))].sort();
  const locations = [...new Set(rows.map((r) => r.segments.location))].sort();
  const option = (v: string) => ({ key: slug(v), label: { de: v, en: v } });
  const template = interviewTemplate();
  const input = campaignInputSchema.parse({
    ...template,
    title: `Bench campaign (${answers} answers)`,
    segments: [
      { key: 'department', label: { de: 'Bereich', en: 'Department' }, required: false, options: departments.map(option) },
      { key: 'location', label: { de: 'Standort', en: 'Location' }, required: false, options: locations.map(option) },
    ],
  });
  const draft = await createCampaign(input, { ownerId });
  const campaign = await changeStatus(String(draft._id), 'open');
  const byRespondent = new Map<string, typeof rows>();
  for (const r of rows) {
    if (!byRespondent.has(r.respondent)) byRespondent.set(r.respondent, []);
    byRespondent.get(r.respondent)!.push(r);
  }
  const now = new Date();
  const docs = [...byRespondent].map(([respondent, list]) => ({
    _id: `s_${String(campaign._id)}_${respondent}`,
    campaignId: campaign._id as mongoose.Types.ObjectId,
    status: 'submitted',
    lang: list[0].lang === 'en' ? 'en' : 'de',
    consent: { version: 'bench', at: now },
    segments: { department: slug(list[0].segments.department), location: slug(list[0].segments.location) },
    answers: Object.fromEntries(list.map((a) => [a.question, { text: a.text, mode: 'text', updatedAt: now }])),
    submissionId: respondent,
    submittedAt: now,
    source: 'api',
  }));
  for (let i = 0; i < docs.length; i += 500) await ResponseModel.insertMany(docs.slice(i, i + 500), { ordered: false });
  return { campaign, respondents: docs.length, answers: rows.length };
}

export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
