import { expect } from 'chai';
import mongoose from 'mongoose';
import { createRunner } from '../../src/analysis-runs/runner.js';
import { BoardCorrectionModel } from '../../src/board/board-correction.model.js';
import { loadBoard } from '../../src/board/board.service.js';
import { forgetReviewQueues, reviewQueue } from '../../src/board/review.js';
import { campaignInputSchema } from '../../src/campaigns/campaign.schemas.js';
import { changeStatus, createCampaign, getCampaign } from '../../src/campaigns/campaign.service.js';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { createFromApi } from '../../src/responses/response.service.js';
import { signIn, testApp } from '../helpers/app.js';
import { useTestDb } from '../helpers/test-db.js';

/*
 * "Review next" (issue 13, the lead in the loop): the least certain answers first, and every
 * correction retrains the coder before the next suggestion.
 */

const Q3 = [
  'Zu viele Tools, keiner weiß mehr, wo was liegt.',
  'Das WLAN im Lager bricht ständig ab.',
  'Die Chefs vertrauen uns nicht im Homeoffice.',
  'Die Mailflut ist enorm.',
  'Quartalszahlen im Schattenordner von Herrn K.',
  'Quartalszahlen im Schattenordner von Herrn K.',
];

describe('theme board: review next (least certain first, retrained per correction)', function () {
  this.timeout(120_000);
  useTestDb('board_review');
  const app = testApp();

  it('shows the least certain uncorrected answer, saves a confirmation or correction, and the next suggestion comes from a retrained coder', async () => {
    const lead = await signIn(app, 'lead');
    const campaign = await changeStatus(String((await createCampaign(campaignInputSchema.parse(interviewTemplate()), { ownerId: lead.user.id }))._id), 'open');
    const id = String(campaign._id);
    for (const [i, q3] of Q3.entries())
      await createFromApi(campaign, { submissionId: `review-${String(i).padStart(4, '0')}`, lang: 'de', answers: { q1: 'Mail und Telefon.', q2: 'Von überall arbeiten.', q3, q4: 'Eine Suche über alles.' }, segments: {} });
    await lead.agent.get(`/lead/campaigns/${id}/board/review`).expect(303);
    await lead.agent.post(`/lead/campaigns/${id}/analysis`).set('X-CSRF-Token', lead.csrf).set('Accept', 'application/json').expect(202);
    expect((await createRunner({ instanceId: 'review-test' }).drain()).map((o) => o.status)).to.deep.equal(['done']);

    forgetReviewQueues();
    const before = await reviewQueue(await getCampaign(id), await loadBoard(await getCampaign(id)));
    expect(before.total).to.equal(Q3.length * 4);
    expect(before.items.length).to.equal(before.total);
    for (let i = 1; i < before.items.length; i++) expect(before.items[i - 1].uncertainty).to.be.at.least(before.items[i].uncertainty);

    const page = await lead.agent.get(`/lead/campaigns/${id}/board/review`).set('Accept-Language', 'en').expect(200);
    expect(page.text).to.include(`0 of ${before.total} answers reviewed`);
    const shown = /name="answer" value="([^"]+)"/.exec(page.text)?.[1];
    expect(shown, 'the least certain answer is shown').to.equal(before.items[0].id);

    // Skipping shows the next one without saving anything.
    const skipped = await lead.agent.get(`/lead/campaigns/${id}/board/review?skip=${encodeURIComponent(shown!)}`).expect(200);
    expect(/name="answer" value="([^"]+)"/.exec(skipped.text)?.[1]).to.equal(before.items[1].id);
    expect(await BoardCorrectionModel.countDocuments({ campaignId: campaign._id })).to.equal(0);

    // The lead codes one of the two identical q3 answers as a security obstacle.
    const twin = `s_${id}_review-0004:q3`;
    await lead.agent.post(`/lead/campaigns/${id}/board/review`).type('form').send({ _csrf: lead.csrf, answer: twin, codes: ['security_compliance'], type: 'technical' }).expect(303);
    const saved = await BoardCorrectionModel.findOne({ campaignId: campaign._id }).lean();
    expect(saved?.assign?.[0]).to.deep.include({ answer: twin, codes: ['security_compliance'], challengeType: 'technical' });

    // The queue is recomputed with the correction as training data: the other twin now gets the
    // lead's code, and the corrected answer is no longer offered.
    const after = await reviewQueue(await getCampaign(id), await loadBoard(await getCampaign(id)));
    expect(after.reviewed).to.equal(1);
    expect(after.items.some((i) => i.id === twin)).to.equal(false);
    const other = after.items.find((i) => i.id === `s_${id}_review-0005:q3`);
    expect(other?.codes).to.include('security_compliance');
    const next = await lead.agent.get(`/lead/campaigns/${id}/board/review`).set('Accept-Language', 'en').expect(200);
    expect(next.text).to.include(`1 of ${before.total} answers reviewed`);

    // Bad input: an unknown answer or code is a 400 with the message, nothing saved.
    const bad = await lead.agent.post(`/lead/campaigns/${id}/board/review`).set('Accept-Language', 'en').type('form').send({ _csrf: lead.csrf, answer: 'nope:q3', codes: ['security_compliance'] }).expect(400);
    expect(bad.text).to.include('class="error-summary"');
    expect(await BoardCorrectionModel.countDocuments({ campaignId: new mongoose.Types.ObjectId(id) })).to.equal(1);
  });
});
