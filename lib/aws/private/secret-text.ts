// Internal: the literal text of values Keyward copies into the output, checked with the full detector.
import { Token, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { maskSecret } from '../../core/detect';
import { detectInInput } from '../../core/detect-inputs';
import { fail } from '../../core/errors';

/**
 * Fail when a text Keyward copies into the template or the assembly (a description, a tag, a rotation reason, a note)
 * looks like it holds a secret (the full detector, on its literal parts).
 */
export function assertNoSecretText(scope: IConstruct, what: string, value: string | undefined, name?: string): void {
  const found = value === undefined ? undefined : detectInInput(literalFragments(value), name);
  if (found) {
    fail(scope, 'plaintext-value', `${what} looks like it holds a secret (${found.label}: ${maskSecret(found.secret)}); it is copied `
      + 'into the template or the cloud assembly in clear: remove the secret from it');
  }
}

/** The literal text of a string around its tokens (the whole string when it has none). */
export function literalFragments(value: string): string[] {
  if (!Token.isUnresolved(value)) {
    return [value];
  }
  const separator = '\u0000';
  const joined = Tokenization.reverseString(value)
    .mapTokens({ mapToken: () => separator })
    .join({ join: (left: unknown, right: unknown) => `${left}${right}` });
  return String(joined).split(separator).filter(f => f.length > 0);
}
