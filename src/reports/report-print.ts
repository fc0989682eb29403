import type { Lang } from '../shared/i18n/index.js';

/**
 * A CSS string literal of any text: everything but letters, digits and a few safe punctuation
 * marks becomes a hex escape, so a campaign title can neither end the string nor the rule.
 */
export function cssString(text: string): string {
  const body = text.replace(/[^\p{L}\p{N} ,.:·–—!?()-]/gu, (c) => `\\${c.codePointAt(0)!.toString(16)} `);
  return `"${body}"`;
}

/** The date as the footer prints it (UTC, so the page and the PDF of one day agree). */
export function printDate(date: Date, lang: Lang): string {
  return date.toLocaleDateString(lang === 'de' ? 'de-DE' : 'en-GB', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
}

/**
 * The footer of the printed report: the campaign's name and the date in the bottom-left margin
 * box of the report's named page (the page numbers sit bottom-right, public/css/app.css). Served
 * as a stylesheet of its own (…/report/print.css) because the CSP allows no inline style and CSS
 * cannot read the title from the page into a margin box; the PDF loads the same stylesheet.
 */
export function printStylesheet(title: string, lang: Lang, date: Date): string {
  const footer = cssString(`${title.replace(/\s+/g, ' ').trim().slice(0, 90)} · ${printDate(date, lang)}`);
  return `@media print {\n  @page report-${lang} { @bottom-left { content: ${footer}; font-size: 8pt; color: #555; } }\n}\n`;
}
