import { expect } from 'chai';
import { attributeFilter } from '../../src/shared/anonymity.js';

describe('anonymity: attributes next to one answer', () => {
  // 6 in IT (5 Hamburg, 1 Munich), 5 in Sales Munich, 1 in HR Munich.
  const population = [
    ...Array.from({ length: 5 }, () => ({ department: 'it', location: 'hamburg' })),
    { department: 'it', location: 'munich' },
    ...Array.from({ length: 5 }, () => ({ department: 'sales', location: 'munich' })),
    { department: 'hr', location: 'munich' },
  ];
  const shown = attributeFilter(population, 5);

  it('when the whole combination is a group of at least the minimum, then all values are shown', () => {
    expect(shown({ department: 'it', location: 'hamburg' })).to.deep.equal({ department: 'it', location: 'hamburg' });
  });

  it('when two common values combine into a small group, then only one of them is shown', () => {
    // IT (6) and Munich (7) are both large, but IT-in-Munich is one person.
    expect(shown({ department: 'it', location: 'munich' })).to.deep.equal({ location: 'munich' });
  });

  it('when a value itself is a small group, then it is never shown', () => {
    expect(shown({ department: 'hr', location: 'munich' })).to.deep.equal({ location: 'munich' });
    expect(attributeFilter(population, 8)({ department: 'hr', location: 'munich' })).to.deep.equal({});
  });

  it('ignores empty values and treats a missing threshold as the default of 5', () => {
    expect(shown({ department: 'it', location: '' })).to.deep.equal({ department: 'it' });
    expect(attributeFilter(population, Number.NaN)({ department: 'it', location: 'hamburg' })).to.deep.equal({ department: 'it', location: 'hamburg' });
  });
});
