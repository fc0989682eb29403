import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { analyze, BUILTIN_CODEBOOK, cloneCodebook, codeIds, validateCodebook, type AnalysisAnswer } from '../../../src/analysis/index.js';

const q1 = (text: string): string[] => analyze([{ id: 'a', question: 'q1', text }], { skipClustering: true }).answers[0].channels ?? [];

describe('analysis coding', () => {
  describe('channels with negation scope', () => {
    it('when a channel is "nicht mehr" used, then it is not current', () => {
      expect(q1('Fax nutzen wir nicht mehr, alles läuft per Mail.')).to.deep.equal(['email']);
    });
    it('when "kein" precedes a channel, then it is not current', () => {
      expect(q1('Wir telefonieren viel, aber wir haben kein Slack.')).to.deep.equal(['phone']);
    });
    it('when a channel was abgeschafft, then it is not current', () => {
      expect(q1('Yammer haben wir abgeschafft. Wir schreiben E-Mails.')).to.deep.equal(['email']);
    });
    it('when a channel is "no longer" used or "stopped using", then it is not current', () => {
      expect(q1('We no longer use Skype. I stopped using WhatsApp for work. Email mostly.')).to.deep.equal(['email']);
    });
    it('when a channel is used "instead of" another, then only the first counts', () => {
      expect(q1('We use Slack instead of email.')).to.deep.equal(['chat']);
    });
    it('when a channel is only wished for, then it is not current', () => {
      expect(q1('Mostly phone calls. I wish we had a wiki.')).to.include('phone').and.not.include('intranet_wiki');
      expect(q1('Meist Telefon. Ein Chat wäre schön.')).to.include('phone').and.not.include('chat');
    });
    it('when a channel is used only with customers, then it is not a colleague channel', () => {
      expect(q1('Mit Kollegen per Mail, Zoom nur mit Kunden.')).to.deep.equal(['email']);
    });
    it('when channels are in current use, then all are coded', () => {
      expect(q1('Slack, Jira tickets and a Zoom call every morning.')).to.have.members(['chat', 'task_board', 'video_call']);
    });
  });

  describe('codebook', () => {
    it('when loaded, then every code the training corpus uses exists in its group, and every code has training answers', () => {
      // The ids are those of the shared codebook.json; npm test never reads ../shared, so the check is
      // against the project's own labelled corpus (data/training), which uses the same vocabulary.
      const dir = new URL('../../../data/training/', import.meta.url);
      const used: Record<string, Set<string>> = { q1: new Set(), q2: new Set(), q3: new Set(), q4: new Set() };
      for (const f of readdirSync(dir).filter((x) => x.endsWith('.jsonl'))) {
        for (const line of readFileSync(new URL(f, dir), 'utf8').split('\n')) {
          if (line.trim() === '') continue;
          const r = JSON.parse(line) as { question: string; labels: Record<string, string[] | string> };
          for (const k of ['channels', 'themes', 'features']) for (const c of (r.labels[k] as string[] | undefined) ?? []) used[r.question].add(c);
        }
      }
      const ids = codeIds();
      expect([...used.q1].sort()).to.deep.equal([...ids.current_practice].sort());
      expect([...used.q2].sort()).to.deep.equal([...ids.meaning].sort());
      expect([...used.q3].sort()).to.deep.equal([...ids.challenges].sort());
      expect([...used.q4].sort()).to.deep.equal([...ids.future].sort());
      const challenges = BUILTIN_CODEBOOK.groups.find((g) => g.role === 'challenges')!;
      for (const c of challenges.codes) expect(c.type, c.id).to.be.oneOf(['technical', 'cultural']);
    });
    it('when a codebook has a duplicate id or a broken cue, then validation throws', () => {
      const dup = cloneCodebook();
      dup.groups[0].codes.push(dup.groups[0].codes[0]);
      expect(() => validateCodebook(dup)).to.throw(/duplicate/);
      const bad = cloneCodebook();
      bad.groups[0].codes[0].cues = ['(unclosed'];
      expect(() => validateCodebook(bad)).to.throw(/regular expression/);
    });
    it('when a campaign adds a custom code for a custom question, then answers get it', () => {
      const book = cloneCodebook();
      book.groups.push({ role: 'custom', question: 'q5', output: 'themes', codes: [{ id: 'canteen', name: { de: 'Kantine', en: 'Canteen' }, definition: { de: 'Essen', en: 'Food' }, examples: { de: ['Das Essen in der Kantine'], en: ['The canteen food'] }, cues: ['kantine', 'canteen'] }] });
      const r = analyze([{ id: 'x', question: 'q5', text: 'The canteen is too loud.' }], { codebook: book, skipClustering: true });
      expect(r.answers[0].themes).to.deep.equal(['canteen']);
    });
  });

  describe('challenges', () => {
    it('when an answer is about VPN and coverage, then it is technical with a confidence in [0,1]', () => {
      const a = analyze([{ id: 't', question: 'q3', text: 'Das VPN bricht im Zug ständig ab und die Netzabdeckung ist mies.' }], { skipClustering: true }).answers[0];
      expect(a.themes?.[0]).to.equal('connectivity_devices');
      expect(a.challenge_type).to.equal('technical');
      expect(a.challenge_confidence).to.be.within(0.5, 1);
    });
    it('when an answer is about habits and management, then it is cultural', () => {
      const a = analyze([{ id: 'c', question: 'challenges', text: 'People stick to their habits and management does not lead by example.' }], { skipClustering: true }).answers[0];
      expect(a.challenge_type).to.equal('cultural');
    });
  });

  describe('corrections', () => {
    const text = 'Die Kantine ist der Ort, wo alles besprochen wird.';
    it('when a lead corrects an answer, then the same answer is coded as corrected', () => {
      const before = analyze([{ id: 'k', question: 'q1', text }], { skipClustering: true }).answers[0].channels;
      // A code the coder would not give this answer, so the override is visible.
      const after = analyze([{ id: 'k', question: 'q1', text }], { skipClustering: true, corrections: [{ text, question: 'q1', channels: ['chat'] }] }).answers[0].channels;
      expect(before).to.not.deep.equal(['chat']);
      expect(after).to.deep.equal(['chat']);
    });
    it('when corrections teach a new word, then similar unseen answers change too', () => {
      // "Zwitscher": a made-up name of a company's social network, in no training answer.
      const corrections = ['In Zwitscher klären wir alles.', 'Über Zwitscher reden wir über Projekte.', 'Zwitscher, jeden Tag, da wird alles abgestimmt.'].map((t) => ({ text: t, question: 'q1', channels: ['esn'] }));
      const probe = 'Meistens über Zwitscher.';
      const before = analyze([{ id: 'p', question: 'q1', text: probe }], { skipClustering: true }).answers[0];
      const after = analyze([{ id: 'p', question: 'q1', text: probe }], { skipClustering: true, corrections }).answers[0];
      expect(before.channels ?? []).to.not.include('esn');
      expect(after.channels).to.include('esn');
    });
  });

  describe('determinism', () => {
    it('when the same answers are analysed twice, then the results are identical', () => {
      const answers: AnalysisAnswer[] = [];
      const texts = ['Mail und Telefon', 'Slack and Zoom every day', 'Das VPN ist langsam', 'Too many tools, nobody finds anything', 'Ein Dashboard für alles', 'Schulungen für alle', 'Work from anywhere on any device', 'Papierlos und automatisiert'];
      for (let i = 0; i < 48; i++) answers.push({ id: `a${i}`, question: `q${(i % 4) + 1}`, text: `${texts[i % texts.length]} ${i % 3 === 0 ? 'wirklich' : ''}`, respondent: `r${Math.floor(i / 4)}`, segments: { department: i % 2 ? 'IT' : 'HR' } });
      const a = JSON.stringify(analyze(answers, { seed: 3 }));
      const b = JSON.stringify(analyze(answers, { seed: 3 }));
      expect(a).to.equal(b);
      expect(JSON.parse(a).clusters.length).to.be.greaterThan(0);
    });
  });
});
