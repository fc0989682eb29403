import type { CodeDefinition } from '../types.js';

/**
 * q1 channels. Cues are regular expressions on the lower-cased answer; `\b` at either end is turned
 * into a Unicode-aware word boundary when compiled (JavaScript's own \b ignores umlauts).
 * Tool names come from vendor knowledge; phrasing from how people talk about their day.
 */
export const CHANNEL_CODES: CodeDefinition[] = [
  {
    id: 'email',
    name: { de: 'E-Mail', en: 'E-mail' },
    definition: { de: 'E-Mail, Outlook-Postfach, Rundmails und Newsletter per Mail', en: 'E-mail, the Outlook inbox, circulars and newsletters by mail' },
    examples: {
      de: ['Das meiste läuft bei mir über Outlook und Rundmails.', 'Ich schreibe meinen Kollegen E-Mails.', 'Absprachen halte ich per Mail fest.', 'Mein Postfach in Outlook ist die Hauptablage, der Posteingang quillt über; manche Abteilungen lesen ihre Mails noch in Lotus Notes.'],
      en: ['Most of it still goes through my Outlook inbox.', 'I email the team and cc my manager.', 'We send each other mails all day.', 'Some teams still read their mail in Thunderbird.'],
    },
    cues: [
      '(?<!voice)(?<!voice-)(?<!sprach)(?<!g)mail', '\\boutlook\\b', '\\bpostfach', '\\binbox', '\\bposteingang', 'newsletter',
      '\\bcc\\b', '\\bverteiler', '\\bthunderbird\\b', 'lotus notes', '\\bemailed\\b', '\\bgmail\\b',
    ],
  },
  {
    id: 'phone',
    name: { de: 'Telefon', en: 'Phone' },
    definition: { de: 'Telefonate über Festnetz oder Handy, Telefonkonferenzen', en: 'Calls on landline or mobile, conference calls by phone' },
    examples: {
      de: ['Wenn es dringend ist, rufe ich kurz an.', 'Mit dem Außendienst telefoniere ich jeden Tag.', 'Die Telefonkonferenz am Montag ist Pflicht.', 'Ich habe sie angerufen, statt zu tippen: lieber kurz anzurufen; jeden Montag ist Telko, und im Lager piepst noch der Piepser.', 'Wenn keiner rangeht, spreche ich eine Sprachnachricht aufs Festnetz.'],
      en: ['If it is urgent I just give them a ring.', 'I am on the phone with the field team a lot.', 'We have a weekly dial-in conference call.', 'I phoned the supplier desk and left a voicemail; phoning is quicker.', 'The landline on the ward still rings, the porters carry a pager, and sometimes I just leave a voice message.'],
    },
    cues: [
      'telefon', '\\bphone\\b', '\\bphones\\b', '\\bphoned\\b', '\\bphoning\\b', 'anruf', '\\bruf(e|en|t)?\\b', '\\bangerufen\\b', '\\banzurufen\\b',
      '\\bhandy', 'diensthandy', 'festnetz', '\\blandline', '\\bdial-?in', 'hotline', '\\btelko\\b', '\\bcalls?\\b(?! ?(center|centre))(?<!(zoom|teams|video|skype|webex|meet)[- ]?calls?)', '\\b(called|calling)\\b',
      '\\bring\\b', '\\bmobile\\b(?! (app|device|access|work))', '\\bdect\\b', '\\bpiepser', '\\bpager',
      'voicemail', 'sprachnachricht', 'voice message', '\\bklingelt',
    ],
  },
  {
    id: 'face_to_face',
    name: { de: 'Persönliches Gespräch', en: 'Face to face' },
    definition: { de: 'Gespräche vor Ort, Besprechungen im Büro, Flurfunk, kurz am Schreibtisch vorbeigehen', en: 'In-person talks, office meetings, corridor chats, walking over to a desk' },
    examples: {
      de: ['Vieles klären wir direkt im Büro oder in der Kaffeeküche.', 'Ich gehe einfach zum Kollegen rüber.', 'Bei der Schichtübergabe sprechen wir alles persönlich durch.', 'Im Führungskreis und im Arbeitskreis besprechen wir das, einmal im Monat auch beim Stammtisch; sonst rübergehen und reden.'],
      en: ['A lot happens in person, I walk over to their desk.', 'We sort things out over coffee in the kitchen.', 'Weekly team meeting in the office on Mondays.', 'I drop by or stop by their desk, or pop over; at the offsite and the team get-together we sit next to each other and agree things verbally.'],
    },
    cues: [
      'persönlich', 'face[- ]to[- ]face', '\\bin[- ]person\\b', '\\bvor ort\\b', 'kaffeeküche', '\\bküche\\b', '\\bkitchen\\b', '\\bcoffee\\b', '\\bkaffee',
      '\\bflur', 'zwischen tür und angel', '\\bzuruf', '\\brüber(gehen|laufen|kommen)\\b', 'geh(e|t)? [^.,]{0,20}rüber', '\\bsit(ting)? (right )?next to', 'neben(einander|an)?\\b', '\\bim haus\\b', 'führungskreis', 'arbeitskreis', 'stammtisch', '\\boffsite', '\\bget-?together', '\\bgeh(e)? (ich )?(kurz |einfach |schnell )?(zu|rüber|vorbei)', '\\bvorbei(gehen|schauen)?\\b',
      '\\bwalk(ing)? over\\b', '\\bdrop by\\b', '\\bstop by\\b', '\\bpop over\\b', '\\bdesk\\b', 'schreibtisch',
      'besprechung', 'übergabe', 'handover', 'jour fixe', 'mündlich', '\\bverbally\\b', '\\bin the office\\b', '\\bim büro\\b', '\\bbüro\\b',
      '\\bstand-?ups?\\b', '\\bhuddle', '\\bmeeting(s)? (im|in the) (büro|office|haus|besprechungsraum|meeting room)', '\\bmittag', '\\blunch', '\\bteamsitzung', '\\bsitzung',
      '\\bgespräch', '\\btalk(ing)? to\\b', '\\bin der pause\\b', '\\bpausen', '\\bvisite\\b', '\\bdirekt\\b', '\\bdirectly\\b', '\\bon site\\b',
      'dienstbesprechung', 'morgenrunde', 'frühbesprechung', 'teamrunde', '\\brunde\\b', '\\bschicht', '\\bshift',
    ],
    weakCues: ['(?<!(online|teams|zoom|video|web|virtual)[- ]?)meetings?', 'workshop', 'treffen', '\\bmeet\\b'],
  },
  {
    id: 'chat',
    name: { de: 'Chat / Messenger', en: 'Chat / messenger' },
    definition: { de: 'Sofortnachrichten: Slack, Teams-Chat, Skype-Chat, WhatsApp, Signal, Threema, Mattermost', en: 'Instant messaging: Slack, Teams chat, Skype chat, WhatsApp, Signal, Threema, Mattermost' },
    examples: {
      de: ['Kurze Fragen schreibe ich im Teams-Chat.', 'Unsere Gruppe hat eine WhatsApp-Gruppe für Schichttausch.', 'Alles Schnelle läuft über Slack.', 'Kurznachrichten per SMS oder Telegram; im Team chatten wir über Rocket.Chat und ich schreibe Nachrichten in die Gruppe.'],
      en: ['Quick questions go into Slack.', 'We ping each other on Teams chat.', 'The crew has a WhatsApp group.', 'We send a direct message on Slack, sometimes an iMessage; the IT crew uses Jabber, Wire and Google Hangouts for instant messaging.'],
    },
    cues: [
      'slack', '\\bchat', 'chatten', 'whats ?app', 'messenger', '\\bsignal\\b', 'threema', 'mattermost', 'rocket\\.?chat', 'teams[- ]?(chat|kanal|channel|gruppe)',
      '\\bskype\\b(?![- ]?(call|konferenz|video|meeting))', '\\bsms\\b', '\\bimessage', '\\btelegram\\b', 'instant messag', '\\bping', '\\bdms?\\b', 'direct message',
      '\\bhangouts\\b', '\\bjabber\\b', '\\bwire\\b', '\\bgruppenchat', '\\btexts?\\b(?! (field|box))', '\\btexting', '\\bkurznachricht',
    ],
    weakCues: ['\\bteams\\b(?![- ]?(meeting|call|konferenz|video|besprechung|termin))'],
  },
  {
    id: 'video_call',
    name: { de: 'Videokonferenz', en: 'Video call' },
    definition: { de: 'Video- und Webkonferenzen: Zoom, Teams-Besprechungen, Webex, Google Meet, Skype mit Video', en: 'Video and web conferences: Zoom, Teams meetings, Webex, Google Meet, Skype video' },
    examples: {
      de: ['Die Abteilungsrunde machen wir per Videokonferenz.', 'Mit dem Standort in Polen treffen wir uns in Teams-Besprechungen.', 'Kundentermine laufen über Zoom.', 'Die Webkonferenz läuft über GoToMeeting oder Adobe Connect; Online-Meetings und virtuelle Besprechungen ersetzen viele Reisen.'],
      en: ['Daily stand-up on Zoom because we are spread out.', 'We meet the other site in a Teams meeting.', 'Webex calls with the partners abroad.', 'A web conference on Webex, a web meeting via Meet or a Skype call with video; the virtual meeting replaced the trip.'],
    },
    cues: [
      '\\bvideo', 'zoom', 'webex', 'google meet', '\\b(on|via|über|per|in) meet\\b', 'adobe connect', 'gotomeeting', 'webkonferenz', 'web conference',
      'teams[- ]?(meeting|call|konferenz|besprechung|termin)', 'skype[- ]?(call|konferenz|video|meeting)', 'online[- ]?(meeting|besprechung|konferenz|termin)', 'virtuelle? (meeting|besprechung|treffen)',
      'virtual meeting', '\\bkamera', 'screen ?shar', '\\bvideocall',
    ],
  },
  {
    id: 'esn',
    name: { de: 'Soziales Intranet / ESN', en: 'Enterprise social network' },
    definition: { de: 'Enterprise Social Network oder Social Intranet: Yammer/Viva Engage, Jive, Workplace, Staffbase, Beekeeper, Coyo', en: 'Enterprise social network or social intranet feeds: Yammer/Viva Engage, Jive, Workplace, Staffbase, Beekeeper, Coyo' },
    examples: {
      de: ['Neuigkeiten lese ich im Feed unserer Mitarbeiter-App.', 'In Yammer posten wir Fragen an alle.', 'Über Coyo sehe ich, was andere Standorte machen.', 'Im sozialen Intranet (Haiilo) und im Unternehmensnetzwerk tixxt posten wir Neuigkeiten; das interne soziale Netzwerk heißt bei uns Blink.'],
      en: ['I follow the company feed on Viva Engage.', 'We post updates in the Workplace groups.', 'The employee app Beekeeper is where news is shared.', 'Our enterprise social network is Jive; other sites use Simpplr or Connections as a social network for staff.'],
    },
    cues: [
      'yammer', 'viva engage', '\\bjive\\b', 'workplace (from|by) (meta|facebook)', 'staffbase', 'beekeeper', '\\bcoyo\\b', 'haiilo', 'social intranet',
      'enterprise social', 'social network', 'soziale?s? netzwerk', 'mitarbeiter-?app', 'employee app', 'workvivo', 'simpplr', '\\btixxt\\b', 'connections\\b', '\\bblink\\b', '\\bfeed\\b',
      'unternehmensnetzwerk', 'interne?s? (soziale|social)', 'communities\\b', '\\bcommunity\\b',
    ],
  },
  {
    id: 'intranet_wiki',
    name: { de: 'Intranet / Wiki', en: 'Intranet / wiki' },
    definition: { de: 'Klassisches Intranet, SharePoint-Seiten, Confluence und andere Wikis', en: 'Classic intranet pages, SharePoint sites, Confluence and other wikis' },
    examples: {
      de: ['Richtlinien stehen im Intranet.', 'Unsere Doku pflegen wir in Confluence.', 'Die Abteilung hat eine SharePoint-Seite.', 'In der Wissensdatenbank im Intranet steht das Online-Handbuch.'],
      en: ['Procedures live on the intranet.', 'Specs are in our Confluence wiki.', 'The team SharePoint site has the templates.', 'The knowledge base and the employee portal hold the procedures.'],
    },
    cues: [
      '(?<!(social|soziale[sn]?) )intranet', 'sharepoint', 'confluence', '\\bwiki', '\\bnotion\\b', 'knowledge base', 'wissensdatenbank', 'mitarbeiterportal', 'employee portal', '\\bportal\\b', 'online-?handbuch',
    ],
  },
  {
    id: 'shared_docs',
    name: { de: 'Geteilte Dokumente', en: 'Shared documents' },
    definition: { de: 'Gemeinsame Dateien und Co-Editing: Google Docs, Office 365, Dropbox, OneDrive, Netzlaufwerke, Evernote', en: 'Shared files and co-editing: Google Docs, Office 365, Dropbox, OneDrive, network drives, Evernote' },
    examples: {
      de: ['Angebote liegen auf dem Netzlaufwerk.', 'Wir bearbeiten die Präsentation gemeinsam in OneDrive.', 'Die Liste teilen wir in einer Dropbox.', 'Geteilte Ordner auf dem Netzlaufwerk, Office 365 und OneDrive: wir arbeiten gleichzeitig an einem Dokument.'],
      en: ['We co-edit the plan in Google Docs.', 'Files sit on the shared drive.', 'Everything is in a shared OneDrive folder.', 'Shared documents in Microsoft 365, a shared folder on the network drive or the file server; some keep notes in Evernote, others in ownCloud or GDrive.'],
    },
    cues: [
      'google (docs|drive|sheets|slides)', '\\bgdrive', 'dropbox', 'onedrive', 'one drive', 'office ?365', 'microsoft 365', 'netzlaufwerk', 'laufwerk', 'network drive', 'shared drive',
      'shared folder', 'gemeinsame[nm]? (ordner|dokument|datei|ablage|laufwerk)', 'geteilte[nm]? (ordner|dokument|datei)', 'shared (doc|file|spreadsheet|document)', 'evernote', 'nextcloud', 'owncloud', '\\bbox\\b',
      'co-?(edit|author)', 'gleichzeitig (an|in) (einem|dem)', 'fileserver', 'file server', 'dateiablage', '\\bablage\\b', '\\bdms\\b', 'dokumentenmanagement', '\\bexcel-?(liste|tabelle)', 'spreadsheet',
      'onenote', '\\bdocs\\b', 'cloud-?ordner', 'tabelle',
    ],
  },
  {
    id: 'task_board',
    name: { de: 'Aufgaben- und Projekttools', en: 'Task and project tools' },
    definition: { de: 'Aufgaben- und Projektwerkzeuge: Trello, Jira, Asana, Planner, Monday, Kanban-Boards', en: 'Task and project tools: Trello, Jira, Asana, Planner, Monday, Kanban boards' },
    examples: {
      de: ['Aufgaben verteilen wir im Planner.', 'Tickets laufen über Jira.', 'Am Kanban-Board sieht jeder den Stand.', 'Unsere Aufgabenliste und die Aufgabenverwaltung liegen im Projektmanagement-Tool; Marketing nutzt ClickUp, Wrike oder Monday.com.'],
      en: ['Tasks are tracked on a Trello board.', 'Tickets in Jira, sprints in Jira too.', 'We plan the project in Asana.', 'The backlog and open issues sit on a task board; others use Todoist or a project management tool with a roadmap tool.'],
    },
    cues: [
      'trello', '\\bjira\\b', '\\blinear\\b', '\\broadmap tool', 'asana', '\\bplanner\\b', 'monday(\\.com)?\\b(?! morning| meeting)', 'kanban', '\\bboards?\\b', 'ticket', 'servicenow', 'basecamp', 'clickup', 'wrike', 'todoist',
      'aufgabenliste', 'aufgabenverwaltung', 'projektmanagement-?(tool|software)', 'project management (tool|software)', 'task (tool|board|list|tracker)', '\\bbacklog', '\\bsprints?\\b',
      '\\bissues?\\b', '\\bmonday\\.com',
    ],
  },
  {
    id: 'paper',
    name: { de: 'Papier', en: 'Paper' },
    definition: { de: 'Papier, Ausdrucke, Aushänge, Schwarzes Brett, Fax, Notizzettel', en: 'Paper, printouts, memos, notice boards, fax, sticky notes' },
    examples: {
      de: ['Der Dienstplan hängt als Ausdruck am Schwarzen Brett.', 'Manche Aufträge kommen noch per Fax.', 'Ich schreibe mir alles auf Zettel.', 'Zettel an der Pinnwand, Haftnotizen, Klemmbrett und das Dienstbuch; Briefe kommen noch per Post.'],
      en: ['The rota is printed and pinned on the notice board.', 'Some orders still arrive by fax.', 'I keep sticky notes on my monitor.', 'Printed memos on the bulletin board, a clipboard with the rota and a paper notebook.'],
    },
    cues: [
      'papier', '\\bpaper(?! trail)', '\\bzettel', 'ausdruck', 'ausgedruckt', 'drucke', '\\bprint', 'aushang', 'aushänge', 'schwarze[nms]? brett', 'notice ?board', 'bulletin board', 'pinnwand', '\\bfax',
      'post-?its?', 'sticky note', 'haftnotiz', 'umlaufmappe', 'hauspost', '\\bmemos?\\b', 'klemmbrett', 'clipboard', 'übergabebuch', 'notebook\\b(?! pc)', 'formular', 'brief(e)?\\b', 'whiteboard', '\\bakte', 'dienstbuch', 'gedruckt', '\\bdruck(e|en)? (ich|wir)',
    ],
  },
];
