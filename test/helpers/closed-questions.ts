/**
 * The closed questions the issue-17 tests share (HTTP, comparison by answer, browser): a 0–10
 * rating scale, a single choice and a multiple choice with "other", and a ranking. Functions, so
 * every campaign gets its own objects. Tests assert on these keys and labels ("tools", "How well do
 * the tools support you?", "Other"…); change them here and in those assertions together.
 */

/** "How well do the tools support you?" — 0 to 10, labelled ends. */
export function toolsScale() {
  return {
    key: 'tools',
    role: 'custom',
    type: 'scale',
    prompt: { de: 'Wie gut unterstützen die Werkzeuge Sie?', en: 'How well do the tools support you?' },
    modes: ['text'],
    required: true,
    scale: { min: 0, max: 10, minLabel: { de: 'gar nicht', en: 'not at all' }, maxLabel: { de: 'voll und ganz', en: 'completely' } },
  } as const;
}

/** "What do you talk through most?" — mail, chat or phone (and "other, namely…" unless told otherwise). */
export function channelChoice(opts: { role?: 'current_practice' | 'custom'; allowOther?: boolean } = {}) {
  return {
    key: 'channel',
    role: opts.role ?? 'current_practice',
    type: 'single',
    prompt: { de: 'Worüber sprechen Sie am meisten?', en: 'What do you talk through most?' },
    modes: ['text'],
    required: true,
    options: [
      { key: 'mail', label: { de: 'E-Mail', en: 'E-mail' } },
      { key: 'chat', label: { de: 'Chat', en: 'Chat' } },
      { key: 'phone', label: { de: 'Telefon', en: 'Phone' } },
    ],
    allowOther: opts.allowOther ?? true,
  } as const;
}

/** "Which devices do you use?" — laptop, smartphone, tablet, "other"; optional. */
export function devicesMulti() {
  return {
    key: 'devices',
    role: 'custom',
    type: 'multi',
    prompt: { de: 'Welche Geräte nutzen Sie?', en: 'Which devices do you use?' },
    modes: ['text'],
    required: false,
    options: [
      { key: 'laptop', label: { de: 'Laptop', en: 'Laptop' } },
      { key: 'phone', label: { de: 'Smartphone', en: 'Smartphone' } },
      { key: 'tablet', label: { de: 'Tablet', en: 'Tablet' } },
    ],
    allowOther: true,
  } as const;
}

/** "What matters most to you?" — rank search, mobile work and training. */
export function prioritiesRanking() {
  return {
    key: 'priorities',
    role: 'custom',
    type: 'ranking',
    prompt: { de: 'Was ist Ihnen am wichtigsten?', en: 'What matters most to you?' },
    modes: ['text'],
    required: true,
    options: [
      { key: 'search', label: { de: 'Suche', en: 'Search' } },
      { key: 'mobile', label: { de: 'Mobil arbeiten', en: 'Mobile work' } },
      { key: 'training', label: { de: 'Schulung', en: 'Training' } },
    ],
  } as const;
}
