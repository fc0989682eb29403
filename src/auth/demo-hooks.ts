import type { Role } from './user.model.js';

/**
 * What the sign-up pages need from the demo campaign (src/demo/demo.ts), passed in by app.ts so
 * that accounts — low in the layers — do not import the demo, which is built from campaigns,
 * responses and accounts.
 */
export interface DemoHooks {
  /** Whether the demo campaign exists (the setup page then offers nothing to tick). */
  loaded(): Promise<boolean>;
  /** Loads the demo, owned by `owner`. */
  load(opts: { owner?: { id: string; role: Role } }): Promise<unknown>;
  /** A new account joins the demo when it is the first admin/lead; returns what it became. */
  adopt(user: { id: string; role: Role }): Promise<'owner' | 'coLead' | null>;
}
