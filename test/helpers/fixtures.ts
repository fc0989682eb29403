import { changeStatus, createCampaign } from '../../src/campaigns/campaign.service.js';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';

/** An open campaign from the four-question template. */
export async function openTemplateCampaign(overrides: Partial<ReturnType<typeof interviewTemplate>> = {}) {
  const draft = await createCampaign({ ...interviewTemplate(), ...overrides });
  return changeStatus(String(draft._id), 'open');
}

export const ANSWERS_DE = {
  q1: 'Vor allem per Mail und im Teams-Chat, Fax haben wir abgeschafft.',
  q2: 'Dass ich von überall arbeiten kann – auch im Zug 🚆.',
  q3: 'Zu viele Tools, und keiner weiß, wo was liegt.',
  q4: 'Ein Dashboard mit allem, was ich heute brauche.',
};
