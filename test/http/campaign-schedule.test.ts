import { expect } from 'chai';
import jsQRModule from 'jsqr';
import mongoose from 'mongoose';
import request from 'supertest';
import { CampaignModel, ScheduleClaimModel } from '../../src/campaigns/campaign.model.js';
import { qrSvg } from '../../src/campaigns/campaign.qr.js';
import { applySchedule, STALE_MS } from '../../src/campaigns/campaign.schedule.js';
import { changeStatus, createCampaign, setMember } from '../../src/campaigns/campaign.service.js';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { signIn, testApp, type SignedIn } from '../helpers/app.js';
import { useTestDb } from '../helpers/test-db.js';

const HOUR = 3600_000;
// jsqr is CommonJS whose types declare an ES default export: under NodeNext the import is the module object.
type QrDecode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR: QrDecode = (jsQRModule as unknown as { default?: QrDecode }).default ?? (jsQRModule as unknown as QrDecode);

/**
 * Reads the QR code in an SVG the way a phone's camera would: the dark modules of its path
 * (`M x y`, `m dx dy`, `h n` strokes of one module height, as `qrcode` writes them) are painted
 * into an RGBA image, 8 px per module, which jsQR decodes.
 */
function decodeQrSvg(svg: string): string | null {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  const d = /<path[^>]*stroke="#000000"[^>]*d="([^"]+)"/.exec(svg)?.[1];
  if (!size || !d) return null;
  const scale = 8;
  const px = size * scale;
  const rgba = new Uint8ClampedArray(px * px * 4).fill(255);
  let x = 0;
  let y = 0;
  for (const [, cmd, a, b] of d.matchAll(/([Mmh])(-?[\d.]+)(?:[ ,](-?[\d.]+))?/g)) {
    if (cmd === 'M') [x, y] = [Number(a), Number(b)];
    else if (cmd === 'm') [x, y] = [x + Number(a), y + Number(b)];
    else {
      const row = Math.floor(y);
      for (let col = x; col < x + Number(a); col++) {
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const i = ((row * scale + dy) * px + col * scale + dx) * 4;
            rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
          }
        }
      }
      x += Number(a);
    }
  }
  return jsQR(rgba, px, px)?.data ?? null;
}
const BASE = 'https://voice.example.test';

/** The campaign form as a browser posts it (two questions are enough here). */
function form(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  const f: Record<string, string | string[]> = { title: 'Zeitplan-Test', description: '', languages: ['de', 'en'], anonymity: 'anonymous' };
  ['q1', 'q2'].forEach((key, i) => {
    f[`questions[${i}][key]`] = key;
    f[`questions[${i}][role]`] = 'custom';
    f[`questions[${i}][prompt_de]`] = `Frage ${key}?`;
    f[`questions[${i}][prompt_en]`] = `Question ${key}?`;
    f[`questions[${i}][mode_text]`] = 'on';
  });
  return { ...f, ...overrides };
}

/** `datetime-local` value (UTC) `ms` from now. */
const local = (ms: number) => new Date(Date.now() + ms).toISOString().slice(0, 16);

async function draft(extra: { opensAt?: Date; closesAt?: Date } = {}) {
  const c = await createCampaign({ ...interviewTemplate(), ...extra });
  return c;
}
async function open(extra: { closesAt?: Date } = {}) {
  const c = await draft();
  await changeStatus(String(c._id), 'open');
  if (extra.closesAt) await CampaignModel.updateOne({ _id: c._id }, { $set: { closesAt: extra.closesAt } });
  return c;
}
const reload = async (id: mongoose.Types.ObjectId) => (await CampaignModel.findById(id).lean())!;

