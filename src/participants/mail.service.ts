import { rememberLinkBase } from '../campaigns/campaign.service.js';
import { campaignText } from '../campaigns/campaign.texts.js';
import mongoose from 'mongoose';
import { campaignsClosingSoon, campaignsWithReminders } from '../campaigns/campaign.queries.js';
import { isDuplicateKey } from '../db/mongo.js';
import type { Campaign } from '../campaigns/campaign.service.js';
import { isLang, type Lang } from '../shared/i18n/index.js';
import type { Logger } from '../shared/logger.js';
import type { Mailer } from './mailer/mailer.js';
import { renderMail, type MailKind } from './mailer/templates.js';
import { ParticipantMailClaimModel, ParticipantModel, type ParticipantRecord } from './participant.model.js';
import { issueTokens } from './participant.service.js';

const { trusted } = mongoose;

/** One click or one job run sends at most this many e-mails, so no request or run takes forever. */
export const MAIL_BATCH = 500;
const DAY_MS = 24 * 3600 * 1000;

export interface MailFailure {
  email: string;
  error: string;
}

export interface MailRunResult {
  sent: number;
  failed: MailFailure[];
  /** Still waiting after this batch (invitations only). */
  remaining: number;
}

function mailLang(campaign: Campaign, p: ParticipantRecord): Lang {
  const languages = campaign.languages as Lang[];
  return isLang(p.lang) && languages.includes(p.lang) ? p.lang : (languages[0] ?? 'de');
}

/** A short, single-line reason for the lead (SMTP replies can be long and multi-line). */
function reason(err: unknown): string {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string };
  const text = e.response ?? e.message ?? String(err);
  return `${e.responseCode ?? e.code ?? 'error'}: ${text}`.replace(/\s+/g, ' ').slice(0, 300);
}

async function sendOne(mailer: Mailer, campaign: Campaign, p: ParticipantRecord, kind: MailKind, linkBase: string): Promise<void> {
  // Each e-mail carries a fresh token; the hashes of earlier e-mails stay valid.
  const tokens = await issueTokens([{ id: String(p._id) }]);
  const link = `${linkBase.replace(/\/$/, '')}/p/${tokens.get(String(p._id))}`;
  const lang = mailLang(campaign, p);
  const title = campaignText(campaign, lang).titleText;
  const content = renderMail(kind, lang, {
    campaignTitle: title.text,
    titleFallbackLang: title.fallback && title.lang ? title.lang : undefined,
    name: p.name ?? '',
    link,
    anonymous: campaign.anonymity === 'anonymous',
    address: campaign.address === 'du' ? 'du' : 'sie',
    senderName: campaign.mailing?.senderName ?? '',
    closesAt: campaign.closesAt ?? undefined,
  });
  await mailer.send({ to: p.email, fromName: campaign.mailing?.senderName || undefined, replyTo: campaign.mailing?.replyTo || undefined, ...content });
}

const notInvitedYet = (campaignId: mongoose.Types.ObjectId): mongoose.QueryFilter<unknown> => ({
  campaignId,
  status: 'invited',
  email: trusted({ $ne: '' }),
  'mail.invitedAt': null,
});

/**
 * Sends the invitation to every participant with an e-mail address who has not been invited yet
 * (at most MAIL_BATCH per call). Each participant is claimed with a single-document update before
 * sending, so two clicks (or two app instances) never send the same invitation twice. A failure
 * is recorded on that participant and reported; it does not stop the batch.
 */
