import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, base64url (43 characters): the raw personal-link token, never stored. */
export function newParticipantToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * SHA-256 of a token, base64url. A plain (unsalted) hash is enough: the tokens are random with
 * 256 bits of entropy, so there is nothing to brute-force, and an unsalted hash can be looked up
 * with one indexed query.
 */
export function hashParticipantToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/**
 * What a device's claim on a participant is keyed by: a hash of the device's resume cookie with
 * its own prefix, so it cannot be matched to the response's key (`d:<sha256(resume cookie)>`)
 * without the cookie itself.
 */
export function claimKeyFor(resumeToken: string): string {
  return createHash('sha256').update(`participant-claim:${resumeToken}`, 'utf8').digest('base64url');
}

/** The name of the cookie `/p/:token` sets (path `/r/<publicToken>`, raw token inside). */
export const PARTICIPANT_COOKIE = 'wv_participant';
