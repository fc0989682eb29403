import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Address } from '../shared/i18n/index.js';
import { projectRoot } from '../shared/paths.js';
import { campaignInputSchema, type CampaignInput } from './campaign.schemas.js';

interface Template {
  input: CampaignInput;
  /** German question wording per key in both forms of address (the file's prompts say "Du"). */
  promptsDe: Record<Address, Record<string, string>>;
}

let cached: Template | undefined;

function load(): Template {
  if (!cached) {
    const raw: unknown = JSON.parse(readFileSync(path.join(projectRoot(), 'seeds', 'data', 'interview-template.json'), 'utf8'));
    const input = campaignInputSchema.parse(raw);
    const { promptsDeSie } = z.object({ promptsDeSie: z.record(z.string(), z.string().min(1)) }).parse(raw);
    const own = Object.fromEntries(input.questions.map((q) => [q.key, q.prompt.de]));
    const other = input.address === 'du' ? { du: own, sie: promptsDeSie } : { du: promptsDeSie, sie: own };
    cached = { input, promptsDe: other };
  }
  return cached;
}

/**
 * The four-question digital-workplace interview (seeds/data/interview-template.json), validated
 * with the same schema as a lead's input, so a broken template fails loudly at first use. Its
 * questions say "Du" (the D2M original), so its `address` is "du".
 */
export function interviewTemplate(): CampaignInput {
  return structuredClone(load().input);
}

/**
 * The template's German questions follow the campaign's form of address: a question still worded
 * exactly as in the template (in either form) gets the template's wording in `address`. Questions
 * a lead wrote or changed are left alone (the campaign page points out wording in the other form).
 */
export function withTemplateWording<T extends { address?: Address; questions: Array<{ key: string; prompt: { de?: string } }> }>(input: T): T {
  const address = input.address ?? 'sie';
  const { promptsDe } = load();
  const other: Address = address === 'du' ? 'sie' : 'du';
  return {
    ...input,
    questions: input.questions.map((q) =>
      q.prompt.de && q.prompt.de === promptsDe[other][q.key] && promptsDe[address][q.key] ? { ...q, prompt: { ...q.prompt, de: promptsDe[address][q.key] } } : q,
    ),
  };
}
