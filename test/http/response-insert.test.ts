import { expect } from 'chai';
import mongoose from 'mongoose';
import { insertSubmittedResponse, ResponseModel, type SubmittedResponseFields } from '../../src/responses/response.model.js';
import { useTestDb } from '../helpers/test-db.js';

/**
 * insertSubmittedResponse skips mongoose's document machinery for speed; what it stores must stay
 * exactly what `ResponseModel.create()` stores for the same fields (defaults, timestamps, `__v`,
 * types), so every reader — lead pages, exports, analysis, the API — sees one shape.
 */
describe('storing a submitted response without building a mongoose document', () => {
  useTestDb('response_insert');

  const raw = (id: string) => ResponseModel.collection.findOne({ _id: id } as never) as Promise<Record<string, unknown> | null>;
  const withoutId = (doc: Record<string, unknown> | null) => {
    expect(doc).to.not.equal(null);
    const { _id, ...rest } = doc!;
    return rest;
  };

  function fields(id: string, over: Partial<SubmittedResponseFields> = {}): SubmittedResponseFields {
    const at = new Date('2026-11-27T10:00:00.000Z');
    return {
      _id: id,
      campaignId: new mongoose.Types.ObjectId('65a1b2c3d4e5f60718293a4b'),
      lang: 'de',
      consent: { version: '2026-11-27', at: new Date('2026-11-27T09:58:00.000Z') },
      segments: { department: 'it', location: 'hamburg' },
      answers: {
        q1: { text: 'Per Mail und im Teams-Chat 🚆', mode: 'text', updatedAt: at },
        q3: { text: 'Die Aufnahme sagt es', mode: 'video', mediaId: 'm_abc', cues: [{ start: 0, end: 1.5, text: 'Die Aufnahme' }], updatedAt: at },
      },
      submissionId: 'sub-1',
      submittedAt: at,
      source: 'web',
      ...over,
    };
  }

  it('stores the same document as ResponseModel.create() for a web response with text and video answers', async () => {
    const f = fields('cmp_web');
    await insertSubmittedResponse(f);
    // create() sets the timestamps to "now": pin them to the submit time, as the fast path does.
    const viaMongoose = await ResponseModel.create({ ...fields('cmp_web_mongoose'), createdAt: f.submittedAt, updatedAt: f.submittedAt });
    expect(viaMongoose.createdAt?.toISOString()).to.equal(f.submittedAt.toISOString(), 'create() kept the given timestamps');
    expect(withoutId(await raw('cmp_web'))).to.deep.equal(withoutId(await raw('cmp_web_mongoose')));
  });

  it('stores the same document as create() for an identified participant and an API response', async () => {
    const participantId = new mongoose.Types.ObjectId();
    for (const [id, over] of [
      ['cmp_participant', { participantId }],
      ['cmp_api', { source: 'api', segments: {}, lang: 'en' }],
    ] as const) {
      const f = fields(id, over as Partial<SubmittedResponseFields>);
      await insertSubmittedResponse(f);
      await ResponseModel.create({ ...fields(`${id}_mongoose`, over as Partial<SubmittedResponseFields>), createdAt: f.submittedAt, updatedAt: f.submittedAt });
      expect(withoutId(await raw(id)), id).to.deep.equal(withoutId(await raw(`${id}_mongoose`)));
    }
    expect((await raw('cmp_participant'))!.participantId).to.be.instanceOf(mongoose.Types.ObjectId);
    expect(await raw('cmp_api')).to.not.have.property('participantId');
  });

  it('reads back through the model like any other response', async () => {
    await insertSubmittedResponse(fields('read_back'));
    const doc = await ResponseModel.findById('read_back');
    expect(doc?.status).to.equal('submitted');
    expect(doc?.answers.get('q3')?.cues?.[0]?.text).to.equal('Die Aufnahme');
    expect(doc?.segments.get('department')).to.equal('it');
    await doc!.validate(); // throws if the stored shape broke the schema
  });

  it('refuses a second insert under the same _id with the duplicate-key error create() gives', async () => {
    await insertSubmittedResponse(fields('twice'));
    const err = await insertSubmittedResponse(fields('twice', { submissionId: 'sub-2' })).then(
      () => null,
      (e: unknown) => e as { code?: number },
    );
    expect(err?.code).to.equal(11000);
    expect((await raw('twice'))!.submissionId).to.equal('sub-1');
  });
});
