import type { Campaign } from '../../src/campaigns/campaign.service.js';
import { changeStatus, createCampaign } from '../../src/campaigns/campaign.service.js';
import { campaignInputSchema } from '../../src/campaigns/campaign.schemas.js';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { createFromApi } from '../../src/responses/response.service.js';
import { analyse } from './report.fixtures.js';

export type Answers = { q1: string; q2: string; q3: string; q4: string };

/** "Before rollout": tool chaos, nothing to be found, e-mail everywhere. */
export const BEFORE: Answers[] = [
  { q1: 'Vor allem per E-Mail und im Teams-Chat.', q2: 'Von überall arbeiten können.', q3: 'Zu viele Tools, keiner weiß, wo was liegt, und das WLAN bricht ständig ab.', q4: 'Eine Suche über alle Systeme.' },
  { q1: 'Mostly e-mail and phone calls.', q2: 'All my tools in one place.', q3: 'Too many tools and I can never find the latest version of a document.', q4: 'One search across all systems.' },
  { q1: 'E-Mail, Telefon und ab und zu ein Fax.', q2: 'Papierlos arbeiten.', q3: 'Ich finde nie die aktuelle Version eines Dokuments.', q4: 'Ein Dashboard mit allem, was ich heute brauche.' },
];
/** "6 months after": the tools settled, people and training are the topic now. */
export const AFTER: Answers[] = [
  { q1: 'Wir nutzen jetzt Teams für fast alles.', q2: 'Zusammenarbeit von überall.', q3: 'Viele Kollegen haben Angst vor Veränderung und die Führungskräfte gehen nicht mit gutem Beispiel voran.', q4: 'Mehr Schulungen und einen klaren Trainingsplan für alle.' },
  { q1: 'Mostly Teams chat and video calls.', q2: 'Working from anywhere.', q3: 'People are afraid of change and managers do not lead by example.', q4: 'A clear training plan for everyone.' },
  { q1: 'Teams-Chat und Videokonferenzen, kaum noch E-Mail.', q2: 'Alle Werkzeuge an einem Ort.', q3: 'Zu viele Tools, und keiner weiß, wo was liegt.', q4: 'Eine Suche über alle Systeme und Schulungen.' },
];

/**
 * An open anonymous template campaign of `people` respondents (answers cycling through `texts`,
 * German and English alternating), analysed by a real runner unless `analysed` is false.
 */
export async function seriesCampaign(ownerId: string, title: string, people: number, texts: Answers[], analysed = true): Promise<{ campaign: Campaign; runId: string }> {
  const input = campaignInputSchema.parse({ ...interviewTemplate(), anonymity: 'anonymous', title });
  const campaign = await changeStatus(String((await createCampaign(input, { ownerId }))._id), 'open');
  const tag = title.replace(/\W/g, '').slice(0, 12);
  for (let i = 0; i < people; i++) {
    const lang = i % 2 === 0 ? 'de' : 'en';
    await createFromApi(campaign, { submissionId: `${tag}-${String(i).padStart(3, '0')}`, lang, answers: { ...texts[i % texts.length] }, segments: { department: i % 3 === 0 ? 'it' : 'sales' } });
  }
  if (!analysed) return { campaign, runId: '' };
  return analyse(campaign);
}
