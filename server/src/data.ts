/**
 * Guards for the untyped data YAML parses into: the core reads `spec` fields through these
 * instead of casting, so a wrong shape in a user's file is skipped, never trusted.
 */

/** A mapping (not null, not a list). */
export const isRecord = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The items of a list field, or nothing when it is absent or not a list. */
export function listOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A non-empty string field, or undefined. */
export function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