export async function sendInvitations(
  campaign: Campaign,
  mailer: Mailer,
  linkBase: string,
  now = new Date(),
): Promise<MailRunResult> {
  // Remember where links point, for reminders sent by the job (which has no request).
  await rememberLinkBase(campaign._id, linkBase);
  const candidates = await ParticipantModel.find(notInvitedYet(campaign._id)).sort({ _id: 1 }).limit(MAIL_BATCH).lean<ParticipantRecord[]>();
  const result: MailRunResult = { sent: 0, failed: [], remaining: 0 };
  for (const p of candidates) {
    const claimed = await ParticipantModel.findOneAndUpdate(
      { _id: p._id, status: 'invited', 'mail.invitedAt': null },
      { $set: { 'mail.invitedAt': now, 'mail.lastSentAt': now } },
    ).lean();
    if (!claimed) continue;
    try {
      await sendOne(mailer, campaign, p, 'invitation', linkBase);
      result.sent++;
      await ParticipantModel.updateOne({ _id: p._id }, { $set: { 'mail.lastError': '' } });
    } catch (err) {
      const msg = reason(err);
      result.failed.push({ email: p.email, error: msg });
      // Release the claim so the next click retries this recipient.
      await ParticipantModel.updateOne({ _id: p._id }, { $set: { 'mail.invitedAt': null, 'mail.lastSentAt': null, 'mail.lastError': msg } });
    }
  }
  result.remaining = await ParticipantModel.countDocuments(notInvitedYet(campaign._id));
  return result;
}

export interface ReminderRunResult {
  campaigns: number;
  sent: number;
  failed: (MailFailure & { campaignId: string })[];
}

/**
 * The periodic job: for every open campaign with a reminder schedule, e-mails participants who are
 * still `invited` (not responded, not mid-submit), were invited, got fewer than `maxReminders`
 * reminders, and whose last e-mail is at least `reminderAfterDays` old. It reads only the
 * participant's status flag — never responses — so it works the same in anonymous campaigns.
 */
export async function sendDueReminders(
  now: Date,
  deps: { mailer: Mailer; publicBaseUrl?: string; logger?: Logger },
): Promise<ReminderRunResult> {
  const campaigns = await campaignsWithReminders();
  const result: ReminderRunResult = { campaigns: 0, sent: 0, failed: [] };
  for (const campaign of campaigns) {
    const base = deps.publicBaseUrl || campaign.mailing?.linkBaseUrl;
    if (!base) {
      deps.logger?.warn({ campaignId: String(campaign._id) }, 'reminders skipped: no PUBLIC_BASE_URL and no invitation sent from the app yet');
      continue;
    }
    result.campaigns++;
    const max = campaign.mailing!.maxReminders;
    const cutoff = new Date(now.getTime() - campaign.mailing!.reminderAfterDays * DAY_MS);
    const due = await ParticipantModel.find({
      campaignId: campaign._id,
      status: 'invited',
      email: trusted({ $ne: '' }),
      'mail.invitedAt': trusted({ $ne: null }),
      'mail.remindersSent': trusted({ $lt: max }),
      'mail.lastSentAt': trusted({ $lte: cutoff }),
    })
      .sort({ _id: 1 })
      .limit(MAIL_BATCH)
      .lean<ParticipantRecord[]>();
    for (const p of due) {
      // Claim: only if nothing changed since we read it (another instance, or they responded).
      const claimed = await ParticipantModel.findOneAndUpdate(
        { _id: p._id, status: 'invited', 'mail.remindersSent': p.mail?.remindersSent ?? 0, 'mail.lastSentAt': p.mail?.lastSentAt },
        { $set: { 'mail.lastSentAt': now }, $inc: { 'mail.remindersSent': 1 } },
      ).lean();
      if (!claimed) continue;
      try {
        await sendOne(deps.mailer, campaign, p, 'reminder', base);
        result.sent++;
        await ParticipantModel.updateOne({ _id: p._id }, { $set: { 'mail.lastError': '' } });
      } catch (err) {
        const msg = reason(err);
        result.failed.push({ campaignId: String(campaign._id), email: p.email, error: msg });
        // Not counted as a reminder; tried again one interval later (lastSentAt = now).
        await ParticipantModel.updateOne({ _id: p._id }, { $set: { 'mail.lastError': msg }, $inc: { 'mail.remindersSent': -1 } });
      }
    }
  }
  if (result.sent || result.failed.length) deps.logger?.info({ sent: result.sent, failed: result.failed.length }, 'participant reminders sent');
  return result;
}

