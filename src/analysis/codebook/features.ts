import type { CodeDefinition } from '../types.js';

/** q4 desired features; each feature becomes a capability requirement when enough people ask for it. */
export const FEATURE_CODES: CodeDefinition[] = [
  {
    id: 'unified_dashboard',
    name: { de: 'Zentrales Dashboard', en: 'Unified dashboard' },
    definition: { de: 'Alle Informationen und Anwendungen in einem Dashboard oder Portal, egal aus welchem System', en: 'All information and apps in one dashboard or portal, whatever backend they come from' },
    examples: {
      de: ['Eine Startseite, auf der alles zusammenläuft.', 'Alle Systeme unter einer Oberfläche.', 'Ein Cockpit mit allen Infos zu meinem Vorgang.'],
      en: ['One dashboard that pulls everything together.', 'A single screen for all my systems.', 'Everything about a case on one page.'],
    },
    cues: ['dashboard', 'cockpit', 'portal', 'startseite', 'an einem ort', 'an einer stelle', 'one place', 'single (place|screen|view|pane|interface|window|point)', 'one (screen|view|page|interface|window|platform|app|login|tool|hub)', 'eine[nr]? (seite|oberfläche|plattform|ansicht|anwendung|app|maske|fenster)', 'auf einen blick', 'alles (auf|in) einem', 'alles an einem', 'zusammenl(a|ä)uf', 'pulls? (everything|it all) together', 'egal (aus )?welche[sm]? (system|backend|programm)', 'whatever (system|backend)', 'single sign', 'ein login', 'one log-?in', 'instead of (five|ten|several|many)', 'egal aus welche', 'pulls? from all', 'alles zu einem', 'everything about'],
    weakCues: ['zentral'],
    requirement: { de: 'Zentrales Dashboard über alle Systeme', en: 'Unified dashboard across all systems' },
  },
  {
    id: 'smart_filtering',
    name: { de: 'Intelligente Filter', en: 'Smart filtering' },
    definition: { de: 'Intelligenter Posteingang und Benachrichtigungen: nur zeigen, was für die aktuelle Aufgabe zählt, Rest bündeln, Fokusmodus', en: 'Intelligent inbox and notifications: only what matters for the task at hand, batch the rest, focus modes' },
    examples: {
      de: ['Ein Postfach, das Wichtiges von Unwichtigem trennt.', 'Benachrichtigungen nur, wenn es mich wirklich betrifft.', 'Ein Fokusmodus, der Störungen sammelt.'],
      en: ['An inbox that shows only what matters today.', 'Notifications batched unless they are urgent.', 'A focus mode that holds back the noise.'],
    },
    cues: ['wichtig(es|e)? (von|vom) unwichtig', 'nur (das|die|was)[^.]{0,40}(wichtig|relevant|betrifft|brauche)', 'only (what|the)[^.]{0,40}(matter|relevant|need|concern)', 'what matters', 'benachrichtigung', 'notification', 'fokus', 'focus', 'sammel', 'gesammelt', 'batch', 'digest', 'cc-', 'weniger (mails|nachrichten|rauschen)', 'noise', 'wirklich wichtig', 'betreff(en|end)'],
    weakCues: ['relevant', 'newsletter', 'summar'],
    requirement: { de: 'Intelligenter Posteingang mit Filtern und Fokusmodus', en: 'Smart inbox with filtering and focus mode' },
  },
  {
    id: 'personalization',
    name: { de: 'Personalisierung', en: 'Personalisation' },
    definition: { de: 'Inhalte und News passend zu Rolle, Standort und Interessen; personalisierte Startseite', en: 'Content and news relevant to my role, location and interests; personalised start page' },
    examples: {
      de: ['Nachrichten, die zu meinem Standort passen.', 'Eine Startseite, die ich mir selbst einrichten kann.', 'Infos je nach meiner Rolle.'],
      en: ['News that fits my role and site.', 'A start page I can tailor myself.', 'Content based on my interests.'],
    },
    cues: ['personali', 'tailor', 'einrichten', 'meine[rn]? rolle', 'my role', 'standort', 'interests', 'based on my'],
    weakCues: [],
    requirement: { de: 'Personalisierte Startseite und Inhalte', en: 'Personalised start page and content' },
  },
  {
    id: 'mobile_access',
    name: { de: 'Mobiler Zugriff', en: 'Mobile access' },
    definition: { de: 'Voller Zugriff von Smartphone und Tablet, gute Apps, Arbeiten unterwegs', en: 'Full access from smartphone and tablet, good apps, work on the go' },
    examples: {
      de: ['Alles auch auf dem Handy erledigen können.', 'Eine gute App für unterwegs.', 'Vom Tablet aus auf die Akten zugreifen.'],
      en: ['Do everything from my phone.', 'A proper mobile app for the field.', 'Tablet access when I am on the road.'],
    },
    cues: ['\\bhandy', '\\bphone\\b', 'tablet', 'mobil', 'unterwegs', 'on the (go|road|move)', 'in the field', 'beim kunden', 'baustelle', 'diensthandy', 'mobile app', 'app für unterwegs', 'on my phone', 'from my phone'],
    weakCues: ['\\bapps?\\b', 'remote', 'überall'],
    requirement: { de: 'Vollwertiger mobiler Zugriff', en: 'Full mobile access' },
  },
  {
    id: 'seamless_sync',
    name: { de: 'Nahtlose Synchronisation', en: 'Seamless sync' },
    definition: { de: 'Gerät wechseln und genau dort weitermachen, wo man aufgehört hat; alles synchron', en: 'Switch device and carry on exactly where I left off; everything in sync' },
    examples: {
      de: ['Am Laptop anfangen und am Tablet weitermachen.', 'Alles ist auf allen Geräten gleich.', 'Nichts mehr hin und her schicken müssen.'],
      en: ['Start on my laptop, finish on my tablet.', 'Everything the same on every device.', 'No more emailing files to myself.'],
    },
    cues: ['synchron', '\\bsync', 'weitermachen', 'nahtlos', 'auf allen geräten', 'on (all|every) devices?', 'email(ing)? (files )?to myself'],
    requirement: { de: 'Nahtlose Synchronisation über Geräte', en: 'Seamless sync across devices' },
  },
  {
    id: 'enterprise_search',
    name: { de: 'Unternehmensweite Suche', en: 'Enterprise search' },
    definition: { de: 'Eine Suche über alle Quellen; Dokumente, Antworten und Experten schnell finden', en: 'One search across all sources; find documents, answers and experts quickly' },
    examples: {
      de: ['Eine Suche, die wirklich alles findet.', 'Schnell herausfinden, wer sich mit etwas auskennt.', 'Wie Google, nur für unsere Dokumente.'],
      en: ['One search box across every system.', 'Find the expert for a topic in seconds.', 'Google-like search for our documents.'],
    },
    cues: ['such', 'search', 'find', 'google', 'expert', 'wissensdatenbank', 'knowledge base'],
    requirement: { de: 'Unternehmensweite Suche über alle Quellen', en: 'Enterprise search across all sources' },
  },
  {
    id: 'integrated_collaboration',
    name: { de: 'Integrierte Zusammenarbeit', en: 'Integrated collaboration' },
    definition: { de: 'Chat, Video, Dokumente und Aufgaben in einem Fluss; gemeinsames Bearbeiten; soziale Funktionen', en: 'Chat, video, documents and tasks integrated in one flow; co-editing; social features' },
    examples: {
      de: ['Aus dem Chat direkt in den Videocall und ins Dokument.', 'Gleichzeitig an einer Datei arbeiten.', 'Aufgaben direkt aus dem Gespräch anlegen.'],
      en: ['Jump from chat to a call to the document without switching.', 'Co-edit files with the team.', 'Create tasks right from the conversation.'],
    },
    cues: ['gemeinsam (an|bearbeit|arbeit)', 'co-?edit', 'gleichzeitig (an|in|bearbeit)', 'aus dem chat', 'from (the )?chat', 'one flow', 'without switching'],
    weakCues: ['chat', 'video', 'teams', 'together', 'comment'],
    requirement: { de: 'Integrierte Zusammenarbeit: Chat, Video, Dokumente, Aufgaben', en: 'Integrated collaboration: chat, video, documents, tasks' },
  },
  {
    id: 'automation_assistants',
    name: { de: 'Automatisierung und Assistenten', en: 'Automation and assistants' },
    definition: { de: 'Routinearbeit automatisieren, Bots, KI-Assistenten, Self-Service-Prozesse', en: 'Automating routine work, bots, AI assistants, self-service processes' },
    examples: {
      de: ['Routinekram soll das System von selbst erledigen.', 'Ein KI-Assistent, der Protokolle schreibt.', 'Urlaubsantrag per Self-Service statt Formular.'],
      en: ['Let the system do the routine stuff automatically.', 'An AI assistant that drafts the minutes.', 'Self-service for leave requests.'],
    },
    cues: ['automati', 'automat', 'von selbst', 'by itself', 'bot\\b', 'bots\\b', 'chatbot', '\\bki\\b', '\\bai\\b', 'assistent', 'assistant', 'copilot', 'self-?service', 'diktier', 'voice', 'abtipp', 're-?typ', 'direkt (bei uns )?(im|in das|ins) (system|fachverfahren)', 'vorschl', 'suggest', 'drafts?\\b'],
    weakCues: ['workflow', 'routine', 'erinner', 'formular'],
    requirement: { de: 'Automatisierung von Routinearbeit und Assistenten', en: 'Automation of routine work and assistants' },
  },
  {
    id: 'wellbeing_boundaries',
    name: { de: 'Gesunde Grenzen', en: 'Wellbeing and boundaries' },
    definition: { de: 'Recht auf Nichterreichbarkeit, Ruhezeiten, Schutz vor Überlastung, gesunde Erreichbarkeitsregeln', en: 'Right to disconnect, quiet hours, protection from overload, healthy availability rules' },
    examples: {
      de: ['Nach Feierabend sollen keine Nachrichten mehr durchkommen.', 'Ruhezeiten, die auch der Chef respektiert.', 'Klare Regeln, wann man erreichbar sein muss.'],
      en: ['Nothing gets through after hours.', 'Quiet hours that managers respect too.', 'Clear rules on when I have to be reachable.'],
    },
    cues: ['feierabend', 'after hours', 'switch off', 'ruhezeit', 'quiet (hours|time)', 'erreichbar', 'reachable', 'wochenende', 'response times?', 'scheduled send', 'status( messages?)?\\b', 'norms', 'on-?call', 'quiet', 'ruhe\\b'],
    weakCues: ['urlaub', 'abends', 'evening', 'night', 'nachts'],
    requirement: { de: 'Regeln und Funktionen für gesunde Erreichbarkeit', en: 'Rules and features for healthy availability' },
  },
  {
    id: 'training_support',
    name: { de: 'Schulung und Support', en: 'Training and support' },
    definition: { de: 'Einarbeitung, Tutorials, Hilfe und Support beim Lernen der Werkzeuge', en: 'Onboarding, tutorials, help and support for learning the tools' },
    examples: {
      de: ['Kurze Lernvideos, wenn ein neues Tool kommt.', 'Jemanden, den ich bei Problemen fragen kann.', 'Eine richtige Einarbeitung statt Sprung ins kalte Wasser.'],
      en: ['Short tutorials whenever a new tool arrives.', 'Someone to ask when I get stuck.', 'Proper onboarding instead of being thrown in.'],
    },
    cues: ['schulung', 'training', 'fortbildung', 'einarbeit', 'onboarding', 'einführung', 'tutorial', 'lernvideo', 'how-?to', 'erklär', 'learn', '\\bhelp', 'support', 'ansprechpartner', 'someone to ask', 'fragen kann', 'hotline'],
    requirement: { de: 'Schulung, Lernzeit und Support beim Rollout', en: 'Training, learning time and support for the rollout' },
  },
  {
    id: 'privacy_optin',
    name: { de: 'Datenschutz und Opt-in', en: 'Privacy and opt-in' },
    definition: { de: 'Transparenz über Datennutzung, Opt-in für persönliche Daten, Datenschutz von Anfang an', en: 'Transparency about data use, opt-in for personal data, privacy by design' },
    examples: {
      de: ['Ich will selbst entscheiden, welche Daten genutzt werden.', 'Transparent machen, was mit meinen Daten passiert.', 'Nur mit meiner Zustimmung.', 'Datenschutz nach DSGVO: ich will einwilligen, bevor meine persönlichen Daten genutzt werden.'],
      en: ['I decide which of my data gets used.', 'Be open about what happens with my data.', 'Opt-in, never opt-out.', 'Privacy by consent: control over my personal data under GDPR.'],
    },
    cues: ['datenschutz', 'privacy', 'opt-?in', 'opt-?out', 'zustimmung', 'einwillig', 'consent', 'transparen', 'meine[rn]? daten', 'my data', 'personal data', 'persönliche[nm]? daten', 'track', 'tracking', 'control over', 'dsgvo', 'gdpr'],
    requirement: { de: 'Datenschutz mit Transparenz und Opt-in', en: 'Privacy with transparency and opt-in' },
  },
  {
    id: 'infrastructure',
    name: { de: 'Infrastruktur', en: 'Infrastructure' },
    definition: { de: 'Verlässliches Netz, lange Akkulaufzeit, gute Hardware und Ausstattung', en: 'Reliable network coverage, long battery life, good hardware and equipment' },
    examples: {
      de: ['Zuerst mal stabiles WLAN im ganzen Haus.', 'Ein Laptop, der nicht ewig hochfährt.', 'Akkus, die eine Schicht durchhalten.'],
      en: ['Reliable Wi-Fi everywhere first.', 'A decent laptop and a second screen.', 'Batteries that last a full shift.'],
    },
    cues: ['netz\\b', 'wlan', 'wi-?fi', 'wifi', 'internet', 'vpn', 'empfang', 'akku', 'batter', 'hardware', 'headset', 'kamera', 'gerät', 'device', 'reliab', 'diensthandy', 'für jeden ein', 'kaputt', 'robust', 'sturz'],
    weakCues: ['laptop', 'rechner', 'computer', '\\bpc\\b', 'screen\\b', 'bildschirm', 'monitor', 'technik', 'stabil', 'boot', 'signal'],
    requirement: { de: 'Verlässliche Infrastruktur: Netz, Geräte, Akkus', en: 'Reliable infrastructure: network, devices, batteries' },
  },
];
