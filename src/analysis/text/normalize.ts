/**
 * Normalisation real answers need before features: Swiss/typed spellings folded, fillers of speech
 * dropped, words a speech recogniser split joined again, and a small gazetteer of brands and tools
 * whose code depends on the words around them.
 */
import { STOPWORDS, STOPWORDS_ANY } from './stopwords.js';

/**
 * Folding for matching: ß → ss (Swiss German never writes ß), ä/ö/ü → ae/oe/ue (how people type
 * without a German keyboard: "Geraete", "Aerger"), apostrophes dropped ("gibt's" → "gibts").
 */
export function fold(token: string): string {
  let needs = false;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c === 0xdf || c === 0xe4 || c === 0xf6 || c === 0xfc || c === 0x27 || c === 0x2019) {
      needs = true;
      break;
    }
  }
  if (!needs) return token;
  return token.replace(/ß/g, 'ss').replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/['’]/g, '');
}

/** Fillers and hedges of spoken answers: no meaning for any code. */
export const FILLERS = new Set([
  'äh', 'ähm', 'aeh', 'aehm', 'ehm', 'hm', 'hmm', 'mhm', 'uh', 'uhm', 'um', 'umm', 'erm', 'er', 'ah', 'oh', 'naja', 'tja', 'quasi', 'sozusagen', 'halt', 'eben',
  'irgendwie', 'gell', 'gelle', 'oder', 'ne', 'nee', 'gö', 'gäll', 'gell', 'basically', 'actually', 'literally', 'kinda', 'sorta', 'yeah', 'ok', 'okay',
]);

/**
 * Function words that still carry meaning for these codes: "zu viele", "too many" (overload,
 * sprawl), "alt/old" (legacy), "neu/new" (pace), "ein Ort/one place" (single point of access),
 * "nie/never", "nur/only" — stopword lists drop them.
 */
const KEEP = new Set([
  'zu', 'viel', 'viele', 'vielen', 'too', 'many', 'much', 'mehr', 'more', 'less', 'weniger', 'alt', 'alte', 'alten', 'alter', 'altes', 'old', 'older', 'new', 'neu',
  'neue', 'neuen', 'neues', 'need', 'needs', 'want', 'always', 'immer', 'nie', 'never', 'nothing', 'nichts', 'nix', 'alles', 'all', 'everything', 'one', 'einem',
  'single', 'every', 'jeder', 'jede', 'überall', 'anywhere', 'everywhere', 'nur', 'only', 'kein', 'keine', 'keinen', 'nicht', 'not', 'no', 'ohne', 'without',
  'home', 'online', 'mobil', 'work', 'arbeit', 'arbeiten', 'büro', 'zusammen', 'together', 'gemeinsam', 'selbst', 'self', 'allein', 'alone', 'schnell', 'fast',
  'langsam', 'slow', 'same', 'gleich', 'gleichen', 'time', 'zeit',
]);

const STOP_DE = new Set([...STOPWORDS.de].filter((w) => !KEEP.has(w)));
const STOP_EN = new Set([...STOPWORDS.en].filter((w) => !KEEP.has(w)));
const STOP_ANY = new Set([...STOPWORDS_ANY].filter((w) => !KEEP.has(w)));

/** True for tokens that make no feature in the given language. */
export function isStop(token: string, lang: string): boolean {
  if (FILLERS.has(token)) return true;
  if (lang === 'de') return STOP_DE.has(token) || STOP_EN.has(token);
  if (lang === 'en') return STOP_EN.has(token) || STOP_DE.has(token);
  return STOP_ANY.has(token);
}

/**
 * Two tokens a recogniser (or a typist) split that mean one tool or word. Keyed "first second".
 */
export const JOINS = new Map<string, string>([
  ['share point', 'sharepoint'], ['sher point', 'sharepoint'], ['intra net', 'intranet'], ['e mail', 'email'], ['e mails', 'emails'], ['whats app', 'whatsapp'],
  ["what's app", 'whatsapp'], ['what s', 'whats'], ['one drive', 'onedrive'], ['web ex', 'webex'], ['face book', 'facebook'], ['drop box', 'dropbox'],
  ['power point', 'powerpoint'], ['out look', 'outlook'], ['con fluence', 'confluence'], ['video konferenz', 'videokonferenz'], ['video call', 'videocall'],
  ['tele fon', 'telefon'], ['home office', 'homeoffice'], ['w lan', 'wlan'], ['wi fi', 'wifi'], ['wifi', 'wifi'], ['lap top', 'laptop'], ['note book', 'notebook'],
  ['smart phone', 'smartphone'], ['dash board', 'dashboard'], ['teams call', 'teamscall'], ['teams calls', 'teamscall'], ['teams meeting', 'teamsmeeting'],
  ['teams meetings', 'teamsmeeting'], ['teams chat', 'teamschat'], ['yam mer', 'yammer'], ['viva engage', 'vivaengage'], ['google docs', 'googledocs'],
  ['google meet', 'googlemeet'], ['go to meeting', 'gotomeeting'], ['zum call', 'zumcall'],
]);

