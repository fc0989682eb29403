import type { CodeDefinition } from '../types.js';

/** q3 challenge themes; each is typed technical or cultural and names the measure that answers it. */
export const CHALLENGE_CODES: CodeDefinition[] = [
  {
    id: 'tool_sprawl',
    type: 'technical',
    name: { de: 'Tool-Wildwuchs', en: 'Tool sprawl' },
    definition: { de: 'Zu viele Tools und Kanäle, Zersplitterung, man weiß nicht, wo etwas gepostet wurde', en: 'Too many tools and channels, fragmentation, not knowing where something was posted' },
    examples: {
      de: ['Wir haben fünf verschiedene Chat-Programme und keiner weiß, wo was steht.', 'Jedes Team nutzt ein anderes Tool.', 'Ständig ein neues Tool, das nächste Login.'],
      en: ['Too many tools, nobody knows where a message was posted.', 'Every team picked its own app.', 'Yet another tool with yet another login.'],
    },
    cues: [
      'zu viele[n]? (tools|kanäle|programme|apps|systeme|anwendungen|plattformen|werkzeuge|logins|passw)', 'too many (tools|channels|apps|systems|platforms|logins|passwords|places)',
      '(wo|where) (was|etwas|something|it|that|things?) (gepostet|posted|stand|steht|was|lies|liegt|gespeichert)', 'jede[rs]? (team|abteilung) (nutzt|hat|benutzt) (ein|sein|seine|eigene)', 'own (tool|app)', 'another (tool|app|login)', 'noch ein (tool|programm|login)',
      '\\b(fünf|sechs|sieben|acht|zehn|\\d+) (verschiedene[n]? )?(tools|apps|programme|kanäle|systeme|chat)', 'channels',
      'stack',
    ],
    weakCues: ['tools', 'apps\\b', 'kanäle', 'logins?'],
    remedy: { de: 'Werkzeuge konsolidieren und klare Kanalregeln festlegen', en: 'Consolidate tools and agree clear channel rules' },
  },
  {
    id: 'legacy_integration',
    type: 'technical',
    name: { de: 'Altsysteme und fehlende Integration', en: 'Legacy systems and missing integration' },
    definition: { de: 'Alte Systeme, fehlende Schnittstellen, Datensilos, Medienbrüche, doppelte Dateneingabe', en: 'Old systems, missing interfaces, data silos, media breaks, duplicate data entry' },
    examples: {
      de: ['Unser ERP redet nicht mit dem CRM, also tippe ich alles zweimal.', 'Die Altsysteme haben keine Schnittstellen.', 'Medienbrüche zwischen Papier und System.', 'Alte Systeme ohne API: jede Integration ist Handarbeit, wir geben alles zweimal ein.'],
      en: ['The old system does not talk to the new one, so I type everything twice.', 'No interfaces between the ERP and the CRM.', 'Data sits in silos.', 'Legacy systems with no API, so integration means typing data in twice.'],
    },
    cues: [
      'altsystem', 'legacy', 'alte[nms]? (system|software|programm|anwendung|technik|rechner)', 'old (system|software|tools|program)', 'schnittstelle', 'interface', '\\bapi', 'integration',
      'silo(s)?\\b', 'medienbr(u|ü)ch', 'doppelt (erfass|eingeb|eintipp|pfleg|abtipp)', 'twice',
      'redet nicht', 'reden nicht', 'doesn\'?t talk to', 'not connected', 'erp', '\\bsap\\b',
    ],
    weakCues: ['\\balt(e|en)?\\b', 'system', 'excel', '\\bcrm\\b', 'by hand', 'manually'],
    remedy: { de: 'Schnittstellen bauen und Altsysteme anbinden', en: 'Build interfaces and connect legacy systems' },
  },
  {
    id: 'connectivity_devices',
    type: 'technical',
    name: { de: 'Netz und Geräte', en: 'Connectivity and devices' },
    definition: { de: 'Netzabdeckung, VPN, langsames Internet, Akkulaufzeit, veraltete oder fehlende Hardware', en: 'Network coverage, VPN, slow internet, battery life, outdated or missing hardware' },
    examples: {
      de: ['Im Zug bricht das VPN ständig ab.', 'Auf dem Land gibt es kaum Netz.', 'Mein Laptop ist uralt und der Akku hält keine zwei Stunden.', 'Im Funkloch kein Netz, die Bandbreite reicht nicht und das Notebook fährt ewig hoch.'],
      en: ['The VPN keeps dropping on the train.', 'Coverage is terrible out in the field.', 'My laptop is ancient and the battery dies by noon.', 'Poor reception and bandwidth: the video lags and the printer never works.'],
    },
    cues: [
      '\\bnetz\\b', 'funkloch', 'funklöcher', 'empfang', 'coverage', 'reception', 'signal', '\\bvpn', 'internet', 'bandbreite', 'bandwidth', 'wlan', 'wi-?fi', '\\bwifi', 'lahm', 'tablets?\\b', '(ist|sind|is|are) (ständig |immer |oft |dauernd )?(leer|empty|dead)', 'hochfahren', 'boot',
      'akku', 'batter', 'hardware', 'ger(ä|a)te?\\b', 'laptop', 'notebook', 'rechner', 'computer', '\\bpc\\b', 'drucker', 'printer', 'bildschirm', 'monitor', 'headset', 'kamera', 'uralt', 'ancient', 'veraltet', 'outdated',
      'verbindung', 'connectivity', 'drops?\\b', 'dropping', 'kein(en)? (netz|empfang|internet|zugang|strom)', 'no (signal|internet|network|connection)', '\\b(4|5)g\\b', 'abstürz', 'crash',
    ],
    weakCues: ['langsam', '\\bslow', 'offline', 'technik'],
    remedy: { de: 'Netz, VPN und Geräteausstattung verbessern', en: 'Improve network, VPN and device equipment' },
  },
  {
    id: 'security_compliance',
    type: 'technical',
    name: { de: 'Sicherheit und Compliance', en: 'Security and compliance' },
    definition: { de: 'IT-Sicherheit, Datenschutzvorgaben und Sperren, die Arbeit blockieren, gesperrte Tools, Compliance-Hürden', en: 'IT security, data protection rules and lock-downs that block work, blocked tools, compliance hurdles' },
    examples: {
      de: ['Wegen Datenschutz dürfen wir keine Cloud nutzen.', 'Die IT sperrt jedes neue Programm.', 'Für jeden USB-Stick braucht man eine Freigabe.', 'Die DSGVO und fehlende Admin-Rechte blockieren uns, jede Berechtigung dauert Wochen.'],
      en: ['Security blocks every useful app.', 'Compliance will not let us share files with partners.', 'Admin rights are locked down so I cannot install anything.', 'GDPR rules mean many tools are not allowed, and every permission needs approval.'],
    },
    cues: [
      'sicherheit', 'security', 'datenschutz', 'dsgvo', 'gdpr', 'data protection', 'compliance', 'gesperrt', 'sperrt', 'blocked', 'blocks', 'lock(ed)?[- ]?down', 'verboten', 'not allowed', 'dürfen (wir|ich) (nicht|kein)',
      'admin rights', 'berechtigung', 'permission', 'vorschrift', 'regulat', 'betriebsrat', 'usb', 'zertifi', 'passwort', 'password', 'verschlüssel', 'geheim', 'patientendaten', 'mandant', 'phishing',
    ],
    weakCues: ['freigabe', 'approval'],
    remedy: { de: 'Sichere, freigegebene Alternativen bereitstellen und Freigaben beschleunigen', en: 'Provide approved secure alternatives and speed up approvals' },
  },
  {
    id: 'findability',
    type: 'technical',
    name: { de: 'Auffindbarkeit', en: 'Findability' },
    definition: { de: 'Informationen sind nicht auffindbar, schlechte Suche, veraltete Dokumente, keine verlässliche Quelle', en: 'Information cannot be found, poor search, outdated documents, no single source of truth' },
    examples: {
      de: ['Ich finde die aktuelle Version nie.', 'Die Suche im Intranet liefert nur Müll.', 'Welche Datei ist die gültige?'],
      en: ['I can never find the latest version.', 'Search on the intranet is useless.', 'Nobody knows which document is the current one.'],
    },
    cues: [
      'die suche', '\\bsuche\\b',
      'never find', 'search(ing)?', 'aktuelle (version|stand|fassung)', 'latest version', 'welche version', 'gültig', 'out of date',
      'versionen', 'versions', 'wo (liegt|ist|steht|finde)', 'documentation',
    ],
    remedy: { de: 'Unternehmensweite Suche und gepflegte Ablage mit klaren Verantwortlichen', en: 'Enterprise search and a curated store with clear owners' },
  },
  {
    id: 'information_overload',
    type: 'cultural',
    name: { de: 'Informationsflut', en: 'Information overload' },
    definition: { de: 'Mailflut, CC-Kultur, Benachrichtigungen und Unterbrechungen, keine Zeit für konzentriertes Arbeiten', en: 'Flood of e-mails, cc culture, notifications and interruptions, no focus time' },
    examples: {
      de: ['Jeden Morgen 100 Mails, die Hälfte nur in CC.', 'Ständig ploppt etwas auf und reißt mich raus.', 'Vor lauter Nachrichten komme ich nicht zum Arbeiten.'],
      en: ['Hundreds of emails, half of them cc just in case.', 'Constant pings and notifications break my focus.', 'Too many messages to get real work done.'],
    },
    cues: [
      'flut', 'overload', 'too many (mails|e-?mails|messages|notifications|meetings|pings)', '\\bcc\\b', 'in kopie',
      'benachrichtigung', 'notification', 'ploppt', 'interrupt', 'konzentr', 'focus', 'deep work', '\\bpings?\\b', 'klingelt', 'drowning', 'volume of (e-?mail|messages)',
      '\\d{2,} (mails|e-mails|nachrichten|emails|messages)', 'hunderte', 'hundreds',
    ],
    weakCues: ['dauernd', 'ständig', 'constant', 'meetings', 'mails', 'e-?mails'],
    remedy: { de: 'Regeln für Mail, CC und Benachrichtigungen; Fokuszeiten einführen', en: 'Rules for mail, cc and notifications; introduce focus time' },
  },
  {
    id: 'worklife_blurring',
    type: 'cultural',
    name: { de: 'Entgrenzung', en: 'Work-life blurring' },
    definition: { de: 'Arbeit und Privatleben verschwimmen, ständige Erreichbarkeit, Stress, Burnout-Gefahr', en: 'Work and private life merge, constant availability expectations, stress, burnout risk' },
    examples: {
      de: ['Der Chef schreibt auch am Sonntagabend.', 'Man ist nie richtig im Feierabend.', 'Das Handy liegt sogar im Urlaub neben mir.'],
      en: ['My manager messages me at 10 pm.', 'I never really switch off.', 'On holiday I still check work mail.'],
    },
    cues: [
      'erreichbar', 'availab', 'always on', 'abschalten', 'switch off', 'disconnect', 'feierabend', 'abends', 'in the evening', 'at night', 'wochenende', 'weekend', 'sonntag', 'sunday', 'on holiday', 'im urlaub',
      'privat', 'verschwimm', 'blur', 'grenze', 'stress', 'burn-?out', 'overtime', 'zeitdruck', '\\d{1,2} ?(uhr|pm)', 'mitternacht', 'midnight', 'always-on',
    ],
    weakCues: ['urlaub', 'holiday', 'family'],
    remedy: { de: 'Erreichbarkeitsregeln und Recht auf Nichterreichbarkeit vereinbaren', en: 'Agree availability rules and a right to disconnect' },
  },
  {
    id: 'change_resistance',
    type: 'cultural',
    name: { de: 'Widerstand gegen Veränderung', en: 'Resistance to change' },
    definition: { de: 'Gewohnheiten, „das haben wir immer so gemacht“, Zurückhaltung gegenüber neuen Arbeitsweisen', en: 'Habits, "we have always done it this way", reluctance to adopt new ways of working' },
    examples: {
      de: ['Viele wollen einfach nicht weg von ihren Ordnern.', '„Das haben wir schon immer so gemacht“ hört man ständig.', 'Neue Tools werden ignoriert, alle mailen weiter.'],
      en: ['People just stick to what they know.', '"We have always done it this way" is the standard answer.', 'Half the team refuses to use the new platform.'],
    },
    cues: [
      'immer so gemacht', 'schon immer so', 'always (done|did) it', 'gewohnheit', 'habit', 'stick(s|ing)? (to|with)', 'cling', 'resist',
      'don\'?t want', 'won\'?t (use|change|adopt)', 'refus', 'verweiger', 'ignorier', 'change', 'neues', 'alte[nr]? (hasen|garde)', 'angst',
    ],
    remedy: { de: 'Change-Management mit Vorbildern, Pilotgruppen und sichtbarem Nutzen', en: 'Change management with champions, pilot groups and visible benefits' },
  },
  {
    id: 'skills_pace',
    type: 'cultural',
    name: { de: 'Kompetenzen und Tempo', en: 'Skills and pace' },
    definition: { de: 'Mit dem Tempo neuer Tools Schritt halten, fehlende digitale Kompetenzen, keine Schulung und keine Zeit zum Lernen', en: 'Keeping up with the pace of new tools, missing digital skills, no training, no time to learn' },
    examples: {
      de: ['Ständig kommt etwas Neues und keiner erklärt es.', 'Schulungen gibt es nicht, man muss sich alles selbst beibringen.', 'Ältere Kollegen kommen bei dem Tempo nicht mit.'],
      en: ['New tools keep arriving and nobody trains us.', 'No time to learn the features properly.', 'Some colleagues struggle with the basics.'],
    },
    cues: [
      'schulung', 'training', 'fortbildung', 'lernen', 'learn', 'beibringen', 'erklärt', 'know-?how',
      'überfordert', 'tempo', 'every (few )?(month|week)s? (a )?new', 'update', 'ältere', 'older (colleagues|staff|people)', 'funktionen', 'features', 'basics', 'selbst beibringen', 'anleitung', 'zeit (zum|für das) lernen', 'time to learn',
    ],
    remedy: { de: 'Schulungen, Lernzeit und Ansprechpartner einplanen', en: 'Plan training, learning time and go-to people' },
  },
  {
    id: 'leadership_trust',
    type: 'cultural',
    name: { de: 'Führung und Vertrauen', en: 'Leadership and trust' },
    definition: { de: 'Führung lebt es nicht vor, Kontrolle statt Vertrauen, Präsenzkultur, Silodenken zwischen Abteilungen', en: 'Management not leading by example, control instead of trust, presence culture, silo thinking between departments' },
    examples: {
      de: ['Die Führungsebene druckt sich selbst alles aus.', 'Wer nicht im Büro sitzt, gilt als faul.', 'Jede Abteilung kocht ihr eigenes Süppchen.'],
      en: ['Senior management does not use the tools themselves.', 'If you are not at your desk they assume you are slacking.', 'Departments guard their information.'],
    },
    cues: [
      'führung', 'chef', 'management', 'manager', 'leadership', 'leaders', 'boss', 'geschäftsführ', 'lead(ing)? by example', 'kontrolle', 'control', 'überwach', 'trust',
      'präsenz', 'presence', 'anwesenheit', 'silodenken', 'abteilungsdenken', 'eigene[sn]? süppchen', 'hierarch', 'von oben',
    ],
    remedy: { de: 'Führungskräfte als Vorbilder gewinnen; Vertrauens- statt Präsenzkultur', en: 'Get leaders to model the change; trust instead of presence culture' },
  },
];
