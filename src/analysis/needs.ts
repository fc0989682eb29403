import type { AnsweredCodes, Codebook, CodeDefinition, Evidence, Lang, Moscow, Requirement, RequirementEvidence } from './types.js';

/**
 * Requirements as NEEDS (issue 14): what people lack (a challenge theme, q3) and what they wish
 * for (a feature, q4) are often the same need in two words — "nobody finds anything" and "one
 * search across everything". One need becomes ONE requirement: its reach counts distinct people
 * (not answers), split into how many named it as a problem and how many as a wish; its evidence
 * is the sentences that carried its codes, ranked by the coder's confidence for that code; its
 * title and acceptance criteria name what this campaign's people named (systems, places, devices).
 */

type L10n = { de: string; en: string };

interface NeedDefinition {
  id: string;
  /** Feature codes (q4) and challenge codes (q3) that express this need. */
  codes: string[];
  kind: Requirement['kind'];
  /** `{list}` is replaced by what the evidence names (systems, places…); `generic` when it names none. */
  title: L10n;
  generic: L10n;
  /** What the specifics are: systems, places, devices. */
  specifics: Array<keyof typeof GAZETTEER>;
  /** How many named specifics the title needs (an interface "between" needs two). Default 1. */
  minSpecifics?: number;
  acceptance: Array<{ specific: L10n; generic: L10n }>;
}

