/**
 * Keyward's own inputs that end up in the output as text (descriptions, tags, rotation reasons, declared-only notes,
 * fixed fields) go through the full detector: the value as a single value under its name, and as free text (a
 * sentence can carry a token, a connection string or `password=...`). Callers pass the literal parts of the input
 * (tokens removed) and fail synthesis on a detection, so nothing secret-looking is copied into the assembly.
 *
 * Target-neutral: no aws-cdk-lib or cdktf imports.
 */
import { Detection, DetectionKind, detectSecret, detectSecretsInText } from './detect';

/**
 * In a sentence, `word: word` is prose ("test secret: rotation is not ..."), not YAML: a name-based hit in free text
 * counts when it is written with `=` or its value is not a plain lower-case word.
 */
function isProseHit(text: string, d: Detection): boolean {
  return d.kind === DetectionKind.SECRET_NAME && /^[a-z]+$/.test(d.secret) && !new RegExp(`=\\s*["']?${d.secret}\\b`).test(text);
}

/** The first secret-looking thing in the literal fragments of an input, or undefined. */
export function detectInInput(fragments: readonly string[], name?: string): Detection | undefined {
  for (const fragment of fragments) {
    const found = detectSecret(fragment, name) ?? detectSecretsInText(fragment).find((d) => !isProseHit(fragment, d));
    if (found) {
      return found;
    }
  }
  return undefined;
}
