/**
 * Media texts, German and English side by side (merged into the main dictionaries by de.ts/en.ts).
 * A feature keeps its own part so parallel work on several features does not edit one file.
 */
export const mediaDe = {} as const;

export const mediaEn: Record<keyof typeof mediaDe, string> = {};