const NEEDS: NeedDefinition[] = [
  {
    id: 'search',
    codes: ['enterprise_search', 'findability'],
    kind: 'capability',
    title: { de: 'Eine Suche über {list}', en: 'One search across {list}' },
    generic: { de: 'Eine Suche über alle Ablagen und Systeme', en: 'One search across all stores and systems' },
    specifics: ['systems'],
    acceptance: [
      {
        specific: { de: 'Eine Suche findet ein Dokument aus jedem der {n} genannten Systeme ({list}) mit einem Suchbegriff.', en: 'One search finds a document from any of the {n} named systems ({list}) with one query.' },
        generic: { de: 'Eine Suche findet Dokumente aus allen Ablagen der Organisation mit einem Suchbegriff.', en: 'One search finds documents from every store of the organisation with one query.' },
      },
      {
        specific: { de: 'Treffer zeigen die aktuelle Fassung und wer dafür zuständig ist.', en: 'Results show the current version and who is responsible for it.' },
        generic: { de: 'Treffer zeigen die aktuelle Fassung und wer dafür zuständig ist.', en: 'Results show the current version and who is responsible for it.' },
      },
    ],
  },
  {
    id: 'single_access',
    codes: ['unified_dashboard', 'tool_sprawl'],
    kind: 'capability',
    title: { de: 'Ein Einstieg für {list} statt vieler Werkzeuge', en: 'One entry point for {list} instead of many tools' },
    generic: { de: 'Ein Einstieg für alle Informationen und Anwendungen', en: 'One entry point for all information and applications' },
    specifics: ['systems'],
    acceptance: [
      {
        specific: { de: '{list} sind von einer Startseite aus mit einer Anmeldung erreichbar.', en: '{list} can be reached from one start page with one sign-in.' },
        generic: { de: 'Die täglich genutzten Anwendungen sind von einer Startseite aus mit einer Anmeldung erreichbar.', en: 'The applications used every day can be reached from one start page with one sign-in.' },
      },
      {
        specific: { de: 'Für jede Art von Mitteilung ist festgelegt, in welchem Kanal sie steht.', en: 'For every kind of message it is agreed which channel it goes to.' },
        generic: { de: 'Für jede Art von Mitteilung ist festgelegt, in welchem Kanal sie steht.', en: 'For every kind of message it is agreed which channel it goes to.' },
      },
    ],
  },
  {
    id: 'integration',
    codes: ['legacy_integration'],
    kind: 'capability',
    title: { de: 'Schnittstellen zwischen {list}: Daten nur einmal erfassen', en: 'Interfaces between {list}: enter data once' },
    generic: { de: 'Schnittstellen zwischen den Systemen: Daten nur einmal erfassen', en: 'Interfaces between systems: enter data once' },
    specifics: ['systems'],
    minSpecifics: 2,
    acceptance: [
      {
        specific: { de: 'Daten, die in einem der genannten Systeme ({list}) erfasst werden, erscheinen in den anderen ohne erneute Eingabe.', en: 'Data entered in one of the named systems ({list}) appears in the others without being typed again.' },
        generic: { de: 'Daten, die in einem System erfasst werden, erscheinen in den anderen ohne erneute Eingabe.', en: 'Data entered in one system appears in the others without being typed again.' },
      },
    ],
  },
  {
    id: 'connectivity',
    codes: ['infrastructure', 'connectivity_devices'],
    kind: 'capability',
    title: { de: 'Verlässliches Netz und Geräte: {list}', en: 'Reliable network and equipment: {list}' },
    generic: { de: 'Verlässliches Netz und gute Geräte, wo gearbeitet wird', en: 'Reliable network and good equipment where people work' },
    specifics: ['network', 'places', 'devices'],
    acceptance: [
      {
        specific: { de: 'An den genannten Orten und mit den genannten Geräten ({list}) gibt es eine stabile Verbindung; Messung vor dem Rollout.', en: 'The named places and devices ({list}) have a stable connection, measured before the rollout.' },
        generic: { de: 'An allen Arbeitsorten gibt es eine stabile Verbindung; Messung vor dem Rollout.', en: 'Every place of work has a stable connection, measured before the rollout.' },
      },
      {
        specific: { de: 'Defekte oder veraltete Geräte werden innerhalb einer vereinbarten Frist ersetzt.', en: 'Broken or outdated devices are replaced within an agreed time.' },
        generic: { de: 'Defekte oder veraltete Geräte werden innerhalb einer vereinbarten Frist ersetzt.', en: 'Broken or outdated devices are replaced within an agreed time.' },
      },
    ],
  },
  {
    id: 'mobile',
    codes: ['mobile_access'],
    kind: 'capability',
    title: { de: 'Mobiler Zugriff auf {list}', en: 'Mobile access to {list}' },
    generic: { de: 'Voller Zugriff vom Smartphone und Tablet, auch unterwegs', en: 'Full access from smartphone and tablet, also on the move' },
    specifics: ['systems', 'processes'],
    acceptance: [
      {
        specific: { de: 'Die genannten Anwendungen ({list}) lassen sich vom Smartphone aus nutzen, ohne Umweg über einen PC.', en: 'The named applications ({list}) can be used from a smartphone without going through a PC.' },
        generic: { de: 'Die wichtigsten Anwendungen lassen sich vom Smartphone aus nutzen, ohne Umweg über einen PC.', en: 'The main applications can be used from a smartphone without going through a PC.' },
      },
    ],
  },
  {
    id: 'focus',
    codes: ['smart_filtering', 'information_overload'],
    kind: 'capability',
    title: { de: 'Weniger Nachrichtenflut: {list} filtern und bündeln', en: 'Less message overload: filter and batch {list}' },
    generic: { de: 'Weniger Nachrichtenflut: nur zeigen, was für die Aufgabe zählt', en: 'Less message overload: show only what matters for the task' },
    specifics: ['channels'],
    acceptance: [
      {
        specific: { de: 'Benachrichtigungen aus {list} lassen sich bündeln und für Fokuszeiten stummschalten.', en: 'Notifications from {list} can be batched and muted for focus time.' },
        generic: { de: 'Benachrichtigungen lassen sich bündeln und für Fokuszeiten stummschalten.', en: 'Notifications can be batched and muted for focus time.' },
      },
      {
        specific: { de: 'Regeln für CC und Verteiler sind vereinbart und bekannt.', en: 'Rules for CC and distribution lists are agreed and known.' },
        generic: { de: 'Regeln für CC und Verteiler sind vereinbart und bekannt.', en: 'Rules for CC and distribution lists are agreed and known.' },
      },
    ],
  },
  {
    id: 'wellbeing',
    codes: ['wellbeing_boundaries', 'worklife_blurring'],
    kind: 'enablement',
    title: { de: 'Klare Erreichbarkeitsregeln und Recht auf Abschalten', en: 'Clear availability rules and a right to disconnect' },
    generic: { de: 'Klare Erreichbarkeitsregeln und Recht auf Abschalten', en: 'Clear availability rules and a right to disconnect' },
    specifics: [],
    acceptance: [
      {
        specific: { de: 'Erreichbarkeitszeiten sind vereinbart; außerhalb davon wird keine Antwort erwartet.', en: 'Availability hours are agreed; outside them no answer is expected.' },
        generic: { de: 'Erreichbarkeitszeiten sind vereinbart; außerhalb davon wird keine Antwort erwartet.', en: 'Availability hours are agreed; outside them no answer is expected.' },
      },
    ],
  },
  {
    id: 'skills',
    codes: ['training_support', 'skills_pace'],
    kind: 'enablement',
    title: { de: 'Schulung und Unterstützung für {list}', en: 'Training and support for {list}' },
    generic: { de: 'Schulung, Einarbeitung und Hilfe beim Lernen der Werkzeuge', en: 'Training, onboarding and help with learning the tools' },
    specifics: ['systems'],
    acceptance: [
      {
        specific: { de: 'Vor dem Start gibt es für {list} eine Schulung in der Arbeitszeit und eine Ansprechperson je Team.', en: 'Before go-live there is training for {list} during working hours and a contact person per team.' },
        generic: { de: 'Vor dem Start gibt es eine Schulung in der Arbeitszeit und eine Ansprechperson je Team.', en: 'Before go-live there is training during working hours and a contact person per team.' },
      },
    ],
  },
  {
    id: 'security',
    codes: ['security_compliance'],
    kind: 'capability',
    title: { de: 'Sicherheitsregeln, die Arbeiten mit {list} ermöglichen', en: 'Security rules that allow working with {list}' },
    generic: { de: 'Sicherheitsregeln, die die Arbeit nicht blockieren', en: 'Security rules that do not block the work' },
    specifics: ['systems'],
    acceptance: [
      {
        specific: { de: 'Für {list} ist ein freigegebener, sicherer Weg dokumentiert, der im Alltag funktioniert.', en: 'For {list} an approved, secure way of working is documented and works day to day.' },
        generic: { de: 'Für jede blockierte Aufgabe ist ein freigegebener, sicherer Weg dokumentiert.', en: 'For every blocked task an approved, secure way of working is documented.' },
      },
    ],
  },
  {
    id: 'collaboration',
    codes: ['integrated_collaboration'],
    kind: 'capability',
    title: { de: 'Chat, Video, Dokumente und Aufgaben in einem Ablauf', en: 'Chat, video, documents and tasks in one flow' },
    generic: { de: 'Chat, Video, Dokumente und Aufgaben in einem Ablauf', en: 'Chat, video, documents and tasks in one flow' },
    specifics: [],
    acceptance: [
      {
        specific: { de: 'Ein Dokument lässt sich aus dem Chat heraus gemeinsam bearbeiten und als Aufgabe zuweisen.', en: 'A document can be co-edited from the chat and assigned as a task.' },
        generic: { de: 'Ein Dokument lässt sich aus dem Chat heraus gemeinsam bearbeiten und als Aufgabe zuweisen.', en: 'A document can be co-edited from the chat and assigned as a task.' },
      },
    ],
  },
  {
    id: 'automation',
    codes: ['automation_assistants'],
    kind: 'capability',
    title: { de: 'Routinearbeit automatisieren: {list}', en: 'Automate routine work: {list}' },
    generic: { de: 'Routinearbeit automatisieren und Anträge zum Selbermachen', en: 'Automate routine work and self-service processes' },
    specifics: ['processes'],
    acceptance: [
      {
        specific: { de: 'Die genannten Abläufe ({list}) laufen ohne Papier und ohne Abtippen.', en: 'The named processes ({list}) run without paper and without retyping.' },
        generic: { de: 'Die drei häufigsten Routineabläufe laufen ohne Papier und ohne Abtippen.', en: 'The three most frequent routine processes run without paper and without retyping.' },
      },
    ],
  },
  {
    id: 'personalization',
    codes: ['personalization'],
    kind: 'capability',
    title: { de: 'Inhalte passend zu Rolle und Standort', en: 'Content that fits role and location' },
    generic: { de: 'Inhalte passend zu Rolle und Standort', en: 'Content that fits role and location' },
    specifics: [],
    acceptance: [
      {
        specific: { de: 'Die Startseite zeigt Neuigkeiten nach Rolle und Standort; jede Person kann Themen abbestellen.', en: 'The start page shows news by role and location; everyone can unsubscribe from topics.' },
        generic: { de: 'Die Startseite zeigt Neuigkeiten nach Rolle und Standort; jede Person kann Themen abbestellen.', en: 'The start page shows news by role and location; everyone can unsubscribe from topics.' },
      },
    ],
  },
  {
    id: 'sync',
    codes: ['seamless_sync'],
    kind: 'capability',
    title: { de: 'Gerät wechseln und nahtlos weiterarbeiten', en: 'Switch devices and carry on seamlessly' },
    generic: { de: 'Gerät wechseln und nahtlos weiterarbeiten', en: 'Switch devices and carry on seamlessly' },
    specifics: [],
    acceptance: [
      {
        specific: { de: 'Eine am PC begonnene Aufgabe lässt sich am Smartphone an derselben Stelle fortsetzen.', en: 'A task begun on the PC continues at the same point on the smartphone.' },
        generic: { de: 'Eine am PC begonnene Aufgabe lässt sich am Smartphone an derselben Stelle fortsetzen.', en: 'A task begun on the PC continues at the same point on the smartphone.' },
      },
    ],
  },
  {
    id: 'privacy',
    codes: ['privacy_optin'],
    kind: 'capability',
    title: { de: 'Transparenz über Datennutzung, Opt-in für persönliche Daten', en: 'Transparency about data use, opt-in for personal data' },
    generic: { de: 'Transparenz über Datennutzung, Opt-in für persönliche Daten', en: 'Transparency about data use, opt-in for personal data' },
    specifics: [],
    acceptance: [
      {
        specific: { de: 'Jede Person sieht, welche Daten über sie verarbeitet werden, und stimmt persönlichen Auswertungen aktiv zu.', en: 'Everyone can see which data about them is processed and opts in to personal analyses.' },
        generic: { de: 'Jede Person sieht, welche Daten über sie verarbeitet werden, und stimmt persönlichen Auswertungen aktiv zu.', en: 'Everyone can see which data about them is processed and opts in to personal analyses.' },
      },
    ],
  },
  {
    id: 'change',
    codes: ['change_resistance'],
    kind: 'enablement',
    title: { de: 'Veränderung begleiten: Nutzen zeigen, Gewohnheiten ablösen', en: 'Guide the change: show the benefit, replace old habits' },
    generic: { de: 'Veränderung begleiten: Nutzen zeigen, Gewohnheiten ablösen', en: 'Guide the change: show the benefit, replace old habits' },
    specifics: [],
    acceptance: [
      {
        specific: { de: 'Jedes Team hat eine Ansprechperson für den Wechsel; der alte Weg wird zu einem angekündigten Datum abgeschaltet.', en: 'Every team has a change contact; the old way is switched off on an announced date.' },
        generic: { de: 'Jedes Team hat eine Ansprechperson für den Wechsel; der alte Weg wird zu einem angekündigten Datum abgeschaltet.', en: 'Every team has a change contact; the old way is switched off on an announced date.' },
      },
    ],
  },
  {
    id: 'leadership',
    codes: ['leadership_trust'],
    kind: 'enablement',
    title: { de: 'Führung als Vorbild: Vertrauen statt Kontrolle', en: 'Leaders as role models: trust instead of control' },
    generic: { de: 'Führung als Vorbild: Vertrauen statt Kontrolle', en: 'Leaders as role models: trust instead of control' },
    specifics: [],
    acceptance: [
      {
        specific: { de: 'Führungskräfte nutzen die neuen Werkzeuge selbst und vereinbaren mit ihren Teams Ziele statt Anwesenheit.', en: 'Managers use the new tools themselves and agree goals rather than presence with their teams.' },
        generic: { de: 'Führungskräfte nutzen die neuen Werkzeuge selbst und vereinbaren mit ihren Teams Ziele statt Anwesenheit.', en: 'Managers use the new tools themselves and agree goals rather than presence with their teams.' },
      },
    ],
  },
];

