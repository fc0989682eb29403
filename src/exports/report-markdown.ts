import type { Translate } from '../shared/i18n/index.js';
import type { ReportView } from '../reports/report.service.js';

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

/** The requirements report as Markdown: the same data (and the same anonymity) as the HTML view. */
export function reportMarkdown(r: ReportView, t: Translate, campaignTitle: string): string {
  const locale = r.lang === 'de' ? 'de-DE' : 'en-GB';
  const date = (d: Date) => `${new Date(d).toLocaleString(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' })} UTC`;
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
  line(`## ${t('report.summary.title')}`);
  line();
  line(`${t('report.summary.base', { respondents: r.summary.respondents, answers: r.summary.answers })} ${t('report.summary.counts', { ...r.summary.counts })}`);
  line();
  if (r.summary.topMust.length) {
    line(`**${t('report.summary.top_must')}**`);
    line();
    for (const title of r.summary.topMust) line(`- ${mdEscape(title)}`);
  } else line(t('report.summary.no_must'));
  line();
  line(`**${t(`report.readiness.stance.${r.summary.stance}`)}:** ${mdEscape(r.summary.readinessText)}`);
  if (r.summary.topChannel) {
    line();
    line(t('report.summary.top_channel', { channel: mdEscape(r.summary.topChannel) }));
  }
  line();

  line(`## ${t('report.readiness.title')}`);
  line();
  line(t('report.readiness.balance', { technical: r.readiness.technical, cultural: r.readiness.cultural, tpercent: r.readiness.technicalPercent, cpercent: r.readiness.culturalPercent }));
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
    for (const row of seg.rows) {
      if (row.suppressed) line(`| ${mdEscape(row.label)} | – | – | ${t('report.suppressed', { min: r.method.minGroupSize })} |`);
      else line(`| ${mdEscape(row.label)} | ${row.technical} | ${row.cultural} | ${row.technicalPercent} % |`);
    }
    line();
  }

  line(`## ${t('report.req.title')}`);
  line();
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
      line(`${t(`report.req.kind.${req.kind}`)} · ${t(`report.req.source.${req.source}`)} · ${t('report.req.reach', { respondents: req.respondents, percent: req.percent })}`);
      line();
      if (req.segments.length) {
        const parts = req.segments.map((s) => {
          const values = s.values.length ? s.values.map((v) => `${mdEscape(v.label)} (${v.count})`).join(', ') : t('report.req.segments_none');
          const hidden = s.hidden && s.values.length ? ` – ${t('report.req.hidden', { n: s.hidden })}` : '';
          return `${mdEscape(s.label)}: ${values}${hidden}`;
        });
        line(`**${t('report.req.segments')}:** ${parts.join('; ')}`);
        line();
      }
      if (req.evidence.length) {
        line(`**${t('report.req.evidence')}:**`);
        line();
        for (const e of req.evidence) line(`- „${mdEscape(e.quote)}“${e.attribution.length ? ` — ${e.attribution.map(mdEscape).join(', ')}` : ''}`);
        line();
      }
    }
  }

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

  line(`## ${t('report.method.title')}`);
  line();
  line(`- ${t('report.method.answers', { answers: r.method.answers, respondents: r.method.respondents })}`);
  line(`- ${t('report.method.languages')}: ${r.method.languages.map((l) => `${l.lang.toUpperCase()}: ${l.count}`).join(', ') || '–'}`);
  line(`- ${t('report.method.codebook')}: ${mdEscape(r.method.codebookVersion)}`);
  line(`- ${t('report.method.corrections')}: ${r.method.corrections}`);
  line(`- ${t('report.method.run_date')}: ${date(r.method.runDate)}`);
  line(`- ${t('report.method.anonymity')}: ${t(r.method.anonymity === 'identified' ? 'anonymity.identified' : 'anonymity.anonymous')}`);
  line();
  line(t('report.method.min_group', { min: r.method.minGroupSize }));
  line();
  line(t('report.method.thresholds', { ...r.method.thresholds }));
  line();
  line(t('report.method.coding'));
  line();
  return out.join('\n');
}
