/**
 * Written reasons for opting out of a safe default (declined rotation, Vault's default policy, a GitHub role without
 * a ref). A reason is a decision someone can read later, so only visible characters count: zero-width and other
 * format characters, separators and whitespace do not.
 */

/** Shortest written reason for an opt-out. */
export const MIN_REASON = 20;

/** Number of visible characters in `text` (format characters such as U+200B, separators and whitespace removed). */
export function visibleLength(text: string): number {
  return [...text.replace(/[\p{Cf}\p{Z}\p{Cc}\s]/gu, '')].length;
}

/** Problem with a written reason (`what` names the prop), or undefined when it has at least MIN_REASON visible characters. */
export function reasonProblem(what: string, reason: string, saying: string): string | undefined {
  return visibleLength(reason) >= MIN_REASON
    ? undefined
    : `${what} must say ${saying} (at least ${MIN_REASON} visible characters; whitespace and invisible characters do not count)`;
}