/**
 * Things people name, and how the title lists them. Only names, never whole phrases of an answer,
 * so a title never quotes one person. A name counts when at least two people named it.
 */
const GAZETTEER = {
  systems: [
    [/share\s?point/iu, { de: 'SharePoint', en: 'SharePoint' }],
    [/\bs\s?a\s?p\b/iu, { de: 'SAP', en: 'SAP' }],
    [/\bconfluence\b/iu, { de: 'Confluence', en: 'Confluence' }],
    [/\b[jg]ira\b/iu, { de: 'Jira', en: 'Jira' }],
    [/\bsalesforce\b/iu, { de: 'Salesforce', en: 'Salesforce' }],
    [/\bone\s?drive\b/iu, { de: 'OneDrive', en: 'OneDrive' }],
    [/\bgoogle\s?(?:drive|docs)\b/iu, { de: 'Google Drive', en: 'Google Drive' }],
    [/\bdropbox\b/iu, { de: 'Dropbox', en: 'Dropbox' }],
    [/laufwerk|network\s?drive|shared\s?drive|file\s?share/iu, { de: 'Netzlaufwerke', en: 'network drives' }],
    [/intra\s?net/iu, { de: 'Intranet', en: 'intranet' }],
    [/\berp\b/iu, { de: 'ERP', en: 'ERP' }],
    [/\bcrm\b/iu, { de: 'CRM', en: 'CRM' }],
    [/\bdms\b|dokumentenmanagement|document\s?management/iu, { de: 'Dokumentenmanagement', en: 'document management' }],
    [/e-?akte/iu, { de: 'E-Akte', en: 'e-file' }],
    [/\bwiki\b/iu, { de: 'Wiki', en: 'wiki' }],
    [/\boutlook\b|out\s?look/iu, { de: 'Outlook', en: 'Outlook' }],
    [/\bteams\b/u, { de: 'Teams', en: 'Teams' }],
    [/\bslack\b/iu, { de: 'Slack', en: 'Slack' }],
    [/\bticket/iu, { de: 'Ticketsystem', en: 'ticket system' }],
    [/\bexcel\b/iu, { de: 'Excel', en: 'Excel' }],
    [/\bcitrix\b/iu, { de: 'Citrix', en: 'Citrix' }],
  ],
  channels: [
    [/e-?mails?\b|postfach|inbox|outlook/iu, { de: 'E-Mail', en: 'e-mail' }],
    [/\bchat|\bteams\b|\bslack\b|whats\s?app/iu, { de: 'Chat', en: 'chat' }],
    [/benachrichtigung|notification|push|ping/iu, { de: 'Benachrichtigungen', en: 'notifications' }],
    [/telefon|anruf|\bphone|\bcalls?\b/iu, { de: 'Anrufe', en: 'calls' }],
  ],
  network: [
    [/w-?lan|wi-?fi|wifi|wireless/iu, { de: 'WLAN', en: 'Wi-Fi' }],
    [/\bvpn\b/iu, { de: 'VPN', en: 'VPN' }],
    [/mobilfunk|funkloch|empfang|netzabdeckung|coverage|reception|signal/iu, { de: 'Mobilfunkempfang', en: 'mobile coverage' }],
    [/internet|bandbreite|bandwidth|leitung/iu, { de: 'Internetleitung', en: 'internet line' }],
  ],
  places: [
    [/\blager|warehouse/iu, { de: 'Lager', en: 'warehouse' }],
    [/\bhalle\b|werkhalle|produktion|shop\s?floor|plant floor/iu, { de: 'Produktion', en: 'shop floor' }],
    [/baustelle|construction site|on site/iu, { de: 'Baustelle', en: 'building sites' }],
    [/\bzug\b|\bbahn\b|\btrain\b/iu, { de: 'Zug', en: 'train' }],
    [/außendienst|aussendienst|\bfield\b|beim kunden|at customers?/iu, { de: 'Außendienst', en: 'field work' }],
    [/\bstation\b|\bward\b/iu, { de: 'Station', en: 'ward' }],
    [/home\s?office|zu hause|zuhause|from home/iu, { de: 'Homeoffice', en: 'home office' }],
    [/filiale|\bstore\b|\bshop\b|laden/iu, { de: 'Filialen', en: 'stores' }],
  ],
  devices: [
    [/laptop|notebook/iu, { de: 'Laptops', en: 'laptops' }],
    [/diensthandy|smartphone|handy|natel|\bmobile phone/iu, { de: 'Diensthandys', en: 'work phones' }],
    [/tablet|\bipad/iu, { de: 'Tablets', en: 'tablets' }],
    [/scanner/iu, { de: 'Scanner', en: 'scanners' }],
    [/akku|batter/iu, { de: 'Akkus', en: 'batteries' }],
    [/drucker|printer/iu, { de: 'Drucker', en: 'printers' }],
    [/\bpcs?\b|rechner|computer|hardware/iu, { de: 'Rechner', en: 'computers' }],
  ],
  processes: [
    [/urlaub|holiday|leave request|vacation/iu, { de: 'Urlaubsanträge', en: 'leave requests' }],
    [/reisekosten|spesen|expense/iu, { de: 'Reisekosten', en: 'expense claims' }],
    [/rechnung|invoice/iu, { de: 'Rechnungen', en: 'invoices' }],
    [/bestellung|order|einkauf|purchas/iu, { de: 'Bestellungen', en: 'orders' }],
    [/protokoll|minutes|bericht|report/iu, { de: 'Berichte und Protokolle', en: 'reports and minutes' }],
    [/zeiterfassung|stundenzettel|timesheet|time sheet/iu, { de: 'Zeiterfassung', en: 'timesheets' }],
    [/formular|antrag|form\b|application form/iu, { de: 'Formulare und Anträge', en: 'forms and requests' }],
  ],
} as const satisfies Record<string, ReadonlyArray<readonly [RegExp, L10n]>>;

