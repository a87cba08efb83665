// Internal: find aws-cdk-lib SecretValues whose protected value is a literal (SecretValue.unsafePlainText) inside any
// value handed to Keyward. Such a value would be written to the template in clear.
import { SecretValue, Token, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { fail } from '../../core/errors';

/** Whether a SecretValue holds a literal rather than a reference resolved at deploy time. */
function isPlaintextSecretValue(value: SecretValue): boolean {
  const raw = (value as unknown as { rawValue?: unknown }).rawValue;
  return !containsToken(raw);
}

function containsToken(raw: unknown): boolean {
  if (raw === undefined || raw === null) {
    return false;
  }
  if (Token.isUnresolved(raw)) {
    return true;
  }
  if (typeof raw === 'object' && Object.getPrototypeOf(raw) === Object.prototype) {
    return Object.values(raw as object).some(containsToken);
  }
  return false;
}

/** Throw when `value` (a string, SecretValue, or structure of them) embeds a plaintext SecretValue. */
export function assertNoPlaintext(scope: IConstruct, what: string, value: unknown): void {
  for (const sv of secretValuesIn(value)) {
    if (isPlaintextSecretValue(sv)) {
      fail(scope, 'plaintext-value', `${what} is a SecretValue.unsafePlainText, which would write the secret into the template; `
        + 'generate the value, reference it (SecretValue.secretsManager, a noEcho CfnParameter) or set it out of band');
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
