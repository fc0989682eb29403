/**
 * The one line `npm start` prints for a person at a terminal (the JSON log lines stay for
 * machines): where to open the app, and what to do there first.
 */
export function startLine(opts: { host: string; port: number; publicBaseUrl?: string; users: number }): string {
  const host = opts.host === '0.0.0.0' || opts.host === '::' || opts.host === '' ? 'localhost' : opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const base = opts.publicBaseUrl ?? `http://${host}:${opts.port}`;
  return opts.users === 0
    ? `Workplace Voice is running: open ${base}/lead to create the first admin (Ctrl-C stops it).`
    : `Workplace Voice is running: open ${base}/lead to sign in (Ctrl-C stops it).`;
}