/**
 * Evidence must carry its code with at least this confidence. Only when a need would otherwise
 * have no quote at all may a weaker clause stand in, and then only for the answer's main code
 * (never a quote whose only link is a low-confidence secondary code). Chosen by
 * src/evaluation/evidence-sim.ts (each training voice as an unseen campaign): the lowest
 * threshold (in steps of 0.05) at which the pooled precision's 95 % lower bound (Wilson) clears
 * 0.95 — with seventeen voices 0.968 over 912 quotes (bound 0.955) at 0.9; at 0.85 0.962 (bound
 * 0.947). (Until 2026-12-07 the rule was "clears 0.95 by 0.01", which chose 0.75; two sealed sets
 * then came out at 0.92–0.94, so a margin that ignores the sample's size was too thin.)
 */
export const EVIDENCE_MIN_CONFIDENCE = 0.9;
const EVIDENCE_FALLBACK_CONFIDENCE = 0.5;
/** Quotes kept per requirement (one per person, best first). */
export const QUOTES_PER_NEED = 5;

export interface NeedInput {
  answers: AnsweredCodes[];
  texts: Map<string, string>;
  segments: Map<string, Record<string, string>>;
  codebook: Codebook;
  /** MoSCoW from share and spread (requirements.ts). */
  moscow: (share: number, spread: number, multiSegmentCampaign: boolean) => Moscow;
  /** Evidence threshold (default EVIDENCE_MIN_CONFIDENCE; src/evaluation/evidence-sim.ts chooses it). */
  minConfidence?: number;
}