/**
 * "Closing soon" (issue 17): one reminder `mailing.reminderBeforeCloseDays` days before an open
 * campaign's `closesAt` to every participant who has a personal link (invited by e-mail, or links
 * exported for a mail merge), an e-mail address, and has not answered (status `invited`). Exactly
 * once per participant and close date, also with several instances: a unique fence
 * (`participant_mail_claims`, `<participantId>:closing:<closesAt ms>`) is inserted before sending
 * — a conditional update alone is not atomic on FerretDB 1.x. A failed send removes the fence, so
 * the next run tries again; a moved close date is a new date and gets its own reminder.
 */
export async function sendClosingReminders(now: Date, deps: { mailer: Mailer; publicBaseUrl?: string; logger?: Logger }): Promise<ReminderRunResult> {
  const result: ReminderRunResult = { campaigns: 0, sent: 0, failed: [] };
  for (const campaign of await campaignsClosingSoon(now)) {
    const base = deps.publicBaseUrl || campaign.mailing?.linkBaseUrl;
    if (!base) {
      deps.logger?.warn({ campaignId: String(campaign._id) }, 'closing reminders skipped: no PUBLIC_BASE_URL and no invitation sent from the app yet');
      continue;
    }
    result.campaigns++;
    const closesAt = campaign.closesAt!;
    const candidates = await ParticipantModel.find({
      campaignId: campaign._id,
      status: 'invited',
      email: trusted({ $ne: '' }),
      'mail.closingReminderFor': trusted({ $ne: closesAt }),
    })
      .sort({ _id: 1 })
      .lean<ParticipantRecord[]>();
    // Only people who have a personal link (the public link has no addressee).
    const due = candidates.filter((p) => p.mail?.invitedAt || (p.tokenHashes?.length ?? 0) > 0).slice(0, MAIL_BATCH);
    for (const p of due) {
      const fence = `${String(p._id)}:closing:${closesAt.getTime()}`;
      try {
        await ParticipantMailClaimModel.create({ _id: fence, at: now });
      } catch (err) {
        if (isDuplicateKey(err)) continue; // sent already, or another instance is sending it
        throw err;
      }
      try {
        await sendOne(deps.mailer, campaign, p, 'closing', base);
        result.sent++;
        await ParticipantModel.updateOne({ _id: p._id }, { $set: { 'mail.closingReminderFor': closesAt, 'mail.lastSentAt': now, 'mail.lastError': '' } });
      } catch (err) {
        const msg = reason(err);
        result.failed.push({ campaignId: String(campaign._id), email: p.email, error: msg });
        await ParticipantMailClaimModel.deleteOne({ _id: fence });
        await ParticipantModel.updateOne({ _id: p._id }, { $set: { 'mail.lastError': msg } });
      }
    }
  }
  if (result.sent || result.failed.length) deps.logger?.info({ sent: result.sent, failed: result.failed.length }, 'closing-soon reminders sent');
  return result;
}

/**
 * Runs the "closing soon" reminders, then `sendDueReminders`, every `intervalMs` (src/server.ts);
 * returns a stop function. Closing first: it counts as the participant's last e-mail, so the
 * regular reminder does not follow it in the same run.
 */
export function startReminderJob(deps: { mailer: Mailer; publicBaseUrl?: string; logger: Logger; intervalMs?: number }): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return; // a slow SMTP server must not make runs overlap
    running = true;
    sendClosingReminders(new Date(), deps)
      .then(() => sendDueReminders(new Date(), deps))
      .catch((err: unknown) => deps.logger.error({ err }, 'reminder job failed'))
      .finally(() => {
        running = false;
      });
  }, deps.intervalMs ?? 15 * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
