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
      'zu viele[n]? (tools|kanäle|programme|apps|systeme|anwendungen|plattformen|werkzeuge|logins|passw)', 'too many (tools|channels|apps|systems|platforms|logins|passwords|places)', 'tool-?(wildwuchs|chaos|dschungel|zoo|sprawl|flut|vielfalt)', 'wildwuchs', 'zersplitter', 'fragment',
      '(wo|where) (was|etwas|something|it|that|things?) (gepostet|posted|stand|steht|was|lies|liegt|gespeichert)', 'welche[ms]? (kanal|tool|programm)', 'which (channel|tool|app)', 'jede[rs]? (team|abteilung) (nutzt|hat|benutzt) (ein|sein|seine|eigene)', 'own (tool|app)', 'another (tool|app|login)', 'noch ein (tool|programm|login)',
      'zig (tools|apps|programme|kanäle)', '\\b(fünf|sechs|sieben|acht|zehn|\\d+) (verschiedene[n]? )?(tools|apps|programme|kanäle|systeme|chat)', '(five|six|seven|eight|ten|\\d+) (different )?(tools|apps|channels|systems|chat)', 'parallel', 'doppelt und dreifach', 'kanälen', 'channels',
      'tool fatigue', 'app-?hopping', 'fenster offen', 'windows open', 'juggling', 'jonglier', 'sets of logins', 'stack', 'lieblingstool', 'favou?rite (app|tool)', 'spread (over|across)', 'verteilt (über|auf)', 'hin und her (springen|wechseln)', 'switching between',
    ],
    weakCues: ['tools', 'apps\\b', 'kanäle', 'plattformen', 'logins?', 'passwörter', 'passwords'],
    remedy: { de: 'Werkzeuge konsolidieren und klare Kanalregeln festlegen', en: 'Consolidate tools and agree clear channel rules' },
  },
  {
    id: 'legacy_integration',
    type: 'technical',
    name: { de: 'Altsysteme und fehlende Integration', en: 'Legacy systems and missing integration' },
    definition: { de: 'Alte Systeme, fehlende Schnittstellen, Datensilos, Medienbrüche, doppelte Dateneingabe', en: 'Old systems, missing interfaces, data silos, media breaks, duplicate data entry' },
    examples: {
      de: ['Unser ERP redet nicht mit dem CRM, also tippe ich alles zweimal.', 'Die Altsysteme haben keine Schnittstellen.', 'Medienbrüche zwischen Papier und System.'],
      en: ['The old system does not talk to the new one, so I type everything twice.', 'No interfaces between the ERP and the CRM.', 'Data sits in silos.'],
    },
    cues: [
      'altsystem', 'legacy', 'alte[nms]? (system|software|programm|anwendung|technik|rechner)', 'old (system|software|tools|program)', 'veraltet(e|en)? (system|software|programm)', 'outdated (system|software)', 'schnittstelle', 'interface', '\\bapi', 'integration', 'integrier',
      'silo(s)?\\b', 'datensilo', 'insell(ö|o)sung', 'medienbr(u|ü)ch', 'media break', 'doppelt (erfass|eingeb|eintipp|pfleg|abtipp)', '(zweimal|dreimal|mehrfach) (eingeben|erfassen|eintippen|abtippen|pflegen)', 'twice', 'doppelerfassung', 'duplicate', 're-?enter', 're-?type', 'abtippen', 'copy(ing)? and past', 'copy-paste', 'kopieren',
      'redet nicht', 'reden nicht', 'sprechen nicht miteinander', 'don\'?t talk to', 'doesn\'?t talk to', 'nicht (miteinander )?verbunden', 'not connected', 'erp', '\\bsap\\b', 'mainframe', 'großrechner', 'cobol', 'excel-?listen', 'hand-?(übertrag|eingab)', 'drangeflanscht', 'maßgeschneidert', 'custom-?built', 'jahre alt', 'years old',
    ],
    weakCues: ['\\balt(e|en)?\\b', 'system', 'excel', '\\bcrm\\b', 'spreadsheets', 'by hand', 'manually', 'manuell'],
    remedy: { de: 'Schnittstellen bauen und Altsysteme anbinden', en: 'Build interfaces and connect legacy systems' },
  },
  {
    id: 'connectivity_devices',
    type: 'technical',
    name: { de: 'Netz und Geräte', en: 'Connectivity and devices' },
    definition: { de: 'Netzabdeckung, VPN, langsames Internet, Akkulaufzeit, veraltete oder fehlende Hardware', en: 'Network coverage, VPN, slow internet, battery life, outdated or missing hardware' },
    examples: {
      de: ['Im Zug bricht das VPN ständig ab.', 'Auf dem Land gibt es kaum Netz.', 'Mein Laptop ist uralt und der Akku hält keine zwei Stunden.'],
      en: ['The VPN keeps dropping on the train.', 'Coverage is terrible out in the field.', 'My laptop is ancient and the battery dies by noon.'],
    },
    cues: [
      'netzabdeckung', '\\bnetz\\b', 'funkloch', 'funklöcher', 'empfang', 'coverage', 'reception', 'signal', '\\bvpn', 'internet', 'bandbreite', 'bandwidth', 'wlan', 'wi-?fi', '\\bwifi', 'lahm', 'ruckel', 'laggy', '\\blag\\b', 'tablets?\\b', '(ist|sind|is|are) (ständig |immer |oft |dauernd )?(leer|empty|dead)', 'hochgefahren', 'hochfahren', 'boot',
      'akku', 'batter', 'hardware', 'ger(ä|a)te?\\b', 'laptop', 'notebook', 'rechner', 'computer', '\\bpc\\b', 'drucker', 'printer', 'bildschirm', 'monitor', 'headset', 'kamera', 'mikro', 'uralt', 'ancient', 'veraltet', 'outdated', 'dead zone',
      'verbindung', 'connection', 'connectivity', 'bricht ab', 'abbr(u|ü)ch', 'drops?\\b', 'dropping', 'kein(en)? (netz|empfang|internet|zugang|strom)', 'no (signal|internet|network|connection)', 'glasfaser', 'broadband', 'dsl', '\\b(4|5)g\\b', '\\blte\\b', 'stromausfall', 'ausfall', 'outage', 'absturz', 'abstürz', 'crash',
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
      de: ['Wegen Datenschutz dürfen wir keine Cloud nutzen.', 'Die IT sperrt jedes neue Programm.', 'Für jeden USB-Stick braucht man eine Freigabe.'],
      en: ['Security blocks every useful app.', 'Compliance will not let us share files with partners.', 'Admin rights are locked down so I cannot install anything.'],
    },
    cues: [
      'sicherheit', 'security', 'datenschutz', 'dsgvo', 'gdpr', 'data protection', 'privacy', 'compliance', 'gesperrt', 'sperrt', 'sperre', 'blocked', 'blockiert', 'blocks', 'lock(ed)?[- ]?down', 'verboten', 'not allowed', 'nicht erlaubt', 'dürfen (wir|ich) (nicht|kein)',
      'genehmigung', 'admin ?rechte', 'admin rights', 'berechtigung', 'permission', 'zugriffsrecht', 'access rights', 'firewall', 'it-?richtlinie', 'security polic', 'vorschrift', 'regulat', 'auflage', 'betriebsrat', 'works council', 'usb', 'zertifi', 'passwort', 'password', 'zwei-?faktor', '2fa', 'mfa', 'verschlüssel', 'encrypt', 'geheim', 'confidential', 'vertraulich', 'patientendaten', 'kundendaten', 'sozialdaten', 'mandant', 'schweigepflicht', 'privilege', 'phishing', 'cyber', 'hacker', 'angriff', 'attack', 'malware', 'virus', 'viren',
    ],
    weakCues: ['freigabe', 'approval', 'richtlinie', 'policy', 'policies', 'controls'],
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
      '(nicht|nie|kaum|schwer) (zu )?(finde|find|auffind|wiederfind)', 'finde (ich )?(nichts|nie|nicht)', 'findet (man )?(nichts|nie|nicht)', 'auffindbar', 'wiederfinden', 'suche[n]? (nach|ewig|stundenlang)', 'ewig such', 'stundenlang such', 'suchfunktion', 'die suche', '\\bsuche\\b',
      'can\'?t find', 'cannot find', 'never find', 'hard to find', 'find anything', 'findab', 'search(ing)?', 'looking for', 'aktuelle (version|stand|fassung)', 'latest version', 'current version', 'which version', 'welche version', 'gültig', 'veraltete[n]? (dokument|info|seite|stand|daten)', 'outdated (doc|info|page|content)', 'out of date',
      'single source of truth', 'source of truth', 'wahrheit', 'versionen', 'versions', 'wo (liegt|ist|steht|finde)', 'where (is|are|to find)', 'wissen (geht|ist) verloren', 'knowledge (is )?lost', 'in köpfen', 'in people\'?s heads', 'dokumentation', 'documentation',
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
      'flut', 'flood', 'overload', 'überflut', 'überlast', 'zu viele[n]? (mails|e-mails|nachrichten|informationen|infos|meetings|termine|benachrichtigungen)', 'too many (mails|e-?mails|messages|notifications|meetings|pings)', '\\bcc\\b', 'in kopie', 'reply[- ]all', 'allen antworten',
      'benachrichtigung', 'notification', 'pop-?up', 'ploppt', 'unterbrech', 'interrupt', 'ablenk', 'distract', 'konzentr', 'focus', 'fokus', 'deep work', '\\bpings?\\b', 'piept', 'blinkt', 'klingelt', 'nonstop', 'non-stop', 'drowning', 'ertrinke', 'volume of (e-?mail|messages)', 'in the loop',
      '\\d{2,} (mails|e-mails|nachrichten|emails|messages)', 'hunderte', 'hundreds', 'unwichtig', 'irrelevant', 'noise', 'rauschen', 'spam', 'meeting-?marathon', 'back-to-back', 'zugemüllt', 'zumüll', 'information(s)? (über|over)',
    ],
    weakCues: ['dauernd', 'ständig', 'constant', 'meetings', 'threads', 'mails', 'e-?mails'],
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
      'erreichbar', 'availab', 'always on', 'immer online', 'abschalten', 'switch off', 'disconnect', 'feierabend', 'after hours', 'after work', 'abends', 'in the evening', 'at night', 'nachts', 'wochenende', 'weekend', 'sonntag', 'sunday', 'on holiday', 'im urlaub',
      'privat', 'private', 'personal life', 'entgrenz', 'verschwimm', 'blur', 'grenze', 'boundar', 'stress', 'burn-?out', 'erschöpf', 'exhaust', 'überstunden', 'overtime', '\\bdruck\\b', 'zeitdruck', 'pressure', 'sofa', 'couch', 'gesundheit', 'health', 'wellbeing', 'well-being', '\\d{1,2} ?(uhr|pm)', 'mitternacht', 'midnight', 'always-on',
    ],
    weakCues: ['urlaub', 'holiday', 'vacation', 'familie', 'family'],
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
      'immer so gemacht', 'schon immer so', 'always (done|did) it', 'way we(\'ve| have)? always', 'gewohnheit', 'gewohnt', 'habit', 'gewöhn', 'festhalten', 'halten (an|fest)', 'stick(s|ing)? (to|with)', 'cling', 'widerstand', 'resist', 'skeptisch', 'skepsis', 'sceptic', 'skeptic', 'reluctan', 'zögerlich', 'zurückhaltend',
      'wollen (nicht|kein)', 'will nicht', 'don\'?t want', 'won\'?t (use|change|adopt)', 'refus', 'weigern', 'verweiger', 'ignorier', 'ignore', 'mitziehen', 'on board', 'mitnehmen', 'akzeptanz', 'acceptance', 'adoption', 'adopt', 'umstellen', 'umstellung', 'veränderung', 'change', 'wandel', 'neues', 'new ways', 'alte[nr]? (hasen|garde)', 'old guard', 'old school', 'angst', 'fear', 'trotzdem (weiter|wieder)', 'weiter(hin)? (per )?(mail|papier|fax|ausdruck)', 'keep (using|printing|emailing)', 'still (print|use|send)', 'ausdrucken', 'print(ing)? (out|emails|everything)',
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
      'schulung', 'training', 'trained', 'fortbildung', 'weiterbildung', 'einarbeit', 'onboarding', 'lernen', 'learn', 'beibringen', 'erklärt', 'explain', 'kompetenz', 'skill', 'kenntnis', 'know-?how', 'abgehängt', 'left behind', 'wissen nicht wie', 'don\'?t know how', 'how to use',
      'überfordert', 'overwhelm', 'mitkommen', 'kommen nicht mit', 'keep up with (the )?(pace|new|tools|changes|updates)', 'keeping up with (the )?(pace|new|tools|changes|updates)', 'schritt halten', 'hinterher', 'tempo', 'pace', 'speed', 'schnell(e|er)? (wechsel|neu)', 'ständig (etwas|was) neu', 'ständig neue', 'constantly new', 'every (few )?(month|week)s? (a )?new', 'update', 'ältere', 'older (colleagues|staff|people)', 'digital natives', 'medienkompetenz', 'literacy', 'funktionen', 'features', 'basics', 'grundlagen', 'selbst beibringen', 'autodidakt', 'youtube', 'tutorial', 'anleitung', 'zeit (zum|für das) lernen', 'time to learn',
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
      'führung', 'vorgesetzt', 'chef', 'management', 'manager', 'leadership', 'leaders', 'boss', 'vorstand', 'geschäftsführ', 'vorleben', 'vorbild', 'lead(ing)? by example', 'role model', 'kontrolle', 'control', 'micromanag', 'überwach', 'monitor(ing)? (us|staff|employees)', 'misstrau', 'mistrust', 'distrust', 'vertrau', 'trust',
      'präsenz', 'presence', 'anwesenheit', 'stempel', 'sichtbar im büro', 'seen in the office', 'face time', 'facetime culture', 'silodenken', 'silo ?thinking', 'silo mentality', 'abteilungsdenken', 'eigene[sn]? süppchen', 'gärtchen', 'territor', 'turf', 'hierarch', 'top-?down', 'von oben', 'from the top', 'hoheitswissen', 'herrschaftswissen', 'wissen ist macht', 'knowledge is power', 'hoard', 'teilen (nicht|ungern)', 'share (nothing|reluctantly)',
    ],
    remedy: { de: 'Führungskräfte als Vorbilder gewinnen; Vertrauens- statt Präsenzkultur', en: 'Get leaders to model the change; trust instead of presence culture' },
  },
];