/** The need a code belongs to; codes a campaign added (theme board) are needs of their own. */
export function needOf(code: string): NeedDefinition | undefined {
  return NEEDS.find((n) => n.codes.includes(code));
}

/** All need ids and their codes (for the evaluation's evidence precision). */
export function needCodes(): Map<string, string[]> {
  return new Map(NEEDS.map((n) => [`need-${n.id}`, [...n.codes]]));
}

/** The sentence of `text` that contains [start, end), cut to about 220 characters around it. */
export function sentenceAround(text: string, start: number, end: number, max = 220): { quote: string; start: number; end: number } {
  const bounds = /[.!?…]+(?=\s|$)|\n+/gu;
  let s = 0;
  let e = text.length;
  for (const m of text.matchAll(bounds)) {
    const at = (m.index ?? 0) + m[0].length;
    if (at <= start) s = at;
    else if ((m.index ?? 0) >= end) {
      e = (m.index ?? 0) + m[0].length;
      break;
    }
  }
  // A sentence without end marks (a transcript) can be the whole answer: keep the clause and a little context.
  if (e - s > max) {
    s = Math.max(s, start - Math.floor((max - (end - start)) / 2));
    e = Math.min(e, s + max);
    if (end > e) e = end;
  }
  const raw = text.slice(s, e);
  const lead = raw.length - raw.trimStart().length;
  const quote = raw.trim();
  const cutStart = s > 0 && !/[.!?…\n]\s*$/u.test(text.slice(0, s)) ? '…' : '';
  const cutEnd = e < text.length && !/[.!?…]$/u.test(quote) ? '…' : '';
  return { quote: `${cutStart}${quote}${cutEnd}`, start: s + lead, end: s + lead + quote.length };
}

