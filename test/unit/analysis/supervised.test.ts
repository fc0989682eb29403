import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { analyze, BUILTIN_CODEBOOK, cloneCodebook, type AnalysisAnswer, type AnsweredCodes } from '../../../src/analysis/index.js';
import { calibrationVersion, corpusDocs, exampleDocs, shippable, trainGroupModel } from '../../../src/analysis/coding/coder.js';
import { BASE_MODEL_JSON } from '../../../src/analysis/model/base-model.generated.js';
import { trainLogistic, margin } from '../../../src/analysis/coding/linear.js';
import { CALIBRATION } from '../../../src/analysis/model/calibration.generated.js';
import { bootstrapInterval, balanceOf, rolloutReadiness } from '../../../src/analysis/requirements.js';
import { clausesOf, dominanceWeights, scopeRanges, workText } from '../../../src/analysis/text/scope.js';
import { corpusModuleSource, CORPUS_MODULE } from '../../../src/evaluation/build-corpus.js';

const one = (question: string, text: string): AnsweredCodes => analyze([{ id: 'a', question, text }], { skipClustering: true }).answers[0];
const channels = (text: string): string[] => one('q1', text).channels ?? [];

describe('analysis: supervised coder (issue 13)', () => {
  describe('the corpus reaches the engine as data', () => {
    it('when data/training is read, then the generated corpus module is in sync with it', () => {
      expect(readFileSync(CORPUS_MODULE, 'utf8'), 'run npm run corpus').to.equal(corpusModuleSource());
    });
    it('when the thresholds were calibrated, then for this corpus and these coder settings', () => {
      expect(CALIBRATION.version, 'run npm run corpus').to.equal(calibrationVersion());
      for (const g of ['current_practice', 'meaning', 'challenges', 'future'] as const) {
        for (const t of Object.values(CALIBRATION.groups[g]!.thresholds)) expect(t).to.be.within(0.05, 0.95);
      }
    });
  });

  describe('shipped base models', () => {
    it('when the base models are retrained here, then they equal the shipped ones bit for bit', () => {
      const shipped = JSON.parse(BASE_MODEL_JSON) as { version: string; groups: Record<string, unknown> };
      expect(shipped.version, 'run npm run corpus').to.equal(calibrationVersion());
      for (const g of BUILTIN_CODEBOOK.groups) {
        const fresh = shippable(trainGroupModel(g, [...corpusDocs(g), ...exampleDocs(g)]));
        expect(JSON.stringify(fresh), `${g.role}: run npm run corpus`).to.equal(JSON.stringify(shipped.groups[g.role]));
      }
    });
  });

  describe('logistic regression', () => {
    it('when two features separate the classes, then the weights point the right way and the solver is deterministic', () => {
      const X = [
        { ids: Int32Array.from([0]), vals: Float32Array.from([1]) },
        { ids: Int32Array.from([0, 2]), vals: Float32Array.from([1, 0.5]) },
        { ids: Int32Array.from([1]), vals: Float32Array.from([1]) },
        { ids: Int32Array.from([1, 2]), vals: Float32Array.from([1, 0.5]) },
      ];
      const y = Int8Array.from([1, 1, -1, -1]);
      const cost = new Float64Array(4).fill(4);
      const m = trainLogistic(X, y, cost, 3, { seed: 3 });
      expect(m.w[0]).to.be.greaterThan(0);
      expect(m.w[1]).to.be.lessThan(0);
      expect(margin(m, X[0].ids, X[0].vals)).to.be.greaterThan(0);
      expect(margin(m, X[2].ids, X[2].vals)).to.be.lessThan(0);
      expect(Array.from(trainLogistic(X, y, cost, 3, { seed: 3 }).w)).to.deep.equal(Array.from(m.w));
    });
  });

  describe('clauses and scopes', () => {
    it('when a transcript has no punctuation, then clauses still break at the words that open one', () => {
      const lower = 'also wir telefonieren viel aber mails les ich nur wenn ich mal zeit hab';
      const spans = clausesOf(lower).map((c) => lower.slice(c.start, c.end));
      expect(spans).to.deep.equal(['also wir telefonieren viel', 'aber mails les ich nur', 'wenn ich mal zeit hab']);
    });
    it('when a negation comes last in its clause, then the whole clause is in scope, and only that clause', () => {
      const lower = 'mails krieg ich keine, alles läuft mündlich';
      const ranges = scopeRanges(lower, clausesOf(lower));
      expect(ranges).to.have.length(1);
      expect(lower.slice(ranges[0].start, ranges[0].end)).to.equal('mails krieg ich keine');
    });
    it('when a channel was replaced by another, then only the old one is in scope', () => {
      const lower = 'das fax wurde durch e-mail ersetzt';
      const [r] = scopeRanges(lower, clausesOf(lower));
      expect(lower.slice(r.start, r.end)).to.contain('fax').and.not.contain('e-mail');
    });
    it('when the text changes length when lower-cased, then offsets still point into the original', () => {
      const w = workText('İstanbul Mail');
      expect(w.map).to.not.equal(null);
      const at = w.lower.indexOf('mail');
      expect('İstanbul Mail'.slice(w.map![at], w.map![at + 4])).to.equal('Mail');
    });
    it('when the main problem is marked, then its clause outweighs a conceded one', () => {
      const lower = 'klar, die rechner sind alt. das größere problem ist aber die einstellung';
      const clauses = clausesOf(lower);
      const w = dominanceWeights(lower, clauses);
      const at = (s: string): number => w[clauses.findIndex((c) => lower.slice(c.start, c.end).includes(s))];
      expect(at('einstellung')).to.be.greaterThan(3 * at('rechner'));
    });
  });

  describe('channels as real answers say them', () => {
    it('when WhatsApp is prohibited, then it is no channel, and the others stay', () => {
      const c = channels('Hauptsächlich bei der Übergabe, WhatsApp ist bei uns strikt untersagt, und wir telefonieren.');
      expect(c).to.include.members(['face_to_face', 'phone']);
      expect(c).to.not.include('chat');
    });
    it('when mails are negated after the noun ("Mails krieg ich keine"), then e-mail is not coded', () => {
      const c = channels('Mails krieg ich keine, alles läuft mündlich bei der Übergabe.');
      expect(c).to.include('face_to_face');
      expect(c).to.not.include('email');
    });
    it('when a transcript says "selten" late, then the channels named before survive', () => {
      const c = channels('also wir telefonieren viel und schreiben mails äh und das intranet les ich wenn ich mal zeit hab was selten ist');
      expect(c).to.include.members(['phone', 'email']);
    });
    it('when Teams is a call, then it is a video call, not a phone call', () => {
      const c = channels('Meistens im Teams-Call mit dem Team.');
      expect(c).to.include('video_call');
      expect(c).to.not.include('phone');
    });
    it('when SharePoint holds folders of documents, then it is shared documents', () => {
      expect(channels('Die Dokumente liegen in SharePoint-Ordnern.')).to.include('shared_docs');
    });
    it('when a false start corrects itself ("we use — no, we used to use Skype"), then Skype is not current', () => {
      const c = channels('we use — no, we used to use Skype, now it is all email and the phone');
      expect(c).to.include.members(['email', 'phone']);
      expect(c).to.not.include('chat');
      expect(c).to.not.include('video_call');
    });
  });

  describe('challenge type by dominance', () => {
    it('when the answer names no obstacle, then it has no challenge type (no default)', () => {
      for (const text of ['k.A.', 'dunno tbh']) {
        const a = one('q3', text);
        expect(a.challenge_type, text).to.equal(undefined);
        expect(a.themes, text).to.deep.equal([]);
      }
    });
    it('when technical and cultural obstacles are both named, then the answer says it is mixed and weighs them', () => {
      const a = one('q3', 'the biggest one is the culture, people stick to their old habits. the kit itself is okay-ish apart from the slow VPN');
      expect(a.challenge_mixed).to.equal(true);
      expect(a.technical_weight).to.be.within(0, 1);
      expect(a.challenge_type).to.equal('cultural');
    });
    it('when only a technical obstacle is named, then it is technical and not mixed', () => {
      const a = one('q3', 'Das WLAN bricht ständig ab und der VPN ist langsam.');
      expect(a.challenge_type).to.equal('technical');
      expect(a.challenge_mixed).to.equal(false);
      expect(a.technical_weight).to.be.greaterThan(0.8);
    });
  });

  describe('evidence, confidence and uncertainty', () => {
    it('when codes are assigned, then each has a clause of the original text with offsets and the code\'s confidence', () => {
      const text = 'Meistens Telefon. Die Dokumente liegen in SharePoint-Ordnern, sonst Mail.';
      const a = one('q1', text);
      expect(a.evidence!.map((e) => e.code)).to.deep.equal(a.channels);
      for (const e of a.evidence!) {
        expect(text.slice(e.start, e.end)).to.equal(e.text);
        expect(e.confidence).to.equal(a.confidence![e.code]);
        expect(e.confidence).to.be.within(0, 1);
      }
      const docs = a.evidence!.find((e) => e.code === 'shared_docs')!;
      expect(docs.text).to.contain('SharePoint');
      expect(a.uncertainty).to.be.within(0, 1);
    });
    it('when an answer is plain, then it is less uncertain than a borderline one', () => {
      const r = analyze(
        [
          { id: 'plain', question: 'q3', text: 'Das WLAN bricht ständig ab und der VPN ist langsam.' },
          { id: 'vague', question: 'q3', text: 'naja, manches halt, man weiß es nicht so genau' },
        ],
        { skipClustering: true },
      );
      expect(r.answers[0].uncertainty!).to.be.lessThan(r.answers[1].uncertainty!);
    });
  });

  describe('corrections count', () => {
    it('when a lead corrects a few paraphrases, then a similar unseen answer follows them', () => {
      // A campaign's own word the corpus does not know ("Stempeluhr-App"), taught by three corrections.
      const texts = ['Für mich ist das die Stempeluhr-App.', 'Stempeluhr-App, sonst nichts.', 'Dass die Stempeluhr-App endlich geht.'];
      const probe = 'Die Stempeluhr-App auf dem Handy.';
      const before = one('q2', probe).themes ?? [];
      const corrections = texts.map((text) => ({ text, question: 'q2', themes: ['flexibility_autonomy'] }));
      const after = analyze([{ id: 'p', question: 'q2', text: probe }], { skipClustering: true, corrections }).answers[0].themes ?? [];
      expect(before).to.not.include('flexibility_autonomy');
      expect(after).to.include('flexibility_autonomy');
    });
    it('when a lead corrects one answer, then a similar uncorrected answer of the campaign follows it and unrelated answers keep their codes and confidences', () => {
      // "die Box": this campaign's name for its chat tool, in no training answer.
      const corrected = { text: 'Das meiste läuft bei uns über die Box, da schreibt man kurz rein.', question: 'q1', lang: 'de', channels: ['chat'] };
      const similar = 'Über die Box läuft das meiste, man schreibt kurz was rein.';
      const unrelated = ['Wir telefonieren viel.', 'Mails und ab und zu ein Teams-Call.', 'Aushang am Schwarzen Brett und Gespräche in der Pause.', 'Intranet und SharePoint-Ordner.'];
      const answers = [similar, ...unrelated].map((text, i) => ({ id: `a${i}`, question: 'q1', text, lang: 'de' }));
      const base = analyze(answers, { skipClustering: true }).answers;
      const adapted = analyze(answers, { skipClustering: true, corrections: [corrected] }).answers;
      const before = base.map((a) => a.channels ?? []);
      const after = adapted.map((a) => a.channels ?? []);
      expect(before[0]).to.not.include('chat');
      expect(after[0]).to.include('chat');
      expect(after.slice(1)).to.deep.equal(before.slice(1));
      // The base model is adapted, not retrained: an answer that shares no word with the correction
      // keeps its probabilities (retraining on corpus + correction moved them by up to 0.012).
      expect(adapted.slice(1).map((a) => a.confidence)).to.deep.equal(base.slice(1).map((a) => a.confidence));
    });
  });

  describe('campaign codebooks', () => {
    it('when a campaign merged a built-in code into another, then the corpus answers of the merged code teach the survivor', () => {
      const book = cloneCodebook();
      const g = book.groups.find((x) => x.role === 'challenges')!;
      const from = g.codes.find((c) => c.id === 'connectivity_devices')!;
      const to = g.codes.find((c) => c.id === 'tool_sprawl')!;
      // What the theme board does on a merge: examples move to the survivor, the merged code goes.
      to.examples = { de: [...to.examples.de, ...from.examples.de], en: [...to.examples.en, ...from.examples.en] };
      g.codes = g.codes.filter((c) => c !== from);
      const a = analyze([{ id: 'w', question: 'q3', text: 'Das WLAN im Lager ist zu schwach, die Scanner brechen ab.' }], { skipClustering: true, codebook: book }).answers[0];
      expect(a.themes).to.include('tool_sprawl');
      expect(a.themes).to.not.include('connectivity_devices');
    });
  });

  describe('campaign balance', () => {
    it('when the bootstrap runs twice with a seed, then the interval is identical and contains the share', () => {
      const per: Array<[number, number]> = Array.from({ length: 40 }, (_, i) => (i % 5 < 3 ? [1, 0] : [0, 1]));
      const a = bootstrapInterval(per, 7, 1000);
      expect(bootstrapInterval(per, 7, 1000)).to.deep.equal(a);
      expect(a[0]).to.be.lessThan(0.6);
      expect(a[1]).to.be.greaterThan(0.6);
    });
    it('when the interval includes 0.5, then no order is advised; when it excludes it, then it is', () => {
      const answers = (tech: number, cult: number): AnsweredCodes[] =>
        Array.from({ length: tech + cult }, (_, i) => ({ id: `a${i}`, question: 'q3', role: 'challenges' as const, lang: 'de', respondent: `r${i}`, challenge_type: i < tech ? ('technical' as const) : ('cultural' as const) }));
      const close = balanceOf(answers(11, 9), 1);
      expect(close.interval![0]).to.be.lessThan(0.5);
      expect(rolloutReadiness(close).stance).to.equal('balanced');
      const clear = balanceOf(answers(80, 20), 1);
      expect(clear.interval![0]).to.be.greaterThan(0.5);
      expect(rolloutReadiness(clear).stance).to.equal('technical_first');
      expect(rolloutReadiness(balanceOf(answers(20, 80), 1)).stance).to.equal('enablement_first');
    });
  });

  describe('emergent themes', () => {
    it('when answers share a theme no code covers, then the cluster is a candidate whose label phrases occur in ≥ 2 of its answers', () => {
      // Three themes of eight answers each: a canteen problem no code covers, Wi-Fi, e-mail flood.
      const canteen = ['Die Kantine schließt zu früh für die Spätschicht.', 'Kantine schließt zu früh, Spätschicht hat nichts.', 'Für die Spätschicht ist die Kantine schon zu.', 'Die Kantine schließt zu früh, wir essen aus dem Automaten.', 'Spätschicht und Kantine passen nicht zusammen.', 'Kantine zu früh zu, Spätschicht geht leer aus.', 'Nach 18 Uhr ist die Kantine zu, die Spätschicht hungert.', 'Die Kantine schließt, bevor die Spätschicht Pause hat.'];
      const wlan = ['Das WLAN bricht in der Halle ab.', 'WLAN in der Halle ist zu schwach.', 'In der Halle kein WLAN, die Scanner brechen ab.', 'Das WLAN fällt ständig aus.', 'Kein Netz in der Halle, WLAN weg.', 'Das WLAN ist in der Halle zu langsam.', 'WLAN bricht ab, Scanner hängen.', 'Die Halle hat schlechtes WLAN.'];
      const mails = ['Zu viele Mails jeden Tag.', 'Die Mailflut ist enorm.', 'Jeden Tag hundert Mails.', 'Zu viele Mails in CC.', 'Mails ohne Ende, keine Ruhe.', 'Die vielen Mails lenken ab.', 'Ständig neue Mails.', 'Mails, Mails, Mails.'];
      const answers: AnalysisAnswer[] = [...canteen, ...wlan, ...mails].map((text, i) => ({ id: `a${i}`, respondent: `r${i}`, question: 'q3', text }));
      const r = analyze(answers, { seed: 5 });
      for (const c of r.clusters) {
        const members = r.answers.filter((a) => a.cluster === c.id).map((a) => answers.find((x) => x.id === a.id)!.text.toLowerCase());
        for (const t of c.terms) expect(members.filter((m) => m.includes(t)).length, `${c.id} "${t}"`).to.be.at.least(2);
        if (c.newThemeCandidate) {
          expect(c.codes).to.deep.equal([]);
          expect(c.cohesion!).to.be.at.least(0.25);
        }
      }
      const candidates = r.clusters.filter((c) => c.newThemeCandidate);
      expect(candidates, JSON.stringify(r.clusters.map((c) => [c.label, c.codes, c.cohesion]))).to.have.length(1);
      expect(candidates[0].label).to.match(/kantine|spätschicht/);
      expect(candidates[0].size).to.equal(canteen.length);
    });
  });
});
