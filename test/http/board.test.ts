import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { AnalysisResultModel, AnalysisRunModel, RunClaimModel } from '../../src/analysis-runs/analysis-run.model.js';
import { createRunner } from '../../src/analysis-runs/runner.js';
import type { AnalysisResult, AnsweredCodes, Codebook } from '../../src/analysis/index.js';
import { BoardCorrectionModel } from '../../src/board/board-correction.model.js';
import { changeStatus, createCampaign, setMember } from '../../src/campaigns/campaign.service.js';
import { campaignInputSchema } from '../../src/campaigns/campaign.schemas.js';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { createFromApi } from '../../src/responses/response.service.js';
import { staffClient, testApp } from '../helpers/app.js';
import { ANSWERS_DE } from '../helpers/fixtures.js';
import { useTestDb } from '../helpers/test-db.js';

type Client = Awaited<ReturnType<typeof staffClient>>;

/** q3 answers: two about the paper shift plan (to be corrected), one similar (never corrected), others. */
const Q3 = [
  'Der Schichtplan hängt immer noch als Zettel im Pausenraum.',
  'Unser Schichtplan wird per Aushang verteilt, das nervt.',
  'Den Schichtplan sehe ich erst, wenn ich im Werk bin.',
  'Zu viele Tools, keiner weiß wo was liegt.',
  'Zu viele verschiedene Tools, jeder nutzt ein anderes.',
  'Die Mailflut ist enorm, ständig kommen Nachrichten rein.',
  'Das WLAN im Lager ist zu schwach, die Scanner brechen ab.',
  'Die Chefs vertrauen uns nicht, wenn wir von zu Hause arbeiten.',
];
const SHIFT_A = 0;
const SHIFT_B = 1;
const PROBE = 2;
const SPRAWL = 3;

async function seedCampaign(ownerId: string) {
  const draft = await createCampaign(campaignInputSchema.parse(interviewTemplate()), { ownerId });
  const campaign = await changeStatus(String(draft._id), 'open');
  for (let i = 0; i < Q3.length; i++) {
    const answers = { q1: `${ANSWERS_DE.q1} (${i})`, q2: `${ANSWERS_DE.q2} (${i})`, q3: Q3[i], q4: `${ANSWERS_DE.q4} (${i})` };
    await createFromApi(campaign, { submissionId: `board-${String(i).padStart(4, '0')}`, lang: 'de', answers, segments: {} });
  }
  const aid = (i: number, q = 'q3') => `s_${String(campaign._id)}_board-${String(i).padStart(4, '0')}:${q}`;
  return { campaign, id: String(campaign._id), aid };
}

/** Starts a run over HTTP, runs it to the end, returns the stored result (and codebook, if any). */
async function runAnalysis(lead: Client, id: string): Promise<{ result: AnalysisResult; codebook?: Codebook; corrections?: number }> {
  // 202: a run was started; 200: one was already queued (a deletion queues one) and is shown instead.
  const started = await lead.post(`/lead/campaigns/${id}/analysis`).set('Accept', 'application/json').expect((r) => expect([200, 202]).to.include(r.status));
  const outcomes = await createRunner({ instanceId: 'board-test' }).drain();
  expect(outcomes.map((o) => o.status)).to.deep.equal(['done']);
  const doc = await AnalysisResultModel.findById(new mongoose.Types.ObjectId(String(started.body.run.id))).lean<{ result: AnalysisResult; codebook?: Codebook; corrections?: number }>();
  return doc!;
}

const answerOf = (r: AnalysisResult, id: string): AnsweredCodes => r.answers.find((a) => a.id === id)!;
const codeIn = (book: Codebook | undefined, role: string, id: string) => book?.groups.find((g) => g.role === role)?.codes.find((c) => c.id === id);