function list(items: string[], lang: Lang): string {
  if (items.length <= 1) return items.join('');
  const and = lang === 'de' ? 'und' : 'and';
  return `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1]}`;
}

function codesOf(a: AnsweredCodes): string[] {
  return a.role === 'future' ? (a.features ?? []) : a.role === 'challenges' ? (a.themes ?? []) : [];
}

/** The evidence of `answer` for one of `codes`: the best clause, widened to its sentence. */
function bestEvidence(a: AnsweredCodes, codes: readonly string[], text: string, fallback = false, min = EVIDENCE_MIN_CONFIDENCE): RequirementEvidence | undefined {
  const assigned = codesOf(a);
  const main = assigned[0];
  const ok = (e: Evidence) => e.confidence >= min || (fallback && e.code === main && e.confidence >= EVIDENCE_FALLBACK_CONFIDENCE);
  const candidates: Evidence[] = (a.evidence ?? []).filter((e) => codes.includes(e.code) && ok(e));
  candidates.sort((x, y) => y.confidence - x.confidence || x.start - y.start);
  const best = candidates[0];
  if (best) {
    const s = sentenceAround(text, best.start, best.end);
    return { id: a.id, quote: s.quote, code: best.code, confidence: Math.round(best.confidence * 1000) / 1000, start: s.start, end: s.end, lang: String(a.lang) };
  }
  // No clause evidence (an older engine's result): only when the need's code is the answer's main code.
  const code = codes.find((c) => c === main);
  if (!code || (a.evidence && a.evidence.length)) return undefined;
  const s = sentenceAround(text, 0, Math.min(text.length, 1));
  return { id: a.id, quote: s.quote, code, confidence: a.confidence?.[code], start: s.start, end: s.end, lang: String(a.lang) };
}

/**
 * Letters every match of a pattern contains: per top-level alternative, its longest run of plain
 * letters that are not optional (lower-cased), or null when an alternative has no such run. Groups,
 * classes and escapes end a run and are skipped (conservative: they never add a letter).
 */
export function requiredRuns(source: string): string[] | null {
  const alternatives: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') i++;
    else if (ch === '[') {
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
    } else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) {
      alternatives.push(source.slice(from, i));
      from = i + 1;
    }
  }
  alternatives.push(source.slice(from));
  const out: string[] = [];
  for (const alt of alternatives) {
    let best = '';
    let run = '';
    const end = (): void => {
      if (run.length > best.length) best = run;
      run = '';
    };
    for (let i = 0; i < alt.length; ) {
      const ch = alt[i];
      const next = alt[i + 1];
      if (/^[A-Za-z]$/.test(ch)) {
        if (next === '?' || next === '*' || next === '{') {
          end();
          i++;
          continue;
        }
        run += ch.toLowerCase();
        i++;
        if (next === '+') end();
        continue;
      }
      end();
      if (ch === '\\') {
        const e = alt[i + 1];
        if ((e === 'p' || e === 'P' || e === 'u' || e === 'k') && alt[i + 2] === '{') i = alt.indexOf('}', i) + 1 || alt.length;
        else i += e === 'u' ? 6 : e === 'x' ? 4 : e === 'c' ? 3 : 2;
      } else if (ch === '[') {
        for (i++; i < alt.length && alt[i] !== ']'; i++) if (alt[i] === '\\') i++;
        i++;
      } else if (ch === '(') {
        let d = 0;
        for (; i < alt.length; i++) {
          if (alt[i] === '\\') i++;
          else if (alt[i] === '[') {
            for (i++; i < alt.length && alt[i] !== ']'; i++) if (alt[i] === '\\') i++;
          } else if (alt[i] === '(') d++;
          else if (alt[i] === ')' && --d === 0) break;
        }
        i++;
      } else i++;
    }
    end();
    if (best === '') return null;
    out.push(best);
  }
  return out;
}

/**
 * A text folded so that a case-insensitive (Unicode) match of a lower-case letter is that letter:
 * lower-cased, and the long s (U+017F, which /iu matches as "s") made an "s". The only code point
 * besides the case variants that /iu matches to an ASCII letter (checked over all code points).
 */
function foldForRuns(text: string): string {
  const lower = text.toLowerCase();
  return lower.includes('\u017f') ? lower.replace(/\u017f/g, 's') : lower;
}

