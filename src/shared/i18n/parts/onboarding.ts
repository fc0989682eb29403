/**
 * Texts of the first ten minutes (setup, demo, accounts, editing and closing campaigns, copy
 * buttons, Du/Sie) and of the respondent's phone page (issue 15), German and English side by
 * side. German respondent texts have their Du form in du.ts.
 */
export const onboardingDe = {
  'auth.setup.demo': 'Demo-Kampagne laden („Nordlicht Logistik“, 32 Beispielantworten)',
  'auth.setup.demo_hint': 'Zum Ausprobieren: Sie gehört Ihnen und lässt sich wie jede Kampagne auswerten, teilen und löschen.',
  'auth.setup.demo_loaded': 'Die Demo-Kampagne ist bereits geladen; sie gehört dann Ihnen.',
  'auth.tokens.new_label': 'Neuer API-Token',

  'admin.users.created': 'Konto für {email} ({role}) angelegt.',
  'admin.users.created_next': 'Geben Sie der Person das erste Passwort auf einem sicheren Weg weiter (nicht in derselben E-Mail wie die Adresse); sie kann es unter „Mein Konto“ ändern.',
  'admin.users.created_demo_owner': 'Die Demo-Kampagne gehört jetzt diesem Konto.',
  'admin.users.created_demo_coLead': 'Dieses Konto leitet die Demo-Kampagne jetzt mit (Co-Lead) und findet sie in seiner Kampagnenliste.',
  'admin.media_tools.title': 'Video-Antworten: ffmpeg ist auf dem Server nicht installiert',
  'admin.media_tools.meaning':
    'Was das für den Datenschutz heißt: Hochgeladene Aufnahmen werden gespeichert, wie sie ankommen – mit den Metadaten des Geräts (z. B. Aufnahmezeit, Gerätemodell, bei Handy-Videos oft der GPS-Ort). Auch in anonymen Kampagnen können Projektleitungen diese Angaben aus der Datei lesen. Außerdem wird die Länge einer Aufnahme nicht geprüft, und „Nur Audio“ nimmt dann nur Audiodateien an.',
  'admin.media_tools.fix': 'So beheben Sie es: ffmpeg installieren (Debian/Ubuntu) und die App neu starten; neue Aufnahmen werden dann ohne Metadaten gespeichert.',
  'admin.media_tools.kept': '{n} {n|gespeicherte Aufnahme enthält|gespeicherte Aufnahmen enthalten} noch ihre Metadaten.',

  'respond.answer.media_toggle': 'Lieber per Video oder Audio antworten',
  'respond.error.question': 'Frage {n} („{prompt}“): {message}',

  'errors.code.csrf_failed': 'Das Formular ist abgelaufen oder kam nicht von dieser Seite. Laden Sie die Seite neu und versuchen Sie es erneut.',
  'errors.code.stakeholder_cannot_create': 'Als Stakeholder lesen Sie die Ergebnisse der Kampagnen, zu denen Sie eingeladen sind. Kampagnen legen Projektleitungen an.',

  'lead.index.empty_stakeholder': 'Noch keine Kampagne. Sobald eine Projektleitung Sie zu einer Kampagne einlädt, steht sie hier.',
  'lead.index.empty_demo': 'Zum Ausprobieren lädt dieser Befehl die Demo-Kampagne für Sie:',
  'lead.index.demo_badge': 'Demo',

  'lead.show.now_open': 'Die Kampagne ist offen. Der Link nimmt jetzt Antworten an.',
  'lead.show.now_closed': 'Die Kampagne ist geschlossen. Der Link nimmt keine Antworten mehr an.',
  'lead.show.edit_open': 'Titel, Beschreibung, Löschdatum ändern',
  'lead.show.locked_hint': 'Fragen, Sprachen, Anonymität, Anrede und Gruppen sind seit der Öffnung gesperrt, damit gespeicherte Antworten zur gestellten Frage passen. Titel, Beschreibung und Löschdatum lassen sich weiter ändern.',
  'lead.show.stakeholder_hint': 'Sie lesen die zusammengefassten Ergebnisse dieser Kampagne: das Dashboard und den Anforderungsbericht.',

  'address.du': 'Du',
  'address.sie': 'Sie',
  'address.du.example': '– „Wie arbeitest Du heute?“',
  'address.sie.example': '– „Wie arbeiten Sie heute?“',
  'lead.form.address': 'Anrede auf Deutsch',
  'lead.form.address_hint':
    'Gilt für alles, was Teilnehmende auf Deutsch sehen: Seiten, Hinweise, Fehlermeldungen und E-Mails. Die Fragen der Vorlage passen sich an; eigene Texte schreiben Sie bitte in derselben Anrede.',
  'lead.address.mismatch': 'Die Kampagne spricht Teilnehmende mit „{address}“ an, diese Texte aber anders:',
  'lead.address.where_title': 'der Titel',
  'lead.address.where_description': 'die Beschreibung',
  'lead.address.where_question': 'Frage {n}',
  'lead.address.where_segment': 'die Gruppe „{label}“',
  'lead.address.fix_draft': 'Passen Sie die Texte oder die Anrede unter „Bearbeiten“ an, bevor Sie die Kampagne öffnen.',
  'lead.address.fix_locked': 'Fragen und Anrede sind gesperrt, seit die Kampagne offen ist; Titel und Beschreibung lassen sich noch ändern.',

  'lead.edit_open.editable': 'Was Sie ändern können',
  'lead.edit_open.editable_hint': 'Die Kampagne ist bereits geöffnet. Titel, Beschreibung und Löschdatum lassen sich jederzeit ändern; Teilnehmende sehen die Änderung beim nächsten Laden der Seite.',
  'lead.edit_open.locked_title': 'Was gesperrt ist, und warum',
  'lead.edit_open.locked_why':
    'Seit die Kampagne geöffnet wurde, gibt es Antworten auf genau diese Fragen. Änderten sich Fragen, Sprachen, Anonymität, Anrede oder Gruppen, passten gespeicherte Antworten nicht mehr zu dem, was gefragt wurde – und eine anonyme Kampagne darf nicht nachträglich namentlich werden.',
  'lead.edit_open.locked_next': 'Andere Fragen stellen? Legen Sie eine neue Kampagne an (auch aus der Vorlage) und schließen Sie diese.',

  'lead.close.title': 'Kampagne „{title}“ schließen?',
  'lead.close.stops': 'Der Link nimmt sofort keine Antworten mehr an; wer ihn öffnet, sieht „Diese Befragung ist beendet“.',
  'lead.close.submitted': '{n} {n|abgeschickte Antwort bleibt|abgeschickte Antworten bleiben} gespeichert und auswertbar.',
  'lead.close.drafts': '{n} {n|begonnene, noch nicht abgeschickte Antwort kann|begonnene, noch nicht abgeschickte Antworten können} danach nicht mehr abgeschickt werden.',
  'lead.close.reopen': 'Sie können die Kampagne später wieder öffnen.',
  'lead.close.confirm': 'Ja, Kampagne schließen',
  'lead.close.keep_open': 'Offen lassen',

  'validation.date_past': 'Bitte ein Datum ab heute wählen – ein Datum in der Vergangenheit würde alle Antworten sofort löschen.',

  'copy.button': 'Kopieren',
  'copy.done': 'Kopiert.',
  'copy.failed': 'Kopieren ging nicht – bitte markieren und selbst kopieren.',
} as const;

