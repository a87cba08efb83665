// Internal: find aws-cdk-lib SecretValues whose protected value is a literal (SecretValue.unsafePlainText) inside any
// value handed to Keyward. Such a value would be written to the template in clear.
import { SecretValue, Token, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { fail } from '../../core/errors';

/**
 * Whether a SecretValue is a reference resolved at deploy time: exactly one token (what SecretValue.secretsManager,
 * ssmSecure, cfnParameter and cfnDynamicReference produce), with no literal text around or between tokens. A value
 * that merely contains a token (`unsafePlainText(JSON.stringify({ host: token, password: 'literal' }))`) would write
 * its literal parts into the template, so it is not a reference.
 */
function isReference(value: SecretValue, depth = 0): boolean {
  const raw = (value as unknown as { rawValue?: unknown }).rawValue;
  if (depth > 10 || raw === undefined || raw === null || !Token.isUnresolved(raw)) {
    return false;
  }
  let token: unknown = raw;
  if (typeof raw === 'string') {
    const fragments = Tokenization.reverseString(raw);
    if (fragments.length !== 1 || fragments.firstToken === undefined) {
      return false;
    }
    token = fragments.firstToken;
  }
  // A token that is itself a SecretValue must be a reference too.
  return SecretValue.isSecretValue(token) ? isReference(token, depth + 1) : true;
}

/** Throw when `value` (a string, SecretValue, or structure of them) embeds a SecretValue that is not exactly one reference. */
export function assertNoPlaintext(scope: IConstruct, what: string, value: unknown): void {
  for (const sv of secretValuesIn(value)) {
    if (!isReference(sv)) {
      fail(scope, 'plaintext-value', `${what} is a SecretValue.unsafePlainText or mixes literal text with tokens, which would write `
        + 'the secret into the template; a reference SecretValue must be exactly one deploy-time reference (SecretValue.secretsManager, '
        + 'ssmSecure, cfnParameter or cfnDynamicReference), or generate the value, or set it out of band');
    }
  }
}

function secretValuesIn(value: unknown): SecretValue[] {
  if (value === undefined || value === null) {
    return [];
  }
  if (SecretValue.isSecretValue(value)) {
    return [value];
  }
  if (typeof value === 'string') {
    if (!Token.isUnresolved(value)) {
      return [];
    }
    return Tokenization.reverseString(value).tokens.flatMap(t => secretValuesIn(t));
  }
  if (Array.isArray(value)) {
    return value.flatMap(secretValuesIn);
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value as object).flatMap(secretValuesIn);
  }
  return [];
}
