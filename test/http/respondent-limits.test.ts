import { expect } from 'chai';
import request from 'supertest';
import { csrfFrom, testApp } from '../helpers/app.js';
import { openTemplateCampaign } from '../helpers/fixtures.js';
import { useTestDb } from '../helpers/test-db.js';

/**
 * Respondent slow-down (issue 18, item 4): budgets per device (the resume cookie) and, much higher,
 * per client address. A whole office behind one NAT address must not wait; one device repeating
 * itself, or one client minting a new device for every request, must. The delay is the only effect
 * (never a block), so the tests make it long (1.5 s) and compare against it.
 */
describe('respondent slow-down: per device, and per address with a higher ceiling', function () {
  this.timeout(60_000);
  useTestDb('respondent_limits');
  const DELAY = 1_500;
  const FAST = 1_000;

  /** A new device (browser) at `address`: opens the link (not counted), returns a timed consent post. */
  async function device(app: ReturnType<typeof testApp>, token: string, address: string) {
    const agent = request.agent(app);
    const csrf = csrfFrom((await agent.get(`/r/${token}`).set('X-Forwarded-For', address).expect(200)).text);
    return async (): Promise<number> => {
      const t0 = Date.now();
      await agent.post(`/r/${token}/start`).set('X-Forwarded-For', address).type('form').send({ lang: 'de', consent: 'yes', _csrf: csrf }).expect(303);
      return Date.now() - t0;
    };
  }

  it('an office behind one address: 40 devices consenting within the minute are not slowed; a device repeating itself is', async () => {
    const app = testApp({ trustProxy: true, respondentRatePerMinute: 100, respondentDeviceRatePerMinute: 2, respondentDelay: { stepMs: DELAY, maxDelayMs: DELAY } });
    const c = await openTemplateCampaign();
    const times: number[] = [];
    let first: (() => Promise<number>) | undefined;
    for (let i = 0; i < 40; i++) {
      const consent = await device(app, c.publicToken, '203.0.113.7');
      first ??= consent;
      times.push(await consent());
    }
    expect(Math.max(...times), `40 devices behind one address: ${times.join(', ')} ms`).to.be.below(FAST);
    // The first device again: its second request is within its budget of 2, the third is slowed.
    expect(await first!()).to.be.below(FAST);
    expect(await first!()).to.be.at.least(DELAY - 50);
  });

  it('a client minting a new device for every request is slowed at the address ceiling; another address is not', async () => {
    const app = testApp({ trustProxy: true, respondentRatePerMinute: 5, respondentDeviceRatePerMinute: 100, respondentDelay: { stepMs: DELAY, maxDelayMs: DELAY } });
    const c = await openTemplateCampaign();
    const within: number[] = [];
    for (let i = 0; i < 5; i++) within.push(await (await device(app, c.publicToken, '198.51.100.9'))());
    expect(Math.max(...within)).to.be.below(FAST);
    expect(await (await device(app, c.publicToken, '198.51.100.9'))()).to.be.at.least(DELAY - 50);
    expect(await (await device(app, c.publicToken, '198.51.100.10'))()).to.be.below(FAST);
  });
});
