import { expect } from 'chai';
import mongoose from 'mongoose';
import { Ferret, Scratch, seedCampaign, startApp, waitFor, withDb } from './helpers.js';

interface StatusChange {
  to: string;
  via: string;
  instance?: string;
}

/**
 * Issue 17, item 5: two app processes on one database, campaigns whose open or close date passed
 * while no instance ran. Both instances run the schedule job as they start, at about the same
 * time: every campaign must change exactly once (one status record each), and both instances
 * together applied each change once.
 */
describe('fault: the schedule with two app instances on one database', function () {
  const scratch = new Scratch();
  let db: Ferret;
  before(async () => {
    db = await Ferret.create(scratch);
  });
  after(() => scratch.cleanup());

  it('campaigns due to close (and to open) while no instance ran are changed exactly once when two instances start', async () => {
    const { CampaignModel } = await import('../../src/campaigns/campaign.model.js');
    const { createCampaign } = await import('../../src/campaigns/campaign.service.js');
    const { interviewTemplate } = await import('../../src/campaigns/interview-template.js');
    const toClose: string[] = [];
    const toOpen: string[] = [];
    for (let i = 0; i < 8; i++) toClose.push((await seedCampaign(db.uri)).campaignId);
    await withDb(db.uri, async () => {
      const past = new Date(Date.now() - 60_000);
      await CampaignModel.updateMany({ _id: mongoose.trusted({ $in: toClose.map((id) => new mongoose.Types.ObjectId(id)) }) }, { $set: { closesAt: past } });
      for (let i = 0; i < 8; i++) toOpen.push(String((await createCampaign({ ...interviewTemplate(), opensAt: past }))._id));
    });

    const [a, b] = await Promise.all([startApp(scratch, { MONGODB_URI: db.uri }), startApp(scratch, { MONGODB_URI: db.uri })]);
    const all = [...toClose, ...toOpen];
    const read = () =>
      withDb(db.uri, () =>
        CampaignModel.find({ _id: mongoose.trusted({ $in: all.map((id) => new mongoose.Types.ObjectId(id)) }) }, { status: 1, statusChanges: 1 }).lean<
          Array<{ _id: mongoose.Types.ObjectId; status: string; statusChanges: StatusChange[] }>
        >(),
      );
    await waitFor(
      async () => {
        const docs = await read();
        return docs.every((d) => d.status === (toClose.includes(String(d._id)) ? 'closed' : 'open'));
      },
      60_000,
      'every due campaign changed',
      () => a.log().slice(-1500) + b.log().slice(-1500),
    );
    // Give a late second application (the bug this guards against) time to show.
    await new Promise((r) => setTimeout(r, 3000));
    const docs = await read();
    for (const d of docs) {
      const scheduled = d.statusChanges.filter((x) => x.via === 'schedule');
      expect(scheduled, String(d._id)).to.have.length(1);
      expect(scheduled[0].to).to.equal(toClose.includes(String(d._id)) ? 'closed' : 'open');
      expect(scheduled[0].instance).to.be.a('string');
    }
    // What the instances say they did adds up to each change once.
    const applied = (log: string) =>
      log
        .split('\n')
        .filter((l) => l.includes('schedule: campaigns opened/closed'))
        .flatMap((l) => {
          const j = JSON.parse(l) as { opened: string[]; closed: string[] };
          return [...j.opened, ...j.closed];
        });
    expect([...applied(a.log()), ...applied(b.log())].sort()).to.deep.equal([...all].sort());
  });
});
