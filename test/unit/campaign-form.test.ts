import { expect } from 'chai';
import { formValuesFromBody, parseOptionLines, slug, toCampaignInput } from '../../src/campaigns/campaign.form.js';
import { campaignInputSchema } from '../../src/campaigns/campaign.schemas.js';
import { toFieldErrors } from '../../src/shared/validation.js';

describe('campaign form mapping', () => {
  it('parses option lines with and without explicit keys, umlauts included', () => {
    expect(parseOptionLines('sales = Vertrieb | Sales\nGeschäftsführung | Management\n\nLager')).to.deep.equal([
      { key: 'sales', label: { de: 'Vertrieb', en: 'Sales' } },
      { key: 'management', label: { de: 'Geschäftsführung', en: 'Management' } },
      { key: 'lager', label: { de: 'Lager', en: 'Lager' } },
    ]);
    expect(slug('Größe & Maß')).to.equal('groesse_mass');
    expect(slug('123')).to.equal('o_123');
  });

  it('drops blank and removed rows and maps error paths back to the form rows', () => {
    const values = formValuesFromBody({
      title: 'T',
      languages: ['de'],
      questions: [
        { key: 'q1', role: 'meaning', prompt_de: '', prompt_en: '' }, // blank: ignored
        { key: 'q2', role: 'meaning', prompt_de: 'Was?', mode_text: 'on', remove: 'on' }, // removed
        { key: 'q3', role: 'bogus', prompt_de: 'Wie?', mode_text: 'on' },
      ],
    });
    const { input, mapErrors } = toCampaignInput(values);
    const parsed = campaignInputSchema.safeParse(input);
    expect(parsed.success).to.equal(false);
    const errors = mapErrors(toFieldErrors(parsed.error!));
    // The invalid role is in form row 2, although it is item 0 of the parsed input.
    expect(errors).to.have.property('questions.2.role');
  });

  it('tolerates qs objects instead of arrays and ignores non-string values', () => {
    const values = formValuesFromBody({ title: ['a', 'b'], questions: { '1': { key: 'q2' }, '0': { key: 'q1' }, x: { key: 'no' } } });
    expect(values.title).to.equal('');
    expect(values.questions.map((q) => q.key)).to.deep.equal(['q1', 'q2']);
  });
});
