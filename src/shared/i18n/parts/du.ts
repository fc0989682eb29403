import type { MessageKey } from '../de.js';

/**
 * The Du form of every German text a respondent can see (their pages, the recorder, error pages
 * under /r, invitation and reminder e-mails) — used when a campaign is set to "Du" (the four-question
 * template is: its questions say "Du"). Singular and capitalised like the template's questions
 * ("Du", "Dein", "Dich", "Dir"), never the plural "Ihr/Euch". Texts without a form of address
 * need no entry here. test/unit/i18n-address.test.ts checks that every respondent text has its
 * Du form and that neither form leaks into the other.
 */
export const deDu: Partial<Record<MessageKey, string>> = {
  'form.error_summary': 'Bitte prüfe diese Angaben',

  'errors.400.text': 'Einige Angaben fehlen oder sind ungültig. Geh zurück, prüfe die Eingaben und versuch es erneut.',
  'errors.401.title': 'Bitte melde Dich an',
  'errors.401.text': 'Diese Seite ist nur für angemeldete Personen. Melde Dich an und versuch es erneut.',
  'errors.code.csrf_failed': 'Das Formular ist abgelaufen oder kam nicht von dieser Seite. Lade die Seite neu und versuch es erneut.',
  'errors.404.text': 'Diese Adresse gibt es nicht (mehr). Prüfe den Link oder starte auf der Startseite.',
  'errors.409.text': 'Der Inhalt wurde inzwischen geändert oder ist gesperrt. Lade die Seite neu.',
  'errors.413.text': 'Die gesendeten Daten sind zu groß. Kürze den Text und versuch es erneut.',
  'errors.429.text': 'Zu viele Versuche in kurzer Zeit. Warte ein paar Minuten und versuch es dann erneut.',
  'errors.500.text': 'Auf unserer Seite ist ein Fehler aufgetreten. Deine bisherigen Eingaben bleiben gespeichert. Bitte versuch es in einer Minute erneut.',
  'errors.503.text': 'Die Datenbank antwortet gerade nicht. Bitte versuch es in ein paar Sekunden erneut – es geht nichts verloren.',

  'respond.welcome.language': 'In welcher Sprache möchtest Du antworten?',
  'respond.consent.title': 'Was mit Deinen Antworten passiert',
  'respond.consent.stored': 'Deine Antworten, die Gruppen, die Du auswählst (z. B. Bereich), die Sprache und der Zeitpunkt.',
  'respond.consent.not_stored_anonymous':
    'Dein Name, Deine E-Mail-Adresse, Deine IP-Adresse und Dein Gerät. Cookies auf diesem Gerät merken sich nur Deine Einwilligung und dass Du später weiterschreiben kannst.',
  'respond.consent.not_stored_identified': 'Deine IP-Adresse und Dein Gerät. Cookies auf diesem Gerät merken sich nur Deine Einwilligung und dass Du später weiterschreiben kannst.',
  'respond.consent.rights_label': 'Deine Rechte:',
  'respond.consent.rights': 'Die Teilnahme ist freiwillig. Du kannst jederzeit aufhören; nicht abgeschickte Antworten fließen nicht in die Auswertung ein.',
  'respond.answer.save_failed': 'Nicht gespeichert – wir versuchen es gleich erneut. Dein Text bleibt auf dieser Seite.',
  'respond.answer.offline': 'Keine Verbindung – Dein Text bleibt auf dieser Seite und wird gespeichert, sobald die Verbindung zurück ist.',
  'respond.answer.about_you': 'Zu Deiner Person',
  'respond.answer.autosave_hint': 'Deine Antworten werden beim Schreiben automatisch zwischengespeichert. Du kannst die Seite schließen und später auf diesem Gerät weitermachen.',
  'respond.answer.segment_from_link': 'Aus Deiner Einladung übernommen.',
  'respond.thanks.text': 'Deine Antworten sind angekommen und gespeichert.',
  'respond.thanks.next': 'Die Ergebnisse fließen in die Anforderungen an den digitalen Arbeitsplatz ein. Du kannst dieses Fenster schließen.',
  'respond.closed.text': 'Es werden keine Antworten mehr angenommen. Vielen Dank für Dein Interesse.',
  'respond.unavailable.text': 'Dieser Link ist ungültig oder die Befragung hat noch nicht begonnen. Prüfe den Link in Deiner Einladung.',
  'respond.personal_only.text': 'An dieser Befragung kann nur teilnehmen, wer einen persönlichen Link erhalten hat. Bitte öffne den Link aus Deiner Einladung.',
  'respond.already_responded.title': 'Du hast bereits geantwortet',

  'validation.consent_required': 'Bitte bestätige die Einwilligung, um teilzunehmen.',
  'validation.choose_option': 'Bitte wähle eine Option.',
  'validation.answer_required': 'Bitte beantworte diese Frage.',

  'media.rec.intro': 'Nimm Deine Antwort vor der Kamera oder nur mit Deiner Stimme auf – oder lade eine Datei hoch.',
  'media.rec.anon_warning':
    'Hinweis zur Anonymität: Auf einem Video sind Dein Gesicht und Deine Stimme zu erkennen – auch in einer anonymen Umfrage kann man Dich daran erkennen. Wähle „Nur Audio“, wenn Du nicht zu sehen sein möchtest; auch die Stimme kann erkennbar sein. Schriftliche Antworten sind am besten geschützt.',
  'media.rec.removed': 'Die Aufnahme wurde gelöscht. Du kannst neu aufnehmen oder schriftlich antworten.',
  'media.rec.preview': 'Live-Vorschau Deiner Kamera',
  'media.rec.playback': 'Deine Aufnahme',
  'media.rec.recorded': 'Aufgenommen. Hör bzw. sieh Dir die Aufnahme an und wähle „Diese Aufnahme verwenden“ oder „Neu aufnehmen“.',
  'media.rec.saved': 'Gespeichert. Deine Aufnahme ist sicher auf dem Server.',
  'media.rec.upload_failed': 'Das Hochladen hat nicht geklappt (Verbindung unterbrochen?). Deine Aufnahme ist noch da – versuch es mit „Erneut hochladen“.',
  'media.rec.wait_upload': 'Bitte warte, bis Deine Aufnahme gespeichert ist, bevor Du abschickst.',
  'media.rec.unsupported': 'Dein Browser kann hier nicht aufnehmen. Nimm stattdessen mit der Kamera- oder Sprachmemo-App Deines Geräts auf und lade die Datei unten hoch.',
  'media.rec.blocked':
    'Der Zugriff auf Kamera oder Mikrofon ist blockiert. Erlaube ihn über das Kamera- bzw. Schloss-Symbol in der Adressleiste (am Telefon: Einstellungen › Browser › Kamera/Mikrofon) und lade die Seite neu. Oder lade unten eine Datei hoch.',
  'media.rec.no_device': 'Es wurde keine Kamera bzw. kein Mikrofon gefunden. Schließ eines an, wähle „Nur Audio“ oder lade unten eine Datei hoch.',
  'media.rec.busy': 'Kamera oder Mikrofon wird gerade von einer anderen Anwendung benutzt. Schließ diese (z. B. eine Videokonferenz) und versuch es erneut.',
  'media.rec.insecure': 'Aufnehmen ist nur über eine sichere Verbindung (https) möglich. Lade unten eine Datei hoch.',
  'media.transcript.recorded_hint': 'Deine Aufnahme ist gespeichert. Schreib in dieses Feld kurz, was Du darin sagst – die Auswertung liest den Text.',
  'media.transcript.recorded_hint_auto': 'Deine Aufnahme ist gespeichert. Die Abschrift erscheint automatisch in diesem Feld; bitte prüfe sie.',
  'media.transcript.auto_done': 'Die automatische Abschrift ist da. Bitte prüfe sie.',
  'media.transcript.auto_failed': 'Die automatische Abschrift hat nicht geklappt. Bitte schreib kurz auf, was Du gesagt hast.',
  'media.error.media_too_large': 'Die Datei ist zu groß (höchstens {mb} MB). Nimm eine kürzere Antwort auf.',
  'media.error.media_too_long': 'Die Aufnahme ist zu lang (höchstens {minutes} Minuten). Nimm eine kürzere Antwort auf.',
  'media.error.media_empty': 'Die Datei ist leer. Nimm erneut auf oder wähle eine andere Datei.',
  'media.error.media_unreadable': 'Die Aufnahme ließ sich nicht lesen (beschädigt oder unvollständig). Nimm erneut auf.',
  'media.error.media_audio_expected': 'Für eine reine Audio-Antwort wähle bitte eine Audiodatei (m4a, mp3, ogg, webm).',
  'media.error.transcript_malformed': 'Die Untertiteldatei ist ungültig. Exportiere sie erneut als WebVTT oder SRT oder schreib die Abschrift.',
  'media.error.already_submitted': 'Deine Antworten wurden bereits abgeschickt. Lade die Seite neu.',
  'media.error.csrf_failed': 'Die Seite ist abgelaufen. Lade sie neu und versuch es erneut.',
  'media.error.generic': 'Das hat nicht geklappt. Versuch es erneut.',

  'mail.invitation.subject': 'Deine Meinung ist gefragt: {title}',
  'mail.invitation.intro':
    'wir laden Dich zur Befragung „{title}“ ein. Das dauert etwa zehn Minuten und hilft uns, den digitalen Arbeitsplatz so zu gestalten, dass er Dich wirklich unterstützt.',
  'mail.reminder.intro': 'vielleicht ist unsere Einladung zur Befragung „{title}“ untergegangen. Wir würden uns freuen, wenn Du Dir ein paar Minuten Zeit nimmst.',
  'mail.personal_link': 'Dieser Link ist persönlich – bitte leite ihn nicht weiter.',
  'mail.privacy_anonymous':
    'Deine Antworten werden anonym gespeichert: ohne Namen, E-Mail-Adresse oder IP-Adresse. Wir sehen nur, ob jemand geantwortet hat, damit Erinnerungen nur an die anderen gehen.',
  'mail.privacy_identified': 'Deine Antworten werden Deiner Person zugeordnet; die Projektleitung sieht, wer was geantwortet hat.',
  'mail.signature_default': 'Dein Projektteam',
  'mail.closing.intro': 'die Befragung „{title}“ läuft nur noch bis {date}. Wenn Du noch nicht geantwortet hast, freuen wir uns über Deine Sicht.',
};