export const onboardingEn: Record<keyof typeof onboardingDe, string> = {
  'auth.setup.demo': 'Load the demo campaign (“Nordlicht Logistik”, 32 sample answers)',
  'auth.setup.demo_hint': 'To try things out: it is yours and can be analysed, shared and deleted like any campaign.',
  'auth.setup.demo_loaded': 'The demo campaign is loaded already; it will be yours.',
  'auth.tokens.new_label': 'New API token',

  'admin.users.created': 'Account for {email} ({role}) created.',
  'admin.users.created_next': 'Give them the first password by a safe route (not in the same e-mail as the address); they can change it under “My account”.',
  'admin.users.created_demo_owner': 'The demo campaign now belongs to this account.',
  'admin.users.created_demo_coLead': 'This account now co-leads the demo campaign and finds it on its campaign list.',
  'admin.media_tools.title': 'Video answers: ffmpeg is not installed on the server',
  'admin.media_tools.meaning':
    'What this means for privacy: uploaded recordings are stored as they arrive – with the device’s metadata (e.g. recording time, device model, often the GPS location of phone videos). Even in anonymous campaigns, leads can read these details from the file. Also, a recording’s length is not checked, and “Audio only” then accepts audio files only.',
  'admin.media_tools.fix': 'How to fix it: install ffmpeg (Debian/Ubuntu) and restart the app; new recordings are then stored without metadata.',
  'admin.media_tools.kept': '{n} {n|stored recording still holds its|stored recordings still hold their} metadata.',

  'respond.answer.media_toggle': 'Answer by video or audio instead',
  'respond.error.question': 'Question {n} (“{prompt}”): {message}',

  'errors.code.csrf_failed': 'The form has expired or did not come from this site. Reload the page and try again.',
  'errors.code.stakeholder_cannot_create': 'As a stakeholder you read the results of the campaigns you are invited to. Project leads create campaigns.',

  'lead.index.empty_stakeholder': 'No campaign yet. As soon as a project lead invites you to a campaign, it appears here.',
  'lead.index.empty_demo': 'To try things out, this command loads the demo campaign for you:',
  'lead.index.demo_badge': 'Demo',

  'lead.show.now_open': 'The campaign is open. Its link accepts answers now.',
  'lead.show.now_closed': 'The campaign is closed. Its link no longer accepts answers.',
  'lead.show.edit_open': 'Change title, description, deletion date',
  'lead.show.locked_hint': 'Questions, languages, anonymity, form of address and groups are locked since the campaign opened, so stored answers match the question that was asked. Title, description and deletion date can still be changed.',
  'lead.show.stakeholder_hint': 'You read the summarised results of this campaign: the dashboard and the requirements report.',

  'address.du': 'Du (informal)',
  'address.sie': 'Sie (formal)',
  'address.du.example': '– “Wie arbeitest Du heute?”',
  'address.sie.example': '– “Wie arbeiten Sie heute?”',
  'lead.form.address': 'German form of address',
  'lead.form.address_hint':
    'Applies to everything respondents see in German: pages, hints, error messages and e-mails. The template’s questions follow it; please write your own texts in the same form.',
  'lead.address.mismatch': 'The campaign addresses respondents with “{address}”, but these texts do not:',
  'lead.address.where_title': 'the title',
  'lead.address.where_description': 'the description',
  'lead.address.where_question': 'question {n}',
  'lead.address.where_segment': 'the group “{label}”',
  'lead.address.fix_draft': 'Adjust the texts or the form of address under “Edit” before you open the campaign.',
  'lead.address.fix_locked': 'Questions and form of address are locked since the campaign opened; title and description can still be changed.',

  'lead.edit_open.editable': 'What you can change',
  'lead.edit_open.editable_hint': 'The campaign is open already. Title, description and deletion date can be changed at any time; respondents see the change the next time the page loads.',
  'lead.edit_open.locked_title': 'What is locked, and why',
  'lead.edit_open.locked_why':
    'Since the campaign opened, there are answers to exactly these questions. If questions, languages, anonymity, form of address or groups changed, stored answers would no longer match what was asked – and an anonymous campaign must not become identified afterwards.',
  'lead.edit_open.locked_next': 'Want to ask other questions? Create a new campaign (from the template, too) and close this one.',

  'lead.close.title': 'Close the campaign “{title}”?',
  'lead.close.stops': 'Its link stops accepting answers at once; whoever opens it sees “This survey has ended”.',
  'lead.close.submitted': '{n} {n|submitted answer stays|submitted answers stay} stored and can be analysed.',
  'lead.close.drafts': '{n} {n|started, not yet submitted answer|started, not yet submitted answers} can no longer be submitted afterwards.',
  'lead.close.reopen': 'You can open the campaign again later.',
  'lead.close.confirm': 'Yes, close the campaign',
  'lead.close.keep_open': 'Keep it open',

  'validation.date_past': 'Please choose today or a later date – a date in the past would delete all answers at once.',

  'copy.button': 'Copy',
  'copy.done': 'Copied.',
  'copy.failed': 'Copying did not work – please select the text and copy it yourself.',
};