/** Per gazetteer kind: per pattern, the letter runs one of which a sentence needs for it to match (null: test always). */
const GAZETTEER_RUNS = new Map<string, Array<string[] | null>>(Object.entries(GAZETTEER).map(([kind, entries]) => [kind, entries.map(([re]) => requiredRuns(re.source))]));

/** Names from the gazetteer that at least two people used in their evidence for this need. */
function specificsOf(need: NeedDefinition, sentences: Array<{ who: string; text: string }>): L10n[] {
  const counts = new Map<string, { name: L10n; who: Set<string> }>();
  const folded = need.specifics.length > 0 ? sentences.map((s) => foldForRuns(s.text)) : [];
  for (const kind of need.specifics) {
    const runs = GAZETTEER_RUNS.get(kind)!;
    GAZETTEER[kind].forEach(([re, name], e) => {
      // A pattern is tested only on the sentences that contain one of its required letter runs.
      const need = runs[e];
      sentences.forEach((s, j) => {
        if (need !== null && !need.some((r) => folded[j].includes(r))) return;
        if (re.test(s.text)) {
          let c = counts.get(name.en);
          if (!c) counts.set(name.en, (c = { name, who: new Set() }));
          c.who.add(s.who);
        }
      });
    });
  }
  return [...counts.values()]
    .filter((c) => c.who.size >= 2)
    .sort((a, b) => b.who.size - a.who.size || (a.name.en < b.name.en ? -1 : 1))
    .slice(0, 4)
    .map((c) => c.name);
}

const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));

function capitalise(s: string): string {
  return s ? s[0].toLocaleUpperCase() + s.slice(1) : s;
}

/**
 * One requirement per need that anyone named. Reach: distinct people over q3 and q4; share of the
 * people who answered q3 or q4. Codes not in any need (a campaign's own codes) become needs of
 * their own, titled by the code's name.
 */
