import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ResponseModel } from '../../src/responses/response.model.js';
import { staffClient, testApp } from '../helpers/app.js';
import { useTestDb } from '../helpers/test-db.js';
import { parseCsv } from './exports.fixtures.js';
import { createFromApi } from '../../src/responses/response.service.js';
import { analyse, reportCampaign, TRICKY_TEXT, type ReportFixture } from './report.fixtures.js';
import { requireTool } from '../helpers/tools.js';

const run = promisify(execFile);

const MIXED_CHALLENGE = 'Das größere Problem ist die Einstellung: viele wollen nichts Neues lernen und teilen ungern Wissen. Dazu ist das VPN im Homeoffice langsam.';

/** LibreOffice (Debian's libreoffice-calc; .ci/run installs it when missing). */
function soffice(): string | undefined {
  return ['/usr/bin/soffice', '/usr/local/bin/soffice', '/usr/lib/libreoffice/program/soffice'].find((p) => existsSync(p));
}

/**
 * A real client opens the German Excel export: LibreOffice Calc imports the CSV (semicolon, UTF-8,
 * German locale) into an .xlsx and exports that back to CSV. Umlauts, quotes, semicolons and line
 * breaks must survive, numbers must be numbers, and no cell may have become a formula.
 */
describe('exports in a real spreadsheet (LibreOffice headless)', function () {
  this.timeout(240_000);
  useTestDb('exports_libreoffice');
  const app = testApp();
  let dir: string;
  let fixture: ReportFixture;
  let lead: Awaited<ReturnType<typeof staffClient>>;

  before(async function () {
    // Not silently green: one line names the missing tool; under CI=true the skip fails the run.
    if (!soffice()) requireTool(this, 'soffice', '/usr/bin/soffice');
    dir = await mkdtemp(path.join(tmpdir(), 'wv-lo-'));
    lead = await staffClient(app, 'lead');
    const { campaign } = await reportCampaign(lead.user.id, { analyse: false });
    // One challenge that names a cultural and a technical obstacle: its type confidence is a
    // fraction ("0,6"), the decimal comma a German spreadsheet must read as a number.
    await createFromApi(campaign, {
      submissionId: 'lo-mixed',
      lang: 'de',
      answers: { q1: 'Per Mail.', q2: 'Alles an einem Ort.', q3: MIXED_CHALLENGE, q4: 'Schulungen.' },
      segments: { department: 'sales', location: 'hamburg' },
    });
    fixture = await analyse(campaign);
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function convert(input: string, to: string, outDir: string, infilter?: string): Promise<void> {
    const args = [
      '--headless',
      '--norestore',
      // A private profile: no clash with a running LibreOffice or another test run.
      `-env:UserInstallation=${pathToFileURL(path.join(dir, 'profile')).href}`,
      ...(infilter ? [`--infilter=${infilter}`] : []),
      '--convert-to',
      to,
      '--outdir',
      outDir,
      input,
    ];
    await run(soffice()!, args, { timeout: 180_000, env: { ...process.env, HOME: dir } });
  }

  it('Excel-DE answers CSV → xlsx → CSV keeps umlauts, quotes, semicolons, line breaks; numbers are numbers; no formulas', async () => {
    const res = await lead.agent
      .get(`/lead/campaigns/${String(fixture.campaign._id)}/exports/answers.csv?variant=excel-de&lang=de`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const csvPath = path.join(dir, 'answers.csv');
    await writeFile(csvPath, res.body as Buffer);

    // Import like a German Excel user would open it: ';' separated, '"' quoted, UTF-8 (76), from
    // line 1, German locale (1031) for decimal commas.
    await convert(csvPath, 'xlsx', path.join(dir, 'xlsx'), 'CSV:59,34,76,1,,1031');
    const xlsx = path.join(dir, 'xlsx', 'answers.xlsx');
    const bytes = await readFile(xlsx);
    expect(bytes.subarray(0, 2).toString('latin1'), 'xlsx is a zip').to.equal('PK');
    const { stdout: sheet } = await run('unzip', ['-p', xlsx, 'xl/worksheets/sheet1.xml'], { maxBuffer: 64 * 1024 * 1024 });
    expect(sheet, 'no cell is a formula').not.to.match(/<f[ >]/);

    // And back to CSV (';', '"', UTF-8, quote all text cells) to compare cell by cell.
    await convert(xlsx, 'csv:Text - txt - csv (StarCalc):59,34,76,1,,1031,true,true,false', path.join(dir, 'back'));
    const back = parseCsv((await readFile(path.join(dir, 'back', 'answers.csv'), 'utf8')).replace(/^\uFEFF/, ''), ';');
    const original = parseCsv((res.body as Buffer).subarray(3).toString('utf8'), ';');
    expect(back.length, 'same number of rows').to.equal(original.length);
    expect(back[0]).to.deep.equal(original[0]);
    const answer = original[0].indexOf('Antwort');
    const answersBack = back.slice(1).map((r) => r[answer]);
    expect(answersBack, 'umlauts, „quotes“, "quotes", semicolons, commas, a line break and an emoji').to.include(TRICKY_TEXT);
    expect(back.slice(1).map((r) => r[answer])).to.deep.equal(original.slice(1).map((r) => r[answer]));
    // Formula payloads stayed text, with the apostrophe in front (shown, never evaluated).
    const stored = (await ResponseModel.find({ campaignId: fixture.campaign._id }).lean())
      .flatMap((r) => Object.values(r.answers as unknown as Record<string, { text: string }>).map((a) => a.text))
      .filter((t) => /^[=+\-@]/.test(t));
    expect(stored.length).to.be.greaterThan(2);
    for (const t of stored) expect(answersBack).to.include(`'${t}`);
    // Decimal commas were read as numbers by a German spreadsheet (not as text).
    const conf = original[0].indexOf('Sicherheit (Art)');
    const num = (v: string) => (v === '' ? NaN : Number(v.replace(',', '.')));
    const before = original.slice(1).map((r) => num(r[conf]));
    const after = back.slice(1).map((r) => num(r[conf]));
    expect(before.filter((n) => !Number.isNaN(n)).length).to.be.greaterThan(0);
    expect(before.some((n) => n > 0 && n < 1), 'the mixed challenge has a fractional confidence').to.equal(true);
    // (LibreOffice writes the raw value back with a decimal point: same number.)
    expect(after.map(String)).to.deep.equal(before.map(String));
    expect(sheet, 'confidence cells are numeric').to.match(/<c r="[A-Z]+\d+" s="\d+" t="n"><v>0\.\d+<\/v>|<c r="[A-Z]+\d+"[^>]*><v>0\.\d+<\/v>/);
  });
});
