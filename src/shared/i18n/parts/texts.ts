/**
 * Campaign texts per language (issue 17, item 4): the lead's title and description fields in
 * German and English, the list of missing translations, and the note respondents see where a
 * text is shown in the other language. German and English side by side; no text here addresses
 * the respondent, so none needs a Du form.
 */
export const textsDe = {
  'lead.form.title_de': 'Titel (Deutsch)',
  'lead.form.title_en': 'Titel (Englisch)',
  'lead.form.description_de': 'Beschreibung (Deutsch)',
  'lead.form.description_en': 'Beschreibung (Englisch)',
  'lead.form.texts_hint': 'Teilnehmende sehen Titel und Beschreibung in ihrer Sprache. Fehlt eine Sprache, sehen sie die andere mit einem Hinweis.',
  'validation.title_required': 'Bitte einen Titel angeben – auf Deutsch, auf Englisch oder in beiden Sprachen.',

  'lead.translations.title': 'Fehlende Übersetzungen',
  'lead.translations.intro': 'Diese Texte sehen Teilnehmende in der anderen Sprache (mit einem Hinweis). Öffnen ist trotzdem möglich.',
  'lead.translations.missing_de': 'Fehlt auf Deutsch:',
  'lead.translations.missing_en': 'Fehlt auf Englisch:',
  'lead.translations.item.title': 'Titel',
  'lead.translations.item.description': 'Beschreibung',
  'lead.translations.item.question': 'Frage {n}',
  'lead.translations.item.segment': 'Gruppe „{segment}“',
  'lead.translations.item.option': 'Gruppe „{segment}“ Option „{option}“',
  'lead.translations.open_warning': 'Achtung: Es fehlen Übersetzungen (siehe „Fehlende Übersetzungen“). Teilnehmende sehen diese Texte in der anderen Sprache.',

  'respond.fallback.de': 'Dieser Text liegt nur auf Deutsch vor.',
  'respond.fallback.en': 'Dieser Text liegt nur auf Englisch vor.',
};

export const textsEn: Record<keyof typeof textsDe, string> = {
  'lead.form.title_de': 'Title (German)',
  'lead.form.title_en': 'Title (English)',
  'lead.form.description_de': 'Description (German)',
  'lead.form.description_en': 'Description (English)',
  'lead.form.texts_hint': 'Respondents see the title and description in their language. Where one language is missing, they see the other with a note.',
  'validation.title_required': 'Please enter a title – in German, in English or in both.',

  'lead.translations.title': 'Missing translations',
  'lead.translations.intro': 'Respondents see these texts in the other language (with a note). You can still open the campaign.',
  'lead.translations.missing_de': 'Missing in German:',
  'lead.translations.missing_en': 'Missing in English:',
  'lead.translations.item.title': 'title',
  'lead.translations.item.description': 'description',
  'lead.translations.item.question': 'question {n}',
  'lead.translations.item.segment': 'segment “{segment}”',
  'lead.translations.item.option': 'segment “{segment}” option “{option}”',
  'lead.translations.open_warning': 'Note: translations are missing (see “Missing translations”). Respondents will see these texts in the other language.',

  'respond.fallback.de': 'This text is only available in German.',
  'respond.fallback.en': 'This text is only available in English.',
};