export function deriveNeeds(input: NeedInput): Requirement[] {
  const codeDefs = new Map<string, { def: CodeDefinition; group: 'features' | 'challenges' }>();
  for (const g of input.codebook.groups) {
    if (g.role === 'future') for (const c of g.codes) codeDefs.set(c.id, { def: c, group: 'features' });
    if (g.role === 'challenges') for (const c of g.codes) codeDefs.set(c.id, { def: c, group: 'challenges' });
  }
  const who = (a: AnsweredCodes) => a.respondent ?? a.id;
  const asked = new Set<string>();
  // Answers of the two roles that make needs, and per code the positions of those that carry it
  // (ascending, each once): a need's answers are the union over its codes, found without a pass
  // over all answers per need.
  const relevant: AnsweredCodes[] = [];
  const withCode = new Map<string, number[]>();
  for (const a of input.answers) {
    if (a.role !== 'future' && a.role !== 'challenges') continue;
    asked.add(who(a));
    const i = relevant.length;
    relevant.push(a);
    for (const c of codesOf(a)) {
      let at = withCode.get(c);
      if (!at) withCode.set(c, (at = []));
      if (at[at.length - 1] !== i) at.push(i);
    }
  }
  // More than one segment value in the whole campaign (the scan stops at the second).
  const allSegments = new Set<string>();
  scan: for (const s of input.segments.values()) {
    for (const [k, v] of Object.entries(s)) {
      if (v) allSegments.add(`${k}=${v}`);
      if (allSegments.size > 1) break scan;
    }
  }
  const multi = allSegments.size > 1;
  // Segment labels ("column=value") per relevant answer, made on first use.
  const labels: Array<string[] | undefined> = new Array(relevant.length);
  const labelText = new Map<string, Map<string, string>>();
  const labelsOf = (i: number): string[] => {
    let l = labels[i];
    if (!l) {
      l = labels[i] = [];
      const seg = input.segments.get(relevant[i].id) ?? {};
      for (const k in seg) {
        if (!Object.hasOwn(seg, k)) continue;
        const v = seg[k];
        if (!v) continue;
        let byValue = labelText.get(k);
        if (!byValue) labelText.set(k, (byValue = new Map()));
        let text = byValue.get(v);
        if (text === undefined) byValue.set(v, (text = `${k}=${v}`));
        l.push(text);
      }
    }
    return l;
  };

  // Needs in play: the built-in ones, and one per code outside them.
  const needs: NeedDefinition[] = [...NEEDS];
  for (const [id, { def, group }] of codeDefs)
    if (!needOf(id))
      needs.push({
        id,
        codes: [id],
        kind: group === 'challenges' && def.type === 'cultural' ? 'enablement' : 'capability',
        title: { de: def.requirement?.de ?? def.remedy?.de ?? def.name.de, en: def.requirement?.en ?? def.remedy?.en ?? def.name.en },
        generic: { de: def.requirement?.de ?? def.remedy?.de ?? def.name.de, en: def.requirement?.en ?? def.remedy?.en ?? def.name.en },
        specifics: [],
        acceptance: [],
      });

  const out: Requirement[] = [];
  for (const need of needs) {
    const codes = need.codes.filter((c) => codeDefs.has(c));
    if (!codes.length) continue;
    const problem = new Set<string>();
    const wish = new Set<string>();
    // The answers that carry any of the need's codes, in input order.
    const lists = codes.map((c) => withCode.get(c) ?? []);
    let positions = lists[0];
    if (lists.length > 1) {
      const all = lists.flat().sort((x, y) => x - y);
      positions = all.filter((p, j) => j === 0 || p !== all[j - 1]);
    }
    const hits: AnsweredCodes[] = positions.map((p) => relevant[p]);
    for (const a of hits) (a.role === 'future' ? wish : problem).add(who(a));
    const people = new Set([...problem, ...wish]);
    if (people.size === 0 || asked.size === 0) continue;

    // Evidence: one sentence per person, the most confident; problems and wishes both shown when both exist.
    const perPerson = new Map<string, RequirementEvidence>();
    const sentences: Array<{ who: string; text: string }> = [];
    for (const fallback of [false, true]) {
      for (const a of hits) {
        const text = input.texts.get(a.id) ?? '';
        const ev = bestEvidence(a, codes, text, fallback, input.minConfidence);
        if (!ev) continue;
        sentences.push({ who: who(a), text: ev.quote });
        const prev = perPerson.get(who(a));
        if (!prev || (ev.confidence ?? 0) > (prev.confidence ?? 0)) perPerson.set(who(a), ev);
      }
      if (perPerson.size) break;
    }
    const ranked = [...perPerson.values()].sort((x, y) => (y.confidence ?? 0) - (x.confidence ?? 0) || (x.id < y.id ? -1 : 1));
    const fromProblems = ranked.filter((e) => codeDefs.get(e.code ?? '')?.group === 'challenges');
    const fromWishes = ranked.filter((e) => codeDefs.get(e.code ?? '')?.group === 'features');
    const evidence: RequirementEvidence[] = [];
    if (fromProblems[0]) evidence.push(fromProblems[0]);
    if (fromWishes[0]) evidence.push(fromWishes[0]);
    for (const e of ranked) if (evidence.length < QUOTES_PER_NEED && !evidence.includes(e)) evidence.push(e);
    evidence.sort((x, y) => (y.confidence ?? 0) - (x.confidence ?? 0));

    const found = specificsOf(need, sentences);
    const specifics = found.length >= (need.minSpecifics ?? 1) ? found : [];
    const title = (lang: 'de' | 'en') => capitalise(specifics.length ? fill(need.title[lang], { list: list(specifics.map((s) => s[lang]), lang) }) : need.generic[lang]);
    const acceptance = need.acceptance.map((a) => ({
      de: capitalise(specifics.length ? fill(a.specific.de, { list: list(specifics.map((s) => s.de), 'de'), n: specifics.length }) : a.generic.de),
      en: capitalise(specifics.length ? fill(a.specific.en, { list: list(specifics.map((s) => s.en), 'en'), n: specifics.length }) : a.generic.en),
    }));

    const segs = new Set<string>();
    for (const p of positions) for (const l of labelsOf(p)) segs.add(l);
    const perColumn = new Map<string, Set<string>>();
    for (const l of segs) {
      const [col, val] = l.split('=');
      if (!perColumn.has(col)) perColumn.set(col, new Set());
      perColumn.get(col)!.add(val);
    }
    const spread = Math.max(0, ...[...perColumn.values()].map((s) => s.size));
    const share = people.size / asked.size;
    // The primary code: the one most people named (a tie goes to the wish: it says what to build).
    const byCode = codes.map((c, ci) => ({ c, n: new Set(lists[ci].map((p) => who(relevant[p]))).size, wish: codeDefs.get(c)!.group === 'features' }));
    byCode.sort((x, y) => y.n - x.n || Number(y.wish) - Number(x.wish));
    const primary = byCode[0].c;
    const pct = Math.round(share * 100);
    out.push({
      id: `need-${need.id}`,
      source: { group: codeDefs.get(primary)!.group, code: primary },
      codes,
      title: { de: title('de'), en: title('en') },
      rationale: {
        de: `${people.size} ${people.size === 1 ? 'Person' : 'Personen'} (${pct} %): ${problem.size} als Problem, ${wish.size} als Wunsch genannt.`,
        en: `${people.size} ${people.size === 1 ? 'person' : 'people'} (${pct} %): ${problem.size} named it as a problem, ${wish.size} as a wish.`,
      },
      acceptance,
      kind: need.kind,
      priority: input.moscow(share, spread, multi),
      respondents: people.size,
      problem: problem.size,
      wish: wish.size,
      share: Math.round(share * 1000) / 1000,
      segments: [...segs].sort(),
      evidence,
    });
  }
  const order: Record<Moscow, number> = { must: 0, should: 1, could: 2, wont: 3 };
  out.sort((a, b) => order[a.priority] - order[b.priority] || b.respondents - a.respondents || (a.id < b.id ? -1 : 1));
  return out;
}
