import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Address } from '../shared/i18n/index.js';
import { projectRoot } from '../shared/paths.js';
import { campaignInputSchema, type CampaignInput } from './campaign.schemas.js';

interface Template {
  input: CampaignInput;
  /** The optional "digital readiness" block (two scale questions), validated with the questions. */
  readiness: CampaignInput['questions'];
  /** German question wording per key in both forms of address (the file's prompts say "Du"). */
  promptsDe: Record<Address, Record<string, string>>;
}

let cached: Template | undefined;

function load(): Template {
  if (!cached) {
    const raw = JSON.parse(readFileSync(path.join(projectRoot(), 'seeds', 'data', 'interview-template.json'), 'utf8')) as Record<string, unknown>;
    const input = campaignInputSchema.parse(raw);
    const { promptsDeSie, readinessBlock } = z
      .object({ promptsDeSie: z.record(z.string(), z.string().min(1)), readinessBlock: z.array(z.unknown()).default([]) })
      .parse(raw);
    // The block is checked as part of the template (keys unique, scales complete).
    const withBlock = campaignInputSchema.parse({ ...raw, questions: [...(raw.questions as unknown[]), ...readinessBlock] });
    const readiness = withBlock.questions.slice(input.questions.length);
    const own = Object.fromEntries(withBlock.questions.map((q) => [q.key, q.prompt.de]));
    const other = input.address === 'du' ? { du: own, sie: promptsDeSie } : { du: promptsDeSie, sie: own };
    cached = { input, readiness, promptsDe: other };
  }
  return cached;
}

/**
 * The four-question digital-workplace interview (seeds/data/interview-template.json), validated
 * with the same schema as a lead's input, so a broken template fails loudly at first use. Its
 * questions say "Du" (the D2M original), so its `address` is "du". With `readiness`, the
 * "digital readiness" block (two rating scales, issue 17) follows the four questions; the lead's
 * new-campaign form offers it switched on, and the lead can switch it off.
 */
export function interviewTemplate(opts: { readiness?: boolean } = {}): CampaignInput {
  const { input, readiness } = load();
  return structuredClone(opts.readiness ? { ...input, questions: [...input.questions, ...readiness] } : input);
}

/** The questions of the "digital readiness" block, as the template defines them. */
export function readinessQuestions(): CampaignInput['questions'] {
  return structuredClone(load().readiness);
}

/** Keys of the block's questions: a campaign asks the block when it has these questions. */
export function readinessKeys(): string[] {
  return load().readiness.map((q) => q.key);
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