describe('theme board (/lead/campaigns/:id/board)', function () {
  // Each test runs the engine twice (with the board's corrections it retrains): on a busy
  // 2-core machine that is more than mocha's default; a ceiling, not a measurement.
  this.timeout(120_000);
  useTestDb('board');
  const app = testApp();
  let lead: Client;

  before(async () => {
    lead = await staffClient(app, 'lead');
  });
  beforeEach(async () => {
    await AnalysisRunModel.deleteMany({});
    await RunClaimModel.deleteMany({});
  });

  it('before any run, the board says so and links to the analysis; strangers and stakeholders get 404', async () => {
    const { id } = await seedCampaign(lead.user.id);
    const page = await lead.get(`/lead/campaigns/${id}/board`).expect(200);
    expect(page.text).to.include('/analysis');
    expect(page.text).to.match(/no finished analysis run|keinen abgeschlossenen Analyselauf/);
    const other = await staffClient(app, 'lead');
    await other.get(`/lead/campaigns/${id}/board`).expect(404);
    const stakeholder = await staffClient(app, 'stakeholder');
    await setMember(id, new mongoose.Types.ObjectId(stakeholder.user.id), 'stakeholder', true);
    await stakeholder.get(`/lead/campaigns/${id}/board`).expect(404);
    await stakeholder.post(`/lead/campaigns/${id}/board/q3/code:tool_sprawl/rename`).type('form').send({ rename_de: 'x' }).expect(404);
    await request(app).get(`/lead/campaigns/${id}/board`).expect((res) => expect([302, 303, 401]).to.include(res.status));
    // The campaign page links to the board.
    const show = await lead.get(`/lead/campaigns/${id}`).expect(200);
    expect(show.text).to.include(`/lead/campaigns/${id}/board`);
  });

  it('corrections made on the board show in the next run, and a split trains the coding of a similar answer', async () => {
    const { id, aid } = await seedCampaign(lead.user.id);
    const first = await runAnalysis(lead, id);
    const before = answerOf(first.result, aid(PROBE));
    expect(first.codebook, 'no corrections yet: the built-in codebook').to.equal(undefined);

    // The board shows the run's codes and clusters per question.
    const board = await lead.get(`/lead/campaigns/${id}/board?lang=en`).expect(200);
    expect(board.text).to.include('Theme board');
    expect(board.text).to.include('code:tool_sprawl');
    expect(board.text).to.match(/cluster:q3-c\d+/);

    // Split: the first shift-plan answer leaves its cluster as a new theme "Schichtplan" …
    const clusterA = answerOf(first.result, aid(SHIFT_A)).cluster!;
    const themePage = await lead.get(`/lead/campaigns/${id}/board/q3/${encodeURIComponent(`cluster:${clusterA}`)}?lang=en`).expect(200);
    expect(themePage.text).to.include(Q3[SHIFT_A]);
    expect(themePage.text).to.include('name="_csrf"');
    const split = await lead
      .post(`/lead/campaigns/${id}/board/q3/${encodeURIComponent(`cluster:${clusterA}`)}/split`)
      .type('form')
      .send({ _csrf: lead.csrf, split_answers: aid(SHIFT_A), split_de: 'Schichtplan auf Papier', split_en: 'Paper shift plan', split_type: 'technical' })
      .expect(303);
    const newRef = decodeURIComponent(/\/board\/q3\/([^?]+)\?done=split/.exec(String(split.headers.location))![1]);
    expect(newRef).to.match(/^code:custom_paper_shift_plan_[a-f0-9]{6}$/);
    const newCode = newRef.slice('code:'.length);
    // … and the second one is moved there from wherever it is.
    const clusterB = answerOf(first.result, aid(SHIFT_B)).cluster!;
    await lead
      .post(`/lead/campaigns/${id}/board/q3/${encodeURIComponent(`cluster:${clusterB}`)}/move`)
      .type('form')
      .send({ _csrf: lead.csrf, answer: aid(SHIFT_B), to: newCode })
      .expect(303);
    const newTheme = await lead.get(`/lead/campaigns/${id}/board/q3/${encodeURIComponent(newRef)}?lang=en`).expect(200);
    expect(newTheme.text).to.include('Paper shift plan');
    expect(newTheme.text).to.include(Q3[SHIFT_A]);
    expect(newTheme.text).to.include(Q3[SHIFT_B]);
    expect(before.themes ?? [], 'the similar answer had no such code before').to.not.include(newCode);

    // Rename a code, and change an answer's challenge type.
    await lead
      .post(`/lead/campaigns/${id}/board/q3/code:tool_sprawl/rename`)
      .type('form')
      .send({ _csrf: lead.csrf, rename_de: 'Werkzeug-Wildwuchs', rename_en: 'Tool jungle' })
      .expect(303);
    const sprawlType = answerOf(first.result, aid(SPRAWL)).challenge_type;
    const flipped = sprawlType === 'technical' ? 'cultural' : 'technical';
    await lead
      .post(`/lead/campaigns/${id}/board/q3/code:tool_sprawl/codes`)
      .type('form')
      .send({ _csrf: lead.csrf, answer: aid(SPRAWL), codes: 'tool_sprawl', type: flipped })
      .expect(303);

    // Every correction is its own document with who and when, listed in the history.
    const docs = await BoardCorrectionModel.find({ campaignId: new mongoose.Types.ObjectId(id) }).lean();
    expect(docs.map((d) => d.kind).sort()).to.deep.equal(['answer_type', 'move', 'rename', 'split']);
    for (const d of docs) {
      expect(String(d.authorId)).to.equal(lead.user.id);
      expect(d.createdAt).to.be.instanceOf(Date);
    }
    const history = await lead.get(`/lead/campaigns/${id}/board?lang=en`).expect(200);
    expect(history.text).to.match(/renamed “[^”]+” to “Tool jungle”/);
    expect(history.text).to.include('split 1 answer(s) off');
    expect(history.text).to.include('to “Paper shift plan”');
    expect(history.text).to.include(lead.user.name || lead.user.email);
    expect(history.text).to.include('4 correction(s) since this run');

    // The next run reflects all of it.
    const second = await runAnalysis(lead, id);
    expect(second.corrections).to.equal(3);
    // A split or move out of an emergent cluster adds the new code and keeps the codes the run gave.
    expect(answerOf(second.result, aid(SHIFT_A)).themes).to.have.members([...new Set([...(answerOf(first.result, aid(SHIFT_A)).themes ?? []), newCode])]);
    expect(answerOf(second.result, aid(SHIFT_B)).themes).to.have.members([...new Set([...(answerOf(first.result, aid(SHIFT_B)).themes ?? []), newCode])]);
    expect(answerOf(second.result, aid(SPRAWL)).challenge_type).to.equal(flipped);
    expect(codeIn(second.codebook, 'challenges', 'tool_sprawl')!.name).to.deep.equal({ de: 'Werkzeug-Wildwuchs', en: 'Tool jungle' });
    const created = codeIn(second.codebook, 'challenges', newCode)!;
    expect(created.name.en).to.equal('Paper shift plan');
    expect(created.type).to.equal('technical');
    expect(created.examples.de).to.have.members([Q3[SHIFT_A], Q3[SHIFT_B]]);
    // The similar, never corrected answer is now coded with the new theme: the correction trained the engine.
    expect(answerOf(second.result, aid(PROBE)).themes).to.include(newCode);
    expect(second.result.summary.themes[newCode]).to.be.at.least(3);

    // The board now shows the second run with nothing pending.
    const after = await lead.get(`/lead/campaigns/${id}/board?lang=en`).expect(200);
    expect(after.text).to.include('The run shown includes all corrections.');
    expect(after.text).to.include('Tool jungle');
  });

  it('merging a code maps its answers to the surviving code in the next run; undo brings it back', async () => {
    const { id } = await seedCampaign(lead.user.id);
    const first = await runAnalysis(lead, id);
    const codes = first.result.answers.filter((a) => a.question === 'q3').flatMap((a) => a.themes ?? []);
    const source = codes.find((c) => c !== 'tool_sprawl')!;
    expect(source, 'a q3 code other than tool_sprawl').to.be.a('string');
    const res = await lead.post(`/lead/campaigns/${id}/board/q3/code:${source}/merge`).type('form').send({ _csrf: lead.csrf, into: 'tool_sprawl' }).expect(303);
    expect(String(res.headers.location)).to.include(encodeURIComponent('code:tool_sprawl'));
    // The merged code's theme page is gone from the board.
    await lead.get(`/lead/campaigns/${id}/board/q3/code:${source}`).expect(404);

    const second = await runAnalysis(lead, id);
    expect(codeIn(second.codebook, 'challenges', source)).to.equal(undefined);
    const q3 = second.result.answers.filter((a) => a.question === 'q3');
    expect(q3.flatMap((a) => a.themes ?? [])).to.not.include(source);
    for (const a of first.result.answers.filter((x) => x.themes?.includes(source))) {
      expect(answerOf(second.result, a.id).themes, a.id).to.include('tool_sprawl');
    }

    // Undo (delete the correction): the next run has the code again.
    const doc = await BoardCorrectionModel.findOne({ campaignId: new mongoose.Types.ObjectId(id), kind: 'merge' }).lean();
    const undo = await lead.post(`/lead/campaigns/${id}/board/corrections/${String(doc!._id)}/delete`).type('form').send({ _csrf: lead.csrf }).expect(303);
    expect(String(undo.headers.location)).to.include('done=undo');
    expect(await BoardCorrectionModel.countDocuments({ campaignId: new mongoose.Types.ObjectId(id) })).to.equal(0);
    const third = await runAnalysis(lead, id);
    expect(third.codebook).to.equal(undefined);
    expect(third.result.answers.filter((a) => a.question === 'q3').flatMap((a) => a.themes ?? [])).to.include(source);
    // Another campaign's correction ids are not found here.
    await lead.post(`/lead/campaigns/${id}/board/corrections/${String(doc!._id)}/delete`).type('form').send({ _csrf: lead.csrf }).expect(404);
  });

  it('removing every code of an answer, naming a cluster and changing a challenge code type carry over', async () => {
    const { id, aid } = await seedCampaign(lead.user.id);
    const first = await runAnalysis(lead, id);
    const sprawl = answerOf(first.result, aid(SPRAWL));
    expect(sprawl.themes).to.include('tool_sprawl');
    await lead.post(`/lead/campaigns/${id}/board/q3/code:tool_sprawl/codes`).type('form').send({ _csrf: lead.csrf, answer: aid(SPRAWL) }).expect(303);
    await lead.post(`/lead/campaigns/${id}/board/q3/code:tool_sprawl/type`).type('form').send({ _csrf: lead.csrf, code_type: 'cultural' }).expect(303);
    const q2cluster = first.result.clusters.find((c) => c.question === 'q2')!;
    const named = await lead
      .post(`/lead/campaigns/${id}/board/q2/${encodeURIComponent(`cluster:${q2cluster.id}`)}/rename`)
      .type('form')
      .send({ _csrf: lead.csrf, rename_de: 'Überall arbeiten', rename_en: '' })
      .expect(303);
    const ref = decodeURIComponent(/\/board\/q2\/([^?]+)\?/.exec(String(named.headers.location))![1]);
    expect(ref).to.match(/^code:custom_uberall_arbeiten_/);
    const newCode = ref.slice(5);
    // Naming the same cluster again renames that theme instead of making a second one.
    const again = await lead
      .post(`/lead/campaigns/${id}/board/q2/${encodeURIComponent(`cluster:${q2cluster.id}`)}/rename`)
      .type('form')
      .send({ _csrf: lead.csrf, rename_de: 'Überall arbeiten', rename_en: 'Work from anywhere' })
      .expect(303);
    expect(decodeURIComponent(String(again.headers.location))).to.include(ref);
    const overview = await lead.get(`/lead/campaigns/${id}/board?lang=en`).expect(200);
    expect(overview.text).to.include('kept as the theme “Work from anywhere”');

    const second = await runAnalysis(lead, id);
    expect(answerOf(second.result, aid(SPRAWL)).themes).to.deep.equal([]);
    expect(codeIn(second.codebook, 'challenges', 'tool_sprawl')!.type).to.equal('cultural');
    expect(codeIn(second.codebook, 'meaning', newCode)!.name).to.deep.equal({ de: 'Überall arbeiten', en: 'Work from anywhere' });
    expect(second.codebook!.groups.find((g) => g.role === 'meaning')!.codes.filter((c) => c.id.startsWith('custom_'))).to.have.length(1);
    const members = first.result.answers.filter((a) => a.cluster === q2cluster.id);
    expect(members.length).to.be.greaterThan(0);
    for (const m of members) expect(answerOf(second.result, m.id).themes, m.id).to.include(newCode);
  });

  it('a deleted response disappears from the theme pages, and its correction no longer trains the next run', async () => {
    const { id, aid } = await seedCampaign(lead.user.id);
    const first = await runAnalysis(lead, id);
    await lead.post(`/lead/campaigns/${id}/board/q3/code:tool_sprawl/codes`).type('form').send({ _csrf: lead.csrf, answer: aid(SPRAWL), codes: ['tool_sprawl', 'findability'] }).expect(303);
    const page = await lead.get(`/lead/campaigns/${id}/board/q3/code:tool_sprawl`).expect(200);
    expect(page.text).to.include(Q3[SPRAWL]);
    const rid = aid(SPRAWL).split(':')[0];
    await lead.post(`/lead/campaigns/${id}/responses/${rid}/delete`).type('form').send({ _csrf: lead.csrf }).expect(303);
    // The runs that contained the answer are superseded at once (privacy/erasure.ts): the board
    // waits for the fresh run, which no longer has the answer.
    const waiting = await lead.get(`/lead/campaigns/${id}/board/q3/code:tool_sprawl`);
    expect(waiting.text).to.not.include(Q3[SPRAWL]);
    expect(first.result.answers.some((a) => a.id === aid(SPRAWL))).to.equal(true);
    const second = await runAnalysis(lead, id);
    const board = await lead.get(`/lead/campaigns/${id}/board`).expect(200);
    expect(board.text).to.not.include(Q3[SPRAWL]);
    expect(second.result.answers.some((a) => a.id === aid(SPRAWL))).to.equal(false);
    expect(second.corrections, 'the correction of a deleted answer is not sent to the engine').to.equal(0);
  });

  it('form errors re-render the theme page with 400, the message and the input kept; CSRF is required', async () => {
    const { id } = await seedCampaign(lead.user.id);
    await runAnalysis(lead, id);
    const url = `/lead/campaigns/${id}/board/q3/code:tool_sprawl`;
    const noPick = await lead.post(`${url}/split?lang=en`).type('form').send({ _csrf: lead.csrf, split_de: 'Mein <Thema>', split_en: '' }).expect(400);
    expect(noPick.text).to.include('Select at least one answer to split off');
    expect(noPick.text).to.include('value="Mein &lt;Thema&gt;"');
    expect(noPick.text).to.include('class="error-summary"');
    const noName = await lead.post(`${url}/rename`).type('form').send({ _csrf: lead.csrf, rename_de: '  ', rename_en: '' }).expect(400);
    expect(noName.text).to.include('aria-invalid="true"');
    const badMerge = await lead.post(`${url}/merge`).type('form').send({ _csrf: lead.csrf, into: 'tool_sprawl' }).expect(400);
    expect(badMerge.text).to.include('f-into');
    const badCode = await lead.post(`${url}/codes`).type('form').send({ _csrf: lead.csrf, answer: 'nope:q3', codes: 'tool_sprawl' }).expect(400);
    expect(badCode.text).to.include('class="error-summary"');
    await lead.agent.post(`${url}/rename`).type('form').send({ rename_de: 'ohne Token' }).expect(403);
    await lead.get(`/lead/campaigns/${id}/board/q3/code:no_such_code`).expect(404);
    await lead.get(`/lead/campaigns/${id}/board/q9/code:tool_sprawl`).expect(404);
    expect(await BoardCorrectionModel.countDocuments({ campaignId: new mongoose.Types.ObjectId(id) })).to.equal(0);
  });
});
