import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { createMailer, type Mailer } from '../../src/participants/mailer/mailer.js';
import { sendDueReminders, sendInvitations } from '../../src/participants/mail.service.js';
import { ParticipantModel } from '../../src/participants/participant.model.js';
import { respondentPost, staffClient, testApp } from '../helpers/app.js';
import { openTemplateCampaign } from '../helpers/fixtures.js';
import { useTestDb } from '../helpers/test-db.js';

interface Received {
  to: string[];
  raw: string;
}

/** Decodes a quoted-printable body well enough to read links and words. */
function decodeQp(s: string): string {
  const joined = s.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === '=' && /^[0-9A-F]{2}$/.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(joined[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

const DAY = 24 * 3600 * 1000;

describe('participant e-mails against a real local SMTP server', () => {
  useTestDb('participants_mail');
  const inbox: Received[] = [];
  let server: SMTPServer;
  let mailer: Mailer;
  let port: number;

  before(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, cb) {
        // A mailbox that does not exist: the server refuses this one recipient.
        if (address.address.startsWith('bounce')) return cb(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
        cb();
      },
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
    port = (server.server.address() as AddressInfo).port;
    mailer = createMailer({ url: `smtp://127.0.0.1:${port}`, from: 'voice@example.com' });
  });

  after(async () => {
    mailer.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    inbox.length = 0;
  });

  const mailTo = (address: string) => inbox.filter((m) => m.to.includes(address));
  const linkIn = (raw: string) => /https:\/\/voice\.example\.com\/p\/([A-Za-z0-9_-]{43})/.exec(decodeQp(raw))?.[1];

  it('when invitations are sent, then each arrives in its language with a working personal link and the campaign sender, and a refused recipient is reported', async () => {
    const app = testApp({ mailer, publicBaseUrl: 'https://voice.example.com' });
    const c = await openTemplateCampaign({ title: 'Workplace North' });
    await CampaignModel.updateOne({ _id: c._id }, { $set: { 'mailing.senderName': 'Projekt Nord', 'mailing.replyTo': 'projekt@example.com' } });
    await (await staff(app))
      .post(`/lead/campaigns/${String(c._id)}/participants/import`)
      .field('csv', 'email;name;sprache\nde@example.com;Dana;de\nen@example.com;Eli;en\nbounce@example.com;Bo;de\n;Ohne Mail;de\n')
      .field('action', 'confirm')
      .expect(303);

    const page = await (await staff(app)).post(`/lead/campaigns/${String(c._id)}/participants/invite`).set('Accept-Language', 'en').expect(200);
    expect(page.text).to.include('2 e-mails sent.');
    expect(page.text).to.include('1 e-mails could not be delivered');
    expect(page.text).to.include('bounce@example.com');

    const de = mailTo('de@example.com');
    const en = mailTo('en@example.com');
    expect(de).to.have.length(1);
    expect(en).to.have.length(1);
    expect(mailTo('bounce@example.com')).to.have.length(0);
    // The template campaign says "Du" (like its questions): so does its German e-mail.
    expect(de[0].raw).to.match(/^Subject: Deine Meinung ist gefragt: Workplace North/m);
    expect(decodeQp(de[0].raw)).to.include('wir laden Dich zur Befragung');
    expect(decodeQp(de[0].raw)).to.include('Hallo Dana,');
    expect(en[0].raw).to.match(/^Subject: Your view matters: Workplace North/m);
    expect(decodeQp(en[0].raw)).to.include('Hello Eli,');
    expect(de[0].raw).to.match(/^From: Projekt Nord <voice@example\.com>/m);
    expect(de[0].raw).to.match(/^Reply-To: projekt@example\.com/m);

    // The link in the e-mail redeems into the campaign.
    const token = linkIn(de[0].raw)!;
    const redeemed = await request(app).get(`/p/${token}`).expect(303);
    expect(redeemed.headers.location).to.equal(`/r/${c.publicToken}`);

    const stored = await ParticipantModel.find({ campaignId: c._id }).lean();
    const byEmail = new Map(stored.map((p) => [p.email, p]));
    expect(byEmail.get('de@example.com')!.mail?.invitedAt).to.be.instanceOf(Date);
    expect(byEmail.get('bounce@example.com')!.mail?.invitedAt).to.equal(null);
    expect(byEmail.get('bounce@example.com')!.mail?.lastError).to.include('550');

    // A second click sends nothing new to those already invited.
    inbox.length = 0;
    await (await staff(app)).post(`/lead/campaigns/${String(c._id)}/participants/invite`).expect(200);
    expect(mailTo('de@example.com')).to.have.length(0);
  });

  it('when reminders are due, then only participants who have not responded get them, on schedule and at most maxReminders times', async () => {
    const c = await openTemplateCampaign({ title: 'Reminder test', anonymity: 'anonymous' });
    await CampaignModel.updateOne({ _id: c._id }, { $set: { 'mailing.reminderAfterDays': 7, 'mailing.maxReminders': 2 } });
    // The job covers every open campaign: close the other tests' campaigns so counts are this one's.
    await CampaignModel.updateMany({ _id: mongoose.trusted({ $ne: c._id }) }, { $set: { status: 'closed' } });
    const campaign = (await CampaignModel.findById(c._id).lean())!;
    await ParticipantModel.insertMany(
      ['wait@example.com', 'done@example.com', 'bounce-later@example.com'].map((email) => ({ campaignId: c._id, key: `${String(c._id)}:${email}`, email, lang: 'en' })),
    );
    const t0 = new Date();
    const sent = await sendInvitations(campaign as never, mailer, 'https://voice.example.com', t0);
    expect(sent.sent).to.equal(2);
    expect(sent.failed.map((f) => f.email)).to.deep.equal(['bounce-later@example.com']);
    // done@ answers (only the flag is set — that is all the job can see).
    await ParticipantModel.updateOne({ email: 'done@example.com', campaignId: c._id }, { $set: { status: 'responded' } });

    inbox.length = 0;
    const early = await sendDueReminders(new Date(t0.getTime() + 6 * DAY), { mailer, publicBaseUrl: 'https://voice.example.com' });
    expect(early.sent).to.equal(0);
    expect(inbox).to.have.length(0);

    const first = await sendDueReminders(new Date(t0.getTime() + 8 * DAY), { mailer, publicBaseUrl: 'https://voice.example.com' });
    expect(first.sent).to.equal(1);
    expect(inbox.map((m) => m.to[0])).to.deep.equal(['wait@example.com']);
    expect(inbox[0].raw).to.match(/^Subject: Reminder: Reminder test/m);
    const reminderToken = linkIn(inbox[0].raw)!;

    // The same run time again sends nothing; later runs send the second reminder, then stop.
    expect((await sendDueReminders(new Date(t0.getTime() + 8 * DAY), { mailer })).sent).to.equal(0);
    expect((await sendDueReminders(new Date(t0.getTime() + 16 * DAY), { mailer })).sent).to.equal(1);
    expect((await sendDueReminders(new Date(t0.getTime() + 30 * DAY), { mailer })).sent).to.equal(0);
    expect(mailTo('done@example.com')).to.have.length(0);
    const wait = await ParticipantModel.findOne({ email: 'wait@example.com', campaignId: c._id }).lean();
    expect(wait!.mail?.remindersSent).to.equal(2);
    // Every e-mail's link stays valid: the invitation's and the reminders' hashes are all kept.
    expect(wait!.tokenHashes).to.have.length(3);
    const app = testApp();
    await request(app).get(`/p/${reminderToken}`).expect(303);
  });

  it('when the SMTP server is down, then each recipient gets a failure entry and nothing crashes', async () => {
    const c = await openTemplateCampaign();
    await ParticipantModel.insertMany(['x@example.com', 'y@example.com'].map((email) => ({ campaignId: c._id, key: `${String(c._id)}:${email}`, email })));
    const dead = createMailer({ url: 'smtp://127.0.0.1:1', from: 'voice@example.com', timeoutMs: 2000 });
    const campaign = (await CampaignModel.findById(c._id).lean())!;
    const result = await sendInvitations(campaign as never, dead, 'https://voice.example.com');
    dead.close();
    expect(result.sent).to.equal(0);
    expect(result.failed.map((f) => f.email).sort()).to.deep.equal(['x@example.com', 'y@example.com']);
    expect(result.remaining).to.equal(2);
    const stored = await ParticipantModel.find({ campaignId: c._id }).lean();
    expect(stored.every((p) => p.mail?.invitedAt === null && (p.mail?.lastError ?? '').length > 0)).to.equal(true);
  });

  it('when SMTP is not configured, then the invite button answers 409 and sends nothing', async () => {
    const app = testApp();
    const c = await openTemplateCampaign();
    await (await staff(app)).post(`/lead/campaigns/${String(c._id)}/participants/invite`).expect(409);
    const page = await (await staff(app)).get(`/lead/campaigns/${String(c._id)}/participants`).set('Accept-Language', 'en').expect(200);
    expect(page.text).to.include('E-mail is not set up');
  });
});

/** One signed-in admin client per app (admins see every campaign the tests create). */
const staffByApp = new WeakMap<object, ReturnType<typeof staffClient>>();
function staff(app: Parameters<typeof staffClient>[0]) {
  let client = staffByApp.get(app);
  if (!client) {
    client = staffClient(app, 'admin');
    staffByApp.set(app, client);
  }
  return client;
}
