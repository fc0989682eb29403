import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../shared/paths.js';
import { campaignInputSchema, type CampaignInput } from './campaign.schemas.js';

let cached: CampaignInput | undefined;

/**
 * The four-question digital-workplace interview (seeds/data/interview-template.json), validated
 * with the same schema as a lead's input, so a broken template fails loudly at first use.
 */
export function interviewTemplate(): CampaignInput {
  if (!cached) {
    const raw: unknown = JSON.parse(readFileSync(path.join(projectRoot(), 'seeds', 'data', 'interview-template.json'), 'utf8'));
    cached = campaignInputSchema.parse(raw);
  }
  return structuredClone(cached);
}
