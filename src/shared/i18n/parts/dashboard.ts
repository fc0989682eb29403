/**
 * Dashboard texts, German and English side by side (merged into the main dictionaries by de.ts/en.ts).
 * A feature keeps its own part so parallel work on several features does not edit one file.
 */
export const dashboardDe = {} as const;

export const dashboardEn: Record<keyof typeof dashboardDe, string> = {};
