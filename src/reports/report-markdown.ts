import type { Translate } from '../shared/i18n/index.js';
import type { ReportView } from './report.service.js';

/**
 * Escapes text from answers and campaign settings for Markdown: no emphasis, links, HTML, headings
 * or table breaks can be smuggled in through an answer, and line breaks stay inside their item.
 */
export function mdEscape(text: string): string {
  return text
    .replace(/\r\n?|\n/g, ' ')
    .replace(/[\\`*_{}[\]()<>#+!|~]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([-=>]|\d+\.)/, (_m, sp: string, mark: string) => `${sp}\\${mark}`);
}

/** The requirements report as Markdown: the same curated data (and the same anonymity) as the HTML view. */
export function reportMarkdown(r: ReportView, t: Translate, campaignTitle: string): string {
  const locale = r.lang === 'de' ? 'de-DE' : 'en-GB';
  const date = (d: Date) => `${new Date(d).toLocaleString(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' })} UTC`;
  const day = (s: string) => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(`${s}T00:00:00Z`).toLocaleDateString(locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }) : s);
  const quote = (s: string) => (r.lang === 'de' ? `„${s}“` : `“${s}”`);
  const out: string[] = [];
  const line = (s = '') => out.push(s);

  line(`# ${t('report.title')}: ${mdEscape(campaignTitle)}`);
  line();
  line(`_${t('report.subtitle')}_ — ${t('report.generated', { date: date(r.run.finishedAt) })}`);
  line();
  if (r.withheld) {
    line(t('dashboard.suppressed_total', { min: r.withheld.min, n: r.withheld.respondents }));
    line();
    return out.join('\n');
  }
  summary(r, t, line);
  readiness(r, t, line);
  requirements(r, t, line, quote, day);
  if (r.plan.length) {
    line(`## ${t('report.plan.title')}`);
    line();
    line(`| ${t('report.plan.col.requirement')} | ${t('report.plan.col.priority')} | ${t('report.plan.col.owner')} | ${t('report.plan.col.due')} |`);
    line('|---|---|---|---|');
    for (const p of r.plan) line(`| ${mdEscape(p.title)} | ${t(`report.req.priority.${p.priority}`)} | ${p.owner ? mdEscape(p.owner) : '–'} | ${p.due ? day(p.due) : '–'} |`);
    line();
  }
  landscape(r, t, line);
  method(r, t, line, date);
  return out.join('\n');
}

type Line = (s?: string) => void;

function summary(r: ReportView, t: Translate, line: Line): void {
  const c = r.summary.counts;
  line(`## ${t('report.summary.title')}`);
  line();
  line(`${t('report.summary.base', { respondents: r.summary.respondents, answers: r.summary.answers })} ${t('report.summary.counts', { total: c.must + c.should + c.could + c.wont, ...c })}`);
  line();
  if (r.summary.lead) {
    for (const p of r.summary.lead.paragraphs) {
      line(mdEscape(p));
      line();
    }
    return;
  }
  if (r.summary.topMust.length) {
    line(`**${t('report.summary.top_must')}**`);
    line();
    for (const title of r.summary.topMust) line(`- ${mdEscape(title)}`);
  } else line(t('report.summary.no_must'));
  line();
  line(t('report.summary.stance', { stance: t(`report.readiness.stance.${r.summary.stance}`) }));
  if (r.summary.topChannel) {
    line();
    line(t('report.summary.top_channel', { channel: mdEscape(r.summary.topChannel) }));
  }
  line();
}

function readiness(r: ReportView, t: Translate, line: Line): void {
  line(`## ${t('report.readiness.title')}`);
  line();
  line(t('report.readiness.balance', { technical: r.readiness.technical, cultural: r.readiness.cultural, tpercent: r.readiness.technicalPercent, cpercent: r.readiness.culturalPercent }));
  line();
  line(`**${t(`report.readiness.stance.${r.readiness.stance}`)}.** ${mdEscape(r.readiness.text)}`);
  line();
  line(`### ${t('report.readiness.first')}`);
  line();
  if (r.readiness.firstSteps.length) {
    r.readiness.firstSteps.forEach((s, i) => line(`${i + 1}. ${mdEscape(s.title)} (${t(`report.req.priority.${s.priority}`)} · ${t(`report.req.kind.${s.kind}`)})`));
  } else line(t('report.readiness.no_first'));
  line();
  for (const seg of r.readiness.bySegment) {
    line(`### ${t('report.readiness.by_segment')}: ${mdEscape(seg.label)}`);
    line();
    line(`| ${t('report.readiness.col.group')} | ${t('report.readiness.col.technical')} | ${t('report.readiness.col.cultural')} | ${t('report.readiness.col.share')} |`);
    line('|---|---:|---:|---:|');
    for (const row of seg.rows) line(`| ${mdEscape(row.label)} | ${row.technical} | ${row.cultural} | ${row.technicalPercent} % |`);
    line();
  }
  if (r.readiness.groupsHidden) {
    line(`_${t('report.groups_hidden')}_`);
    line();
  }
}

function requirements(r: ReportView, t: Translate, line: Line, quote: (s: string) => string, day: (s: string) => string): void {
  line(`## ${t('report.req.title')}`);
  line();
  if (r.requirementGroupsHidden) {
    line(`_${t('report.groups_hidden')}_`);
    line();
  }
  if (!r.requirements.length) {
    line(t('report.req.none'));
    line();
  }
  for (const group of r.requirements) {
    line(`### ${t(`report.req.priority.${group.priority}`)} (${group.items.length})`);
    line();
    for (const req of group.items) {
      line(`#### ${mdEscape(req.title)}`);
      line();
      const who = req.problem !== undefined && req.wish !== undefined ? t('report.req.problem_wish', { problem: req.problem, wish: req.wish }) : t(`report.req.source.${req.source}`);
      const codes = req.codes.length ? ` · ${t('report.req.codes')}: ${req.codes.map(mdEscape).join(', ')}` : '';
      line(`${t(`report.req.kind.${req.kind}`)} · ${t('report.req.reach', { respondents: req.respondents, percent: req.percent })} · ${who}${codes}`);
      line();
      const paras = [
        req.rationale ? mdEscape(req.rationale) : '',
        req.priorityChange ? t('report.req.priority_changed', { from: t(`report.req.priority.${req.priorityChange.from}`), reason: mdEscape(req.priorityChange.reason) }) : '',
        req.merged.length ? t('report.req.merged', { titles: req.merged.map((m) => quote(mdEscape(m.title))).join(', ') }) : '',
        req.segments.length ? `${t('report.req.segments')}: ${req.segments.map((s) => `${mdEscape(s.label)} ${s.values.map((v) => `${mdEscape(v.label)} ${v.count}`).join(', ')}`).join('; ')}` : '',
        [req.owner ? t('report.req.owner', { owner: mdEscape(req.owner) }) : '', req.due ? t('report.req.due', { due: day(req.due) }) : ''].filter(Boolean).join(' · '),
      ].filter(Boolean);
      for (const p of paras) {
        line(p);
        line();
      }
      if (req.acceptance.length) {
        line(`**${t('report.req.acceptance')}:**`);
        line();
        for (const a of req.acceptance) line(`- ${mdEscape(a)}`);
        line();
      }
      if (req.evidence.length) {
        for (const e of req.evidence) {
          const by = [...e.attribution, ...(e.foreign ? [e.lang === 'de' || e.lang === 'en' ? t(`report.quote.in.${e.lang}`) : t('report.quote.in_other', { lang: String(e.lang).toUpperCase() })] : [])];
          line(`> ${quote(mdEscape(e.quote))}${by.length ? ` — ${by.map(mdEscape).join(' · ')}` : ''}`);
          line();
        }
      }
    }
  }
}

function landscape(r: ReportView, t: Translate, line: Line): void {
  line(`## ${t('report.channels.title')}`);
  line();
  line(t('report.channels.intro', { base: r.channelBase }));
  line();
  if (r.channels.length) {
    line(`| ${t('report.channels.col.channel')} | ${t('report.channels.col.people')} | ${t('report.channels.col.share')} |`);
    line('|---|---:|---:|');
    for (const c of r.channels) line(`| ${mdEscape(c.name)} | ${c.count} | ${c.percent} % |`);
  } else line(t('report.channels.none'));
  line();
  if (r.meanings.length) {
    line(`### ${t('report.meanings.title')}`);
    line();
    line(t('report.meanings.intro', { base: r.meaningBase }));
    line();
    for (const m of r.meanings) line(`- ${mdEscape(m.name)} (${m.count} · ${m.percent} %)`);
    line();
  }
}

function method(r: ReportView, t: Translate, line: Line, date: (d: Date) => string): void {
  const m = r.method;
  line(`## ${t('report.method.title')}`);
  line();
  line(`- ${t('report.method.answers', { answers: m.answers, respondents: m.respondents })}`);
  line(`- ${t('report.method.languages')}: ${m.languages.map((l) => `${l.lang.toUpperCase()}: ${l.count}`).join(', ') || '–'}`);
  line(`- ${t('report.method.codebook')}: ${mdEscape(m.codebookVersion)}`);
  line(`- ${t('report.method.corrections')}: ${m.corrections}${m.correctionsSince ? ` (${t('report.method.corrections_since', { n: m.correctionsSince })})` : ''}`);
  line(`- ${t('report.method.curated')}: ${curatedText(r, t)}`);
  line(`- ${t('report.method.run_date')}: ${date(m.runDate)}`);
  line(`- ${t('report.method.anonymity')}: ${t(m.anonymity === 'identified' ? 'anonymity.identified' : 'anonymity.anonymous')}`);
  line();
  line(t('report.method.min_group', { min: m.minGroupSize }));
  line();
  line(t('report.method.thresholds', { ...m.thresholds }));
  line();
  line(t('report.method.coding'));
  line();
}

/** What the lead curated, as the method section states it (only non-zero parts). */
export function curatedText(r: ReportView, t: Translate): string {
  return r.method.curatedParts.map((p) => t(p.key, { n: p.n })).join(', ');
}
