import { expect } from 'chai';
import { parseRange } from '../../src/media/range.js';
import { parseSubtitles } from '../../src/media/subtitles.js';
import { sniffMedia } from '../../src/media/sniff.js';
import { AppError } from '../../src/shared/errors.js';

function fails(input: string): AppError {
  try {
    parseSubtitles(input);
  } catch (err) {
    expect(err).to.be.instanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected the parser to refuse the input');
}

describe('media: WebVTT and SRT transcripts', () => {
  it('parses WebVTT with header text, NOTE/STYLE blocks, identifiers, settings, tags and entities', () => {
    const vtt = [
      '\uFEFFWEBVTT - Interview Anna',
      'Kind: captions',
      '',
      'NOTE exported by the tool',
      'second note line',
      '',
      'STYLE',
      '::cue { color: yellow }',
      '',
      'intro',
      '00:00.000 --> 00:02.500 align:start position:10%',
      '<v Anna>Wir arbeiten mit <b>Teams</b> &amp; E-Mail.</v>',
      '',
      '01:00:01.250 --> 01:00:03.000',
      'Zweite',
      'Zeile &lt;3',
      '',
    ].join('\r\n');
    const parsed = parseSubtitles(vtt);
    expect(parsed.format).to.equal('vtt');
    expect(parsed.cues).to.deep.equal([
      { start: 0, end: 2.5, text: 'Wir arbeiten mit Teams & E-Mail.' },
      { start: 3601.25, end: 3603, text: 'Zweite Zeile <3' },
    ]);
    expect(parsed.text).to.equal('Wir arbeiten mit Teams & E-Mail. Zweite Zeile <3');
  });

  it('parses SRT with counters, comma milliseconds, italics and position tags, and sorts cues by time', () => {
    const srt = '2\n00:00:05,000 --> 00:00:06,000\n{\\an8}<i>später</i>\n\n1\n00:00:01,000 --> 00:00:04,000\nZuerst das 🙂\n';
    const parsed = parseSubtitles(srt);
    expect(parsed.format).to.equal('srt');
    expect(parsed.cues.map((c) => [c.start, c.text])).to.deep.equal([
      [1, 'Zuerst das 🙂'],
      [5, 'später'],
    ]);
  });

  it('accepts SRT without counters and skips cues without text', () => {
    const parsed = parseSubtitles('00:00:01,000 --> 00:00:02,000\nHallo\n\n00:00:02,000 --> 00:00:03,000\n<i></i>\n');
    expect(parsed.cues).to.have.length(1);
  });

  it('refuses malformed files with the line number and what to do', () => {
    expect(fails('WEBVTT\n\n00:00.000 -> 00:01.000\nkaputt\n').message).to.match(/line 3.*timing line/);
    expect(fails('WEBVTT\n\n00:00.000 --> 00:0x.000\nText\n').message).to.match(/line 3: invalid timestamp/);
    expect(fails('WEBVTT\n\n00:05.000 --> 00:01.000\nText\n').message).to.match(/ends before it starts/);
    expect(fails('WEBVTT\n\n00:00.000 --> 00:01.000\n').message).to.match(/no cues with text/);
    expect(fails('WEBVTTX\n\n00:00.000 --> 00:01.000\nA\n').message).to.match(/line 1: the header must be "WEBVTT"/);
    expect(fails('1\n00:00:01.000 --> 00:00:02\nA\n').message).to.match(/invalid timestamp/);
    expect(fails('eins\n00:00:01,000 --> 00:00:02,000\nA\n').message).to.match(/line 1: expected a cue number/);
    expect(fails('Just some text that is not a subtitle file\nat all\n').message).to.match(/line 1/);
    expect(fails('').code).to.equal('transcript_malformed');
    // WebVTT needs hours or minutes with exactly three millisecond digits.
    expect(fails('WEBVTT\n\n0:00.0 --> 0:01.0\nA\n').status).to.equal(400);
  });
});

describe('media: HTTP Range parsing', () => {
  const size = 1000;
  it('serves single ranges, open ranges, suffix ranges and clamps the end', () => {
    expect(parseRange('bytes=0-99', size)).to.deep.equal({ start: 0, end: 99 });
    expect(parseRange('bytes=900-', size)).to.deep.equal({ start: 900, end: 999 });
    expect(parseRange('bytes=-100', size)).to.deep.equal({ start: 900, end: 999 });
    expect(parseRange('bytes=-5000', size)).to.deep.equal({ start: 0, end: 999 });
    expect(parseRange('bytes=990-5000', size)).to.deep.equal({ start: 990, end: 999 });
    expect(parseRange('bytes=999-999', size)).to.deep.equal({ start: 999, end: 999 });
  });
  it('says unsatisfiable for ranges starting past the end and empty suffixes', () => {
    expect(parseRange('bytes=1000-', size)).to.equal('unsatisfiable');
    expect(parseRange('bytes=5000-6000', size)).to.equal('unsatisfiable');
    expect(parseRange('bytes=-0', size)).to.equal('unsatisfiable');
    expect(parseRange('bytes=0-', 0)).to.equal('unsatisfiable');
  });
  it('ignores what it does not serve (no header, other units, several ranges, reversed, garbage): the whole file', () => {
    for (const h of [undefined, '', 'items=0-1', 'bytes=0-1,4-5', 'bytes=9-3', 'bytes=-', 'bytes=a-b', 'bytes=0-1-2']) {
      expect(parseRange(h, size), String(h)).to.equal(undefined);
    }
  });
});

describe('media: magic-byte sniffing', () => {
  it('recognises containers by content and refuses the rest', async () => {
    const webmHead = Buffer.from('1a45dfa3a34286810142f7810142f2810442f381084282847765626d', 'hex');
    expect((await sniffMedia(Buffer.concat([webmHead, Buffer.alloc(64)]))).mime).to.equal('video/webm');
    const mp3 = Buffer.concat([Buffer.from('fffb9064', 'hex'), Buffer.alloc(64)]);
    expect((await sniffMedia(mp3)).mime).to.equal('audio/mpeg');
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const err = await sniffMedia(png).catch((e: unknown) => e as AppError);
    expect((err as AppError).status).to.equal(415);
    const empty = await sniffMedia(Buffer.alloc(0)).catch((e: unknown) => e as AppError);
    expect((empty as AppError).code).to.equal('media_empty');
  });
});
