import { IConstruct } from 'constructs';

/**
 * Thrown when Keyward input breaks a rule. The message always names the construct path and the rule id,
 * e.g. `payments/Db: secret name "db-AbC123" ends with "-" and 6 characters, which breaks partial-ARN lookups [keyward:secret-name]`.
 *
 * Not part of the jsii surface: callers see it as an ordinary Error.
 */
export class KeywardValidationError extends Error {
  public readonly constructPath: string;
  public readonly rule: string;

  constructor(constructPath: string, rule: string, message: string) {
    super(`${constructPath || '<root>'}: ${message} [keyward:${rule}]`);
    this.name = 'KeywardValidationError';
    this.constructPath = constructPath;
    this.rule = rule;
  }
}

/** Format a rule violation the same way as {@link KeywardValidationError}, for `node.addValidation` results. */
export function formatViolation(scope: IConstruct, rule: string, message: string): string {
  return `${scope.node.path || '<root>'}: ${message} [keyward:${rule}]`;
}

/** Throw a {@link KeywardValidationError} for `scope`. */
export function fail(scope: IConstruct, rule: string, message: string): never {
  throw new KeywardValidationError(scope.node.path, rule, message);
}

/** Throw the first problem of a list (as returned by the pure validators in `lib/core`), if any. */
export function failOnProblems(scope: IConstruct, rule: string, problems: string[]): void {
  if (problems.length > 0) {
    fail(scope, rule, problems.join('; '));
  }
}
