import { translator, type Address, type Lang } from '../../shared/i18n/index.js';

export type MailKind = 'invitation' | 'reminder' | 'closing';

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Every value from a campaign or an imported list is escaped before it goes into the HTML part. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Subject and first paragraph can never span lines (a CR/LF in a title would break headers). */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();

/**
 * German/English invitation and reminder, as plain text and simple HTML. All wording comes from
 * the i18n dictionaries (`mail.*`), so both languages are checked by the i18n test.
 */
export function renderMail(
  kind: MailKind,
  lang: Lang,
  p: {
    campaignTitle: string;
    /** The title is in this other language (the campaign has none in `lang`): the e-mail says so. */
    titleFallbackLang?: Lang;
    name: string;
    link: string;
    anonymous: boolean;
    senderName: string;
    address?: Address;
    closesAt?: Date;
  },
): MailContent {
  // German e-mails say Du or Sie like the campaign's pages.
  const t = translator(lang, p.address ?? 'sie');
  const title = oneLine(p.campaignTitle);
  // "Closing soon": the close date in the reader's language, in UTC like every time the app shows.
  const date = p.closesAt ? `${p.closesAt.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' })} UTC` : '';
  const subject = t(`mail.${kind}.subject`, { title, date });
  const greeting = p.name ? t('mail.greeting_named', { name: oneLine(p.name) }) : t('mail.greeting');
  const intro = t(`mail.${kind}.intro`, { title, date });
  // Issue 17: a title shown in the other language is marked, as on the respondent's pages.
  const note = p.titleFallbackLang ? t(p.titleFallbackLang === 'en' ? 'respond.fallback.en' : 'respond.fallback.de') : '';
  const privacy = p.anonymous ? t('mail.privacy_anonymous') : t('mail.privacy_identified');
  const personal = t('mail.personal_link');
  const cta = t('mail.cta');
  const signature = p.senderName ? oneLine(p.senderName) : t('mail.signature_default');

  const text = [greeting, '', intro, ...(note ? [`(${note})`] : []), '', `${cta}: ${p.link}`, '', personal, privacy, '', signature, ''].join('\n');
  const e = escapeHtml;
  const html = [
    '<!doctype html>',
    `<html lang="${lang}"><head><meta charset="utf-8"><title>${e(subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5; color: #1f2328;">',
    `<p>${e(greeting)}</p>`,
    `<p>${e(intro)}${note ? `<br><em style="font-size: .9em; color: #57606a;">${e(note)}</em>` : ''}</p>`,
    `<p><a href="${e(p.link)}" style="display: inline-block; padding: .6em 1.2em; background: #0b4f6c; color: #fff; text-decoration: none; border-radius: 4px;">${e(cta)}</a></p>`,
    `<p style="font-size: .9em; color: #57606a;">${e(personal)}<br>${e(privacy)}</p>`,
    `<p>${e(signature)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
