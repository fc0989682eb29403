import type { CodeDefinition } from '../types.js';

/** q2: what "digital workplace" means to the respondent. First coded theme = main theme. */
export const MEANING_CODES: CodeDefinition[] = [
  {
    id: 'anywhere_any_device',
    name: { de: 'Überall, auf jedem Gerät', en: 'Anywhere, any device' },
    definition: { de: 'Arbeiten von jedem Ort und Gerät: Laptop, Tablet, Smartphone, Zug, Homeoffice', en: 'Working from any place on any device: laptop, tablet, phone, train, home office' },
    examples: {
      de: ['Dass ich von überall arbeiten kann, ob im Zug oder zu Hause.', 'Egal welches Gerät, ich komme an meine Sachen.', 'Nicht mehr an den Schreibtisch gebunden sein.'],
      en: ['Being able to work from anywhere, on the train or at home.', 'Any device, any place, same access.', 'Not being chained to my desk any more.'],
    },
    cues: ['überall', 'von (zu ?hause|daheim)', 'zuhause', 'home ?office', 'homeoffice', 'anywhere', 'any device', 'egal (wo|von wo|welche)', 'ortsunabhängig', 'unterwegs', 'wherever', 'nicht (mehr )?an (den|meinen|einen) (schreibtisch|arbeitsplatz|ort|platz) gebunden', 'not (tied|chained|bound) to', 'beim kunden', 'hotel', 'café', 'baustelle', 'from wherever', 'work where', 'wo ich will'],
    weakCues: ['gerät'],
  },
  {
    id: 'cloud_sync',
    name: { de: 'Cloud und Synchronisation', en: 'Cloud and sync' },
    definition: { de: 'Daten über die Cloud synchron, nahtloser Wechsel von Gerät oder Ort', en: 'Data synchronised through the cloud so one can switch device or place seamlessly' },
    examples: {
      de: ['Alles liegt in der Cloud und ist überall gleich aktuell.', 'Am Tablet dort weitermachen, wo ich am PC aufgehört habe.', 'Meine Daten sind automatisch synchronisiert.'],
      en: ['Everything in the cloud, always in sync.', 'Start on the laptop and continue on the phone where I stopped.', 'My files follow me across devices.'],
    },
    cues: ['\\bcloud', 'synchron', '\\bsync', 'weitermachen,? wo', 'wo ich aufgehört', 'where i (left|stopped)', 'continue where', 'nahtlos', 'follow(s)? me'],
  },
  {
    id: 'single_point_of_access',
    name: { de: 'Ein zentraler Zugang', en: 'Single point of access' },
    definition: { de: 'Ein Ort, Portal oder Dashboard, an dem alle Informationen, Anwendungen und Systeme zusammenlaufen', en: 'One place, portal or dashboard where all information, apps and backends come together' },
    examples: {
      de: ['Eine Oberfläche, in der ich alle Programme und Infos finde.', 'Alles an einem Ort statt in zehn Systemen.', 'Ein Portal als Einstieg für alles.'],
      en: ['One place where all my apps and information come together.', 'A single dashboard instead of ten logins.', 'One entry point to every system.'],
    },
    cues: ['an einem ort', 'one place', 'single (point|place|entry|pane)', 'one (dashboard|portal|interface|screen|window|entry|login|platform|hub)', 'eine[nm]? (oberfläche|portal|plattform|dashboard|einstieg|stelle|anlaufstelle)', 'dashboard', 'zusammen ?lauf', 'come together', 'in one', 'single sign', 'ein login', 'one log-?in', 'alle (systeme|anwendungen|programme|infos|informationen)', 'auf einen blick', 'zusammensuch'],
    weakCues: ['alles', 'logins'],
  },
  {
    id: 'collaboration',
    name: { de: 'Digitale Zusammenarbeit', en: 'Digital collaboration' },
    definition: { de: 'Digital zusammenarbeiten: gemeinsame Dokumente, Chat, Video, standortübergreifende Teamarbeit', en: 'Working together digitally: shared documents, chat, video, teamwork across sites' },
    examples: {
      de: ['Dass wir als Team über Standorte hinweg zusammenarbeiten.', 'Gemeinsam an Dokumenten arbeiten und sich schnell austauschen.', 'Vernetzt sein mit den Kollegen.'],
      en: ['Collaborating with colleagues across sites.', 'Working on the same document together and talking in one place.', 'Being connected with the whole team.'],
    },
    cues: ['zusammenarbeit', 'zusammen ?arbeiten', 'collaborat', 'gemeinsam', 'together', 'teamarbeit', 'standortübergreifend', 'across (sites|locations|teams|offices|borders|countries)', 'vernetz', 'connected with', 'same (draft|document|file|doc)', 'am selben (dokument|entwurf)'],
    weakCues: ['austausch', 'mit (den )?kollegen', 'with (my )?colleagues'],
  },
  {
    id: 'paperless_automation',
    name: { de: 'Papierlos und automatisiert', en: 'Paperless and automated' },
    definition: { de: 'Digitalisierte Prozesse ohne Papier, automatisierte Abläufe und Self-Service', en: 'Digitised processes, no paper, automated workflows and self-service' },
    examples: {
      de: ['Keine Papierakten mehr, alles digital.', 'Anträge online stellen statt Formulare ausdrucken.', 'Abläufe, die automatisch weiterlaufen.'],
      en: ['No more paper files, everything digital.', 'Requests online instead of printed forms.', 'Workflows that run automatically.'],
    },
    cues: ['papierlos', 'paperless', '(kein|ohne|weniger)e?[nm]? papier', 'no( more)? paper', 'less paper', 'papier', 'paper', 'automati', 'self-?service', 'formular', 'antr(a|ä)g', 'e-?akte', 'elektronische[n]? akte', 'scann', 'unterschrift', 'signatur', 'signature', 'ausdruck', 'medienbruch', 'fax', 'ins system', 'im system', 'abtipp', 'zettel'],
    weakCues: ['prozess', 'ablauf', 'abläufe', 'digital'],
  },
  {
    id: 'flexibility_autonomy',
    name: { de: 'Flexibilität und Selbstbestimmung', en: 'Flexibility and autonomy' },
    definition: { de: 'Freiheit, wann und wie man arbeitet, Vertrauensarbeitszeit, Vereinbarkeit', en: 'Freedom over when and how to work, trust-based hours, work-life fit' },
    examples: {
      de: ['Dass ich mir meine Zeit selbst einteilen kann.', 'Vertrauen statt Stechuhr.', 'Familie und Beruf besser vereinbaren.'],
      en: ['Deciding myself when and how I work.', 'Trust instead of clocking in.', 'Fitting work around the kids.'],
    },
    cues: ['flexib', 'freiheit', 'freedom', 'selbst (einteilen|bestimmen|entscheiden|organisieren)', 'vertrauensarbeitszeit', 'vertrauen statt', 'vereinbar', 'familie', 'wann ich (will|möchte)', 'arbeitszeit', 'zeitlich', 'stechuhr', 'clock(ing)? in', 'selbst entscheid', 'async'],
    weakCues: [],
  },
  {
    id: 'just_tools',
    name: { de: 'Einfach die Werkzeuge', en: 'Just the tools' },
    definition: { de: 'Pragmatisch: schlicht die Geräte und Programme, die man für die Arbeit braucht', en: 'Pragmatic: simply the devices and software needed to do the job' },
    examples: {
      de: ['Ehrlich gesagt: ein Rechner, der funktioniert, und die Programme, die ich brauche.', 'Für mich ist das einfach mein PC und Outlook.', 'Ein Schlagwort, im Grunde nur die Technik.'],
      en: ['Honestly, just a computer that works and the software I need.', 'It is simply my laptop and the usual programs.', 'A buzzword; for me it is just the tools.'],
    },
    cues: ['(einfach|nur|bloß|eigentlich|schlicht) (mein|meine|die|der|das|ein|eine)[nrs]? (pc|rechner|computer|laptop|programme|software|technik|werkzeug|tools|geräte)', '(just|simply|basically|only) (a|my|the) (computer|pc|laptop|tools|software|programs|devices|kit)', 'schlagwort', 'buzzword', 'mehr nicht', "das war'?s", 'that works', "it'?s (just )?(a|my) (laptop|computer|pc|phone)", 'im grunde'],
    weakCues: ['funktionier', 'rechner', 'computer', 'werkzeug', 'programme', 'software', 'ehrlich gesagt', 'honestly', 'headset'],
  },
];
