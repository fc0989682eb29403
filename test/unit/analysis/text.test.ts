import { expect } from 'chai';
import { detectLanguage, TextPipeline, tokenize } from '../../../src/analysis/index.js';

describe('analysis text pipeline', () => {
  it('when a word starts with a capital umlaut, then the token keeps it', () => {
    expect(tokenize('Über Ärger und Öffnungszeiten')).to.deep.equal(['über', 'ärger', 'und', 'öffnungszeiten']);
  });
  it('when text has ß, emoji and Denglisch, then each becomes a token', () => {
    const t = tokenize('Straße 😩 wir slacken im Home-Office, E-Mails gecheckt');
    expect(t).to.include.members(['straße', '😩', 'slacken', 'home', 'office', 'mails', 'gecheckt']);
  });
  it('when a German compound has known parts, then its parts become features', () => {
    const p = new TextPipeline();
    const f = p.features(tokenize('Die Netzabdeckung und Videokonferenzen'), 'de').features;
    expect(f).to.include.members(['netz', 'video', 'konferenz']);
  });
  it('when features are built, then stopwords are gone and bigrams exist', () => {
    const p = new TextPipeline();
    const f = p.features(tokenize('We use the shared drive'), 'en');
    expect(f.stems).to.not.include('the');
    expect(f.features.some((x) => x.includes('_'))).to.equal(true);
  });
  it('when an answer is German or English, then detection says so', () => {
    const de = 'Wir arbeiten meistens mit dem Telefon und manchmal auch per Mail, weil es schneller geht.';
    const en = 'We mostly work with the phone and sometimes by mail because it is faster.';
    expect(detectLanguage(tokenize(de), de, 'en').lang).to.equal('de');
    expect(detectLanguage(tokenize(en), en, 'de').lang).to.equal('en');
  });
  it('when an answer is too short to tell, then the campaign language is used', () => {
    expect(detectLanguage(tokenize('Slack, Jira.'), 'Slack, Jira.', 'en')).to.deep.equal({ lang: 'en', fallback: true });
    expect(detectLanguage(tokenize('Slack, Jira.'), 'Slack, Jira.', 'de').lang).to.equal('de');
  });
  it('when an answer is French, then it is marked as another language', () => {
    const fr = 'Nous travaillons surtout avec le téléphone et parfois avec les courriels, mais pas toujours.';
    expect(detectLanguage(tokenize(fr), fr, 'de').lang).to.equal('fr');
  });
});
