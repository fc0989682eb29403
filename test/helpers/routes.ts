import type { Express } from 'express';

export interface RouteInfo {
  method: string;
  path: string;
}

/** Every route the app serves, with its full path, found by walking the router stacks. */
export function allRoutes(app: Express): RouteInfo[] {
  const out: RouteInfo[] = [];
  type Layer = { rawPath?: unknown; route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const join = (a: string, b: string) => (a + (b === '/' ? '' : b)).replace(/\/+/g, '/') || '/';
  const walk = (stack: Layer[], prefixes: string[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const p of prefixes) for (const m of Object.keys(layer.route.methods)) out.push({ method: m, path: join(p, layer.route.path) });
      } else if (layer.handle?.stack) {
        const raw = layer.rawPath;
        const mounts = Array.isArray(raw) ? raw.map(String) : [typeof raw === 'string' ? raw : '/'];
        walk(layer.handle.stack, prefixes.flatMap((p) => mounts.map((m) => join(p, m))));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, ['']);
  // The same route can be reached through two mounts of one router (the API's Bearer lane and
  // the cookie lane): list it once.
  const seen = new Set<string>();
  return out.filter((r) => {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