/** Tokens gazetteerHints() reacts to (a quick test before the per-clause work). */
export const GAZETTEER_TRIGGERS = new Set(['teams', 'msteams', 'teamscall', 'teamsmeeting', 'teamschat', 'sharepoint', 'skype', 'sap', 'natel', 'handy', 'diensthandy', 'zumcall', 'zoom']);

/** Words after "teams"/"skype" that make it a video call, or a chat. */
const VIDEO_CONTEXT = new Set(['call', 'calls', 'anruf', 'meeting', 'meetings', 'besprechung', 'besprechungen', 'konferenz', 'konferenzen', 'video', 'videos', 'termin', 'termine', 'telko', 'daily', 'standup', 'stand', 'webinar', 'kamera', 'camera', 'teamscall', 'teamsmeeting', 'call’s', 'calls', 'gespräch', 'gespräche', 'runde', 'jour', 'schalte', 'zugeschaltet', 'bildschirm', 'screen']);
const CHAT_CONTEXT = new Set(['chat', 'chats', 'chatten', 'nachricht', 'nachrichten', 'schreib', 'schreibe', 'schreiben', 'geschrieben', 'message', 'messages', 'messaging', 'ping', 'pings', 'kanal', 'kanäle', 'channel', 'channels', 'gruppe', 'gruppen', 'group', 'groups', 'teamschat', 'dm', 'dms']);
const DOCS_CONTEXT = new Set(['ordner', 'folder', 'folders', 'dokument', 'dokumente', 'dokumenten', 'document', 'documents', 'doc', 'docs', 'files', 'file', 'datei', 'dateien', 'ablage', 'excel', 'liste', 'listen', 'upload', 'hochladen', 'bibliothek', 'library', 'laufwerk', 'gemeinsam', 'together', 'co', 'bearbeiten', 'edit', 'editing', 'version', 'versionen', 'tabelle', 'tabellen', 'spreadsheet']);
const SLOW_CONTEXT = new Set(['langsam', 'slow', 'lahm', 'hängt', 'haengt', 'abstürze', 'stürzt', 'crash', 'crashes', 'freezes', 'ewig', 'ages', 'forever', 'lädt', 'loading', 'laggy', 'träge']);

/**
 * Gazetteer hints of one clause, from its (joined) tokens: tool names whose code depends on context.
 * Teams + call/meeting → video call; Teams + chat/message → chat; SharePoint + folder/documents →
 * shared documents (else intranet); Skype + call/video → video call; SAP + slow → a slow screen, not
 * (only) a legacy integration.
 */
export function gazetteerHints(tokens: readonly string[]): string[] {
  const out: string[] = [];
  const has = (set: Set<string>): boolean => tokens.some((t) => set.has(t));
  for (const t of tokens) {
    if (t === 'teams' || t === 'msteams' || t === 'teamscall' || t === 'teamsmeeting' || t === 'teamschat') {
      if (t === 'teamscall' || t === 'teamsmeeting' || has(VIDEO_CONTEXT)) out.push('teams_video');
      else if (t === 'teamschat' || has(CHAT_CONTEXT)) out.push('teams_chat');
      else out.push('teams');
    } else if (t === 'sharepoint') {
      out.push(has(DOCS_CONTEXT) ? 'sharepoint_docs' : 'sharepoint');
    } else if (t === 'skype') {
      out.push(has(VIDEO_CONTEXT) ? 'skype_video' : 'skype');
    } else if (t === 'sap') {
      out.push(has(SLOW_CONTEXT) ? 'sap_slow' : 'sap');
    } else if (t === 'natel' || t === 'handy' || t === 'diensthandy') {
      out.push('mobile_phone');
    } else if (t === 'zumcall' || t === 'zoom') {
      out.push('zoom');
    }
  }
  return out;
}
