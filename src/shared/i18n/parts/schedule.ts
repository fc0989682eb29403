/**
 * Texts of the campaign schedule (issue 17, item 5): open and close dates applied by the app, the
 * reminder before the close date and the QR code of the public link. German and English side by
 * side; the German e-mail text has its Du form in du.ts.
 */
export const scheduleDe = {
  'lead.form.schedule': 'Zeitplan',
  'lead.form.schedule_hint': 'Freiwillig. Zeiten in UTC. Die App öffnet und schließt die Kampagne zu diesen Zeitpunkten selbst.',
  'lead.form.opens_at': 'Automatisch öffnen am (UTC)',
  'lead.form.closes_at': 'Automatisch schließen am (UTC)',
  'lead.form.closes_at_open_hint': 'Freiwillig, Zeit in UTC. Die App schließt die Kampagne zu diesem Zeitpunkt selbst; leer lassen, um sie von Hand zu schließen.',

  'validation.datetime': 'Bitte Datum und Uhrzeit angeben (z. B. 2027-03-01 09:00).',
  'validation.close_before_open': 'Der Schließzeitpunkt muss nach dem Öffnungszeitpunkt liegen – bitte einen späteren Zeitpunkt wählen.',
  'validation.opens_past': 'Dieser Zeitpunkt liegt in der Vergangenheit. Bitte einen künftigen Zeitpunkt wählen – oder das Feld leeren und die Kampagne mit „Kampagne öffnen“ sofort öffnen.',
  'validation.closes_past': 'Dieser Zeitpunkt liegt in der Vergangenheit. Bitte einen künftigen Zeitpunkt wählen – oder das Feld leeren und die Kampagne mit „Kampagne schließen“ sofort schließen.',

  'schedule.opens_on': 'Öffnet automatisch am {date}',
  'schedule.closes_on': 'Schließt automatisch am {date}',
  'schedule.title': 'Zeitplan',
  'schedule.none': 'Kein Zeitplan: Die Kampagne wird von Hand geöffnet und geschlossen.',
  'schedule.column': 'Zeitplan',

  'schedule.settings.reminder_before_close': 'Erinnerung … Tage vor dem Schließen (0 = keine)',

  'schedule.qr.title': 'QR-Code für Aushänge',
  'schedule.qr.alt': 'QR-Code des Links für Teilnehmende: {url}',
  'schedule.qr.hint': 'Wer den Code mit dem Handy scannt, kommt direkt zur Befragung. Der Code wird auf diesem Server erzeugt.',
  'schedule.qr.download_svg': 'QR-Code als SVG herunterladen',
  'schedule.qr.download_png': 'QR-Code als PNG herunterladen',

  'mail.closing.subject': 'Nur noch bis {date}: {title}',
  'mail.closing.intro': 'die Befragung „{title}“ läuft nur noch bis {date}. Wenn Sie noch nicht geantwortet haben, freuen wir uns über Ihre Sicht.',
};

export const scheduleEn: Record<keyof typeof scheduleDe, string> = {
  'lead.form.schedule': 'Schedule',
  'lead.form.schedule_hint': 'Optional. Times in UTC. The app opens and closes the campaign at these times by itself.',
  'lead.form.opens_at': 'Open automatically on (UTC)',
  'lead.form.closes_at': 'Close automatically on (UTC)',
  'lead.form.closes_at_open_hint': 'Optional, time in UTC. The app closes the campaign at this time by itself; leave empty to close it by hand.',

  'validation.datetime': 'Please enter a date and time (e.g. 2027-03-01 09:00).',
  'validation.close_before_open': 'The close time must be after the open time – please choose a later time.',
  'validation.opens_past': 'This time is in the past. Please choose a future time – or clear the field and open the campaign now with “Open campaign”.',
  'validation.closes_past': 'This time is in the past. Please choose a future time – or clear the field and close the campaign now with “Close campaign”.',

  'schedule.opens_on': 'Opens automatically on {date}',
  'schedule.closes_on': 'Closes automatically on {date}',
  'schedule.title': 'Schedule',
  'schedule.none': 'No schedule: the campaign is opened and closed by hand.',
  'schedule.column': 'Schedule',

  'schedule.settings.reminder_before_close': 'Reminder … days before closing (0 = none)',

  'schedule.qr.title': 'QR code for posters',
  'schedule.qr.alt': 'QR code of the respondent link: {url}',
  'schedule.qr.hint': 'Scanning the code with a phone leads straight to the survey. The code is made on this server.',
  'schedule.qr.download_svg': 'Download QR code as SVG',
  'schedule.qr.download_png': 'Download QR code as PNG',

  'mail.closing.subject': 'Only until {date}: {title}',
  'mail.closing.intro': 'the survey “{title}” is open only until {date}. If you have not answered yet, we would be glad to hear your view.',
};
