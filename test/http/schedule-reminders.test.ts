import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { SMTPServer } from 'smtp-server';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { createMailer, type Mailer } from '../../src/participants/mailer/mailer.js';
import { sendClosingReminders, sendDueReminders, sendInvitations } from '../../src/participants/mail.service.js';
import { ParticipantMailClaimModel, ParticipantModel } from '../../src/participants/participant.model.js';
import { staffClient, testApp } from '../helpers/app.js';
import { openTemplateCampaign } from '../helpers/fixtures.js';
import { useTestDb } from '../helpers/test-db.js';

const DAY = 24 * 3600 * 1000;

describe('schedule: reminders before the close date (issue 17, item 5)', () => {
  useTestDb('schedule_reminders');
  const inbox: Array<{ to: string[]; raw: string }> = [];
  let server: SMTPServer;
  let mailer: Mailer;

  before(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    mailer = createMailer({ url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, from: 'voice@example.com' });
  });
  after(async () => {
    mailer.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    inbox.length = 0;
  });
  const mailTo = (address: string) => inbox.filter((m) => m.to.includes(address));

  it('when the close date is N days away, then each participant with a personal link who has not answered gets ONE reminder, also with two instances racing', async () => {
    const c = await openTemplateCampaign({ title: 'Closing test' });
    await CampaignModel.updateMany({ _id: mongoose.trusted({ $ne: c._id }) }, { $set: { status: 'closed' } });
    const t0 = new Date();
    const closesAt = new Date(Date.UTC(t0.getUTCFullYear() + 1, 0, 20, 17, 0));
    // Default: 2 days before; the regular reminders are off here so only the closing one counts.
    await CampaignModel.updateOne({ _id: c._id }, { $set: { closesAt, 'mailing.reminderAfterDays': 0 } });
    const stored = (await CampaignModel.findById(c._id).lean())!;
    expect(stored.mailing?.reminderBeforeCloseDays).to.equal(2);
    const add = (emails: string[], extra: Record<string, unknown> = {}) =>
      ParticipantModel.insertMany(emails.map((email) => ({ campaignId: c._id, key: `${String(c._id)}:${email}`, email, lang: 'en', ...extra })));
    await add(['wait@example.com', 'done@example.com']);
    await sendInvitations(stored as never, mailer, 'https://voice.example.com', t0);
    expect(inbox.map((m) => m.to[0]).sort()).to.deep.equal(['done@example.com', 'wait@example.com']);
    await ParticipantModel.updateOne({ email: 'done@example.com' }, { $set: { status: 'responded' } });
    // merge@ got its link through the CSV export for a mail merge (a token hash, no invitation
    // e-mail); never@ has no personal link at all.
    await add(['merge@example.com'], { tokenHashes: ['x'.repeat(43)] });
    await add(['never@example.com']);
    inbox.length = 0;

    const early = await sendClosingReminders(new Date(closesAt.getTime() - 3 * DAY), { mailer, publicBaseUrl: 'https://voice.example.com' });
    expect(early.sent).to.equal(0);

    const at = new Date(closesAt.getTime() - 2 * DAY + 60_000);
    const [a, b] = await Promise.all([
      sendClosingReminders(at, { mailer, publicBaseUrl: 'https://voice.example.com' }),
      sendClosingReminders(at, { mailer, publicBaseUrl: 'https://voice.example.com' }),
    ]);
    expect(a.sent + b.sent).to.equal(2);
    expect(mailTo('wait@example.com')).to.have.length(1);
    expect(mailTo('merge@example.com')).to.have.length(1);
    expect(mailTo('done@example.com')).to.have.length(0);
    expect(mailTo('never@example.com')).to.have.length(0);
    const raw = mailTo('wait@example.com')[0].raw.replace(/=\r?\n/g, '').replace(/\r?\n\s+/g, ' ');
    expect(raw).to.match(/Subject: Only until 20 January \d{4} at 17:00 UTC: Closing test/);
    expect(raw).to.match(/https:\/\/voice\.example\.com\/p\/[A-Za-z0-9_-]{43}/);

    // Later runs (the job every 15 minutes) send nothing more for this close date, nor does the
    // regular reminder pile on.
    expect((await sendClosingReminders(new Date(at.getTime() + DAY), { mailer })).sent).to.equal(0);
    expect((await sendDueReminders(new Date(at.getTime() + DAY), { mailer })).sent).to.equal(0);
    expect(inbox).to.have.length(2);
    const wait = await ParticipantModel.findOne({ email: 'wait@example.com' }).lean();
    expect(wait?.mail?.closingReminderFor?.toISOString()).to.equal(closesAt.toISOString());
    expect(await ParticipantMailClaimModel.countDocuments({})).to.equal(2);

    // After the close date, or with 0 days, nothing goes out.
    await CampaignModel.updateOne({ _id: c._id }, { $set: { closesAt: new Date(closesAt.getTime() + 7 * DAY), 'mailing.reminderBeforeCloseDays': 0 } });
    expect((await sendClosingReminders(new Date(closesAt.getTime() + 6 * DAY), { mailer, publicBaseUrl: 'https://voice.example.com' })).sent).to.equal(0);
  });

  it('when the lead sets the days on the participants page, then they are stored; a bad value is refused with the input kept', async () => {
    const app = testApp();
    const staff = await staffClient(app, 'admin');
    const c = await openTemplateCampaign();
    const path = `/lead/campaigns/${String(c._id)}/participants`;
    const page = await staff.get(path).set('Accept-Language', 'de').expect(200);
    expect(page.text).to.include('Erinnerung … Tage vor dem Schließen (0 = keine)');
    expect(page.text).to.match(/name="reminderBeforeCloseDays"[^>]*value="2"/);
    const settings = { senderName: '', replyTo: '', reminderAfterDays: '7', maxReminders: '2', minGroupSize: '5' };
    await staff.post(`${path}/settings`).type('form').send({ ...settings, reminderBeforeCloseDays: '3' }).expect(303);
    expect((await CampaignModel.findById(c._id).lean())?.mailing?.reminderBeforeCloseDays).to.equal(3);
    const bad = await staff.post(`${path}/settings`).type('form').send({ ...settings, reminderBeforeCloseDays: '-1' }).expect(400);
    expect(bad.text).to.match(/name="reminderBeforeCloseDays"[^>]*value="-1"/);
    expect((await CampaignModel.findById(c._id).lean())?.mailing?.reminderBeforeCloseDays).to.equal(3);
  });
});