describe('campaign schedule: open and close dates (issue 17, item 5)', () => {
  useTestDb('schedule');
  const app = testApp({ publicBaseUrl: BASE });
  let s: SignedIn;
  before(async () => {
    s = await signIn(app, 'lead');
  });

  describe('the campaign form', () => {
    it('when the open date lies in the past, then the form comes back with the input and says what to do (DE and EN)', async () => {
      const past = local(-2 * HOUR);
      const res = await s.agent.post('/lead/campaigns').set('Accept-Language', 'en').type('form').send({ ...form({ title: 'Kept title', opensAt: past }), _csrf: s.csrf }).expect(400);
      expect(res.text).to.include('This time is in the past. Please choose a future time');
      expect(res.text).to.include(`value="${past}"`);
      expect(res.text).to.include('value="Kept title"');
      expect(res.text).to.match(/id="[^"]*opensAt"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*name="opensAt"|name="opensAt"[^>]*aria-invalid="true"/);
      const de = await s.agent.post('/lead/campaigns').set('Accept-Language', 'de').type('form').send({ ...form({ opensAt: past }), _csrf: s.csrf }).expect(400);
      expect(de.text).to.include('Dieser Zeitpunkt liegt in der Vergangenheit');
      expect(await CampaignModel.countDocuments({ title: 'Kept title' })).to.equal(0);
    });

    it('when the close date is not after the open date, then the form says so next to the close date', async () => {
      const opens = local(48 * HOUR);
      const closes = local(24 * HOUR);
      const res = await s.agent.post('/lead/campaigns').set('Accept-Language', 'en').type('form').send({ ...form({ opensAt: opens, closesAt: closes }), _csrf: s.csrf }).expect(400);
      expect(res.text).to.include('The close time must be after the open time');
      expect(res.text).to.include(`value="${opens}"`);
      expect(res.text).to.include(`value="${closes}"`);
      const bad = await s.agent.post('/lead/campaigns').set('Accept-Language', 'de').type('form').send({ ...form({ closesAt: 'morgen' }), _csrf: s.csrf }).expect(400);
      expect(bad.text).to.include('Bitte Datum und Uhrzeit angeben');
    });

    it('when valid dates are saved, then they are stored (UTC) and shown on the campaign page and list in the reader\'s language', async () => {
      const opens = new Date(Date.UTC(2099, 2, 1, 9, 0));
      const closes = new Date(Date.UTC(2099, 2, 15, 17, 30));
      const res = await s.agent.post('/lead/campaigns').type('form').send({ ...form({ title: 'Geplant', opensAt: '2099-03-01T09:00', closesAt: '2099-03-15T17:30' }), _csrf: s.csrf }).expect(303);
      const path = res.headers.location.replace(/\?.*$/, '');
      const stored = await CampaignModel.findById(path.split('/').pop()).lean();
      expect(stored?.opensAt?.toISOString()).to.equal(opens.toISOString());
      expect(stored?.closesAt?.toISOString()).to.equal(closes.toISOString());

      const en = await s.agent.get(path).set('Accept-Language', 'en').expect(200);
      expect(en.text).to.include('Opens automatically on 1 March 2099 at 09:00 UTC');
      expect(en.text).to.include('Closes automatically on 15 March 2099 at 17:30 UTC');
      const de = await s.agent.get(path).set('Accept-Language', 'de').expect(200);
      expect(de.text).to.include('Öffnet automatisch am 1. März 2099 um 09:00 UTC');
      const list = await s.agent.get('/lead').set('Accept-Language', 'de').expect(200);
      expect(list.text).to.include('Schließt automatisch am 15.03.2099, 17:30 UTC');

      // The edit form shows them again; emptying a date removes it.
      const edit = await s.agent.get(`${path}/edit`).expect(200);
      expect(edit.text).to.include('value="2099-03-01T09:00"');
      const version = /name="version" value="(\d+)"/.exec(edit.text)![1];
      await s.agent.post(path).type('form').send({ ...form({ title: 'Geplant', opensAt: '2099-03-01T09:00', closesAt: '' }), version, _csrf: s.csrf }).expect(303);
      const after = await CampaignModel.findById(stored!._id).lean();
      expect(after?.closesAt).to.equal(undefined);
      expect(after?.opensAt?.toISOString()).to.equal(opens.toISOString());
    });

    it('when a campaign is open, then only its close date can be changed (not into the past), with the other safe fields', async () => {
      const c = await open();
      await setMember(String(c._id), new mongoose.Types.ObjectId(s.user.id), 'coLead', true);
      const path = `/lead/campaigns/${String(c._id)}`;
      const edit = await s.agent.get(`${path}/edit`).set('Accept-Language', 'en').expect(200);
      expect(edit.text).to.include('name="closesAt"');
      expect(edit.text).not.to.include('name="opensAt"');
      const version = /name="version" value="(\d+)"/.exec(edit.text)![1];
      const past = local(-HOUR);
      const refused = await s.agent.post(path).set('Accept-Language', 'en').type('form').send({ scope: 'open', title: 'Offen', closesAt: past, version, _csrf: s.csrf }).expect(400);
      expect(refused.text).to.include('or clear the field and close the campaign now');
      expect(refused.text).to.include(`value="${past}"`);
      await s.agent.post(path).type('form').send({ scope: 'open', title: 'Offen', closesAt: '2099-01-01T12:00', version, _csrf: s.csrf }).expect(303);
      expect((await reload(c._id)).closesAt?.toISOString()).to.equal('2099-01-01T12:00:00.000Z');
    });
  });

  describe('the job', () => {
    it('opens due drafts and closes due open campaigns, and leaves every other campaign alone', async () => {
      await CampaignModel.deleteMany({});
      const now = new Date();
      const dueDraft = await draft({ opensAt: new Date(now.getTime() - 60_000) });
      const laterDraft = await draft({ opensAt: new Date(now.getTime() + HOUR) });
      const plainDraft = await draft();
      const dueOpen = await open({ closesAt: new Date(now.getTime() - 1000) });
      const laterOpen = await open({ closesAt: new Date(now.getTime() + HOUR) });
      const plainOpen = await open();

      const r = await applySchedule(now, { instanceId: 'test-a' });
      expect(r.opened).to.deep.equal([String(dueDraft._id)]);
      expect(r.closed).to.deep.equal([String(dueOpen._id)]);

      const opened = await reload(dueDraft._id);
      expect(opened.status).to.equal('open');
      // The same side effects as the lead's button: questions locked, openedAt, a status record.
      expect(opened.questionsLockedAt?.getTime()).to.equal(now.getTime());
      expect(opened.openedAt?.getTime()).to.equal(now.getTime());
      expect(opened.statusChanges).to.have.length(1);
      expect(opened.statusChanges[0]).to.include({ from: 'draft', to: 'open', via: 'schedule', instance: 'test-a' });
      const closed = await reload(dueOpen._id);
      expect(closed.status).to.equal('closed');
      expect(closed.closedAt?.getTime()).to.equal(now.getTime());
      expect(closed.statusChanges.map((x) => `${x.to}/${x.via}`)).to.deep.equal(['open/system', 'closed/schedule']);

      for (const c of [laterDraft, plainDraft]) expect((await reload(c._id)).status).to.equal('draft');
      for (const c of [laterOpen, plainOpen]) expect((await reload(c._id)).status).to.equal('open');
      // A second run finds nothing more to do.
      expect(await applySchedule(new Date(), { instanceId: 'test-a' })).to.deep.equal({ opened: [], closed: [] });
    });

    it('when a lead reopens a campaign the schedule closed, then the passed close date is dropped and the job does not close it again', async () => {
      const c = await open({ closesAt: new Date(Date.now() - 1000) });
      await applySchedule(new Date(), { instanceId: 'test-a' });
      expect((await reload(c._id)).status).to.equal('closed');
      await s.agent.post(`/lead/campaigns/${String(c._id)}/status`).type('form').send({ status: 'open', _csrf: s.csrf }).expect(404); // not this lead's campaign
      await setMember(String(c._id), new mongoose.Types.ObjectId(s.user.id), 'coLead', true);
      await s.agent.post(`/lead/campaigns/${String(c._id)}/status`).type('form').send({ status: 'open', _csrf: s.csrf }).expect(303);
      const reopened = await reload(c._id);
      expect(reopened.status).to.equal('open');
      expect(reopened.closesAt).to.equal(undefined);
      // The lead's change is recorded like the schedule's: who, when, how.
      expect(reopened.statusChanges.at(-1)).to.include({ from: 'closed', to: 'open', via: 'lead' });
      expect(String(reopened.statusChanges.at(-1)?.by)).to.equal(s.user.id);
      await applySchedule(new Date(), { instanceId: 'test-a' });
      expect((await reload(c._id)).status).to.equal('open');
    });

    it('when several runners (instances) race on one database, then each due campaign changes exactly once', async () => {
      await CampaignModel.deleteMany({});
      const now = new Date();
      const due = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? open({ closesAt: new Date(now.getTime() - 1000) }) : draft({ opensAt: new Date(now.getTime() - 1000) }))));
      const runners = ['inst-1', 'inst-2', 'inst-3', 'inst-4'];
      const results = await Promise.all(runners.map((instanceId) => applySchedule(now, { instanceId })));
      const applied = results.flatMap((r) => [...r.opened, ...r.closed]).sort();
      expect(applied).to.deep.equal(due.map((c) => String(c._id)).sort());
      for (const c of due) {
        const doc = await reload(c._id);
        const scheduled = doc.statusChanges.filter((x) => x.via === 'schedule');
        expect(scheduled, String(c._id)).to.have.length(1);
      }
    });

    it('when an instance died holding a fence, then another applies the change once the fence is stale — not before', async () => {
      const c = await open({ closesAt: new Date(Date.now() - 1000) });
      const doc = await reload(c._id);
      const fence = `${String(c._id)}:closed:${doc.closesAt!.getTime()}#1`;
      await ScheduleClaimModel.create({ _id: fence, owner: 'dead-instance', at: new Date() });
      await applySchedule(new Date(), { instanceId: 'test-b' });
      expect((await reload(c._id)).status, 'a fresh fence: its holder may still be at work').to.equal('open');
      await applySchedule(new Date(Date.now() + STALE_MS + 1000), { instanceId: 'test-b' });
      const closed = await reload(c._id);
      expect(closed.status).to.equal('closed');
      expect(closed.statusChanges.filter((x) => x.to === 'closed')).to.have.length(1);
    });
  });

  describe('QR code of the public link', () => {
    it('when the lead asks for it, then an SVG made from the public URL comes back (and a PNG for download)', async () => {
      const res = await s.agent.post('/lead/campaigns').type('form').send({ ...form(), _csrf: s.csrf }).expect(303);
      const path = res.headers.location.replace(/\?.*$/, '');
      const stored = (await CampaignModel.findById(path.split('/').pop()).lean())!;
      const url = `${BASE}/r/${stored.publicToken}`;

      const svg = await s.agent.get(`${path}/qr.svg`).expect(200);
      expect(svg.headers['content-type']).to.match(/^image\/svg\+xml/);
      const body = svg.text || (svg.body as Buffer).toString('utf8');
      expect(body).to.match(/^<svg /);
      // It decodes to the public URL, and it is exactly what the generator makes of that URL.
      expect(decodeQrSvg(body)).to.equal(url);
      expect(body).to.equal(await qrSvg(url));
      expect(body).not.to.equal(await qrSvg(`${BASE}/r/another-token-000000`));

      const png = await s.agent.get(`${path}/qr.png?download=1`).buffer(true).expect(200);
      expect(png.headers['content-type']).to.equal('image/png');
      expect(png.headers['content-disposition']).to.match(/attachment; filename="?campaign-qr-[a-f0-9]{24}\.png"?/);
      expect((png.body as Buffer).subarray(0, 8).toString('hex')).to.equal('89504e470d0a1a0a');

      const page = await s.agent.get(path).set('Accept-Language', 'en').expect(200);
      expect(page.text).to.include(`alt="QR code of the respondent link: ${url}"`);
      expect(page.text).to.include(`${path}/qr.svg?download=1`);
    });

    it('when someone without access asks for it, then it is 404 (other leads, stakeholders, malformed ids)', async () => {
      const c = await draft();
      const other = await signIn(app, 'lead');
      await other.agent.get(`/lead/campaigns/${String(c._id)}/qr.svg`).expect(404);
      await other.agent.get(`/lead/campaigns/${String(c._id)}/qr.png`).expect(404);
      const stakeholder = await signIn(app, 'stakeholder');
      await setMember(String(c._id), new mongoose.Types.ObjectId(stakeholder.user.id), 'stakeholder', true);
      await stakeholder.agent.get(`/lead/campaigns/${String(c._id)}`).expect(200);
      await stakeholder.agent.get(`/lead/campaigns/${String(c._id)}/qr.svg`).expect(404);
      await s.agent.get(`/lead/campaigns/${String(c._id).toUpperCase()}/qr.svg`).expect(404);
      const anonymous = await request(app).get(`/lead/campaigns/${String(c._id)}/qr.svg`);
      expect(anonymous.status).to.be.oneOf([302, 303, 401, 404]);
      expect(anonymous.headers['content-type'] ?? '').not.to.match(/svg/);
    });
  });
});
