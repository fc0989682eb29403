import { campaignSummaryOf } from '../campaigns/campaign.queries.js';
import { findByToken } from '../participants/participant.service.js';
import { participantRecord } from '../participants/participant.queries.js';
import { responsesOfParticipant } from '../responses/response.queries.js';
import { notFound } from '../shared/errors.js';
import { plainRecord } from '../db/mongo.js';

/** Accepts a whole personal link (`https://…/p/<token>`) or the bare token. */
export function tokenFromLink(input: string): string {
  const trimmed = input.trim().slice(0, 2000);
  const m = /\/p\/([A-Za-z0-9_-]+)\/?(?:[?#].*)?$/.exec(trimmed);
  return m ? m[1] : trimmed;
}


/**
 * Everything stored about the person behind one personal link (GDPR Art. 15 access request).
 * In anonymous campaigns responses are not linked to participants by design, so none can be
 * included — the export says so instead of guessing.
 */
export async function exportForPersonalLink(input: string): Promise<Record<string, unknown>> {
  const link = await findByToken(tokenFromLink(input));
  if (!link) throw notFound('Personal link');
  const [participant, campaign] = await Promise.all([
    participantRecord(link.participantId),
    campaignSummaryOf(link.campaignId),
  ]);
  if (!participant || !campaign) throw notFound('Personal link');
  const identified = campaign.anonymity === 'identified';
  const responses = identified ? await responsesOfParticipant(participant._id) : [];
  return {
    exportedAt: new Date().toISOString(),
    campaign: { id: String(campaign._id), title: campaign.title, anonymity: campaign.anonymity, status: campaign.status, retainUntil: campaign.retainUntil ?? null },
    participant: {
      email: participant.email,
      name: participant.name,
      language: participant.lang || null,
      segments: plainRecord(participant.segments),
      status: participant.status,
      respondedAt: participant.respondedAt ?? null,
      invitedAt: participant.mail?.invitedAt ?? null,
      lastEmailAt: participant.mail?.lastSentAt ?? null,
      remindersSent: participant.mail?.remindersSent ?? 0,
      lastEmailError: participant.mail?.lastError || null,
      personalLinksIssued: participant.tokenHashes.length,
      createdAt: participant.createdAt,
    },
    responses: responses.map((r) => ({
      id: String(r._id),
      submittedAt: r.submittedAt,
      language: r.lang,
      consent: r.consent,
      segments: plainRecord(r.segments),
      // Open answers as their text; closed answers (issue 17) with their value, choices or ranking.
      answers: Object.fromEntries(
        Object.entries(plainRecord(r.answers)).map(([k, a]) =>
          typeof a?.value === 'number' || a?.choices?.length || a?.ranking?.length
            ? [k, { text: a.text ?? '', ...(typeof a.value === 'number' ? { value: a.value } : {}), ...(a.choices?.length ? { choices: [...a.choices] } : {}), ...(a.ranking?.length ? { ranking: [...a.ranking] } : {}) }]
            : [k, a?.text ?? ''],
        ),
      ),
    })),
    notes: identified
      ? ['Responses given through this personal link are listed above.']
      : [
          'This campaign is anonymous: responses are stored without any reference to the participant, so none can be attributed to this link.',
          'Only the fact that this link was used to respond (status, day) is stored about the participant.',
        ],
    notStored: ['IP addresses', 'browser or device details', 'personal link tokens in readable form (only hashes)'],
  };
}
