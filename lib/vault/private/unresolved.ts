import { IConstruct } from 'constructs';
import { Token } from 'cdktf';
import { fail } from '../../core/errors';

/** Why a binding value must be literal. */
export function unresolvedMessage(what: string): string {
  return `${what} is a Terraform reference or variable: a value known only at apply skips every check of the binding `
    + '(a "*" would let anyone log in); give it as a literal';
}

/**
 * Refuse a Terraform reference or variable in a value that decides who logs in (claims, audiences, service accounts,
 * namespaces, ARNs): Keyward can only check what it can read at synth.
 */
export function refuseUnresolved(scope: IConstruct, what: string, values: Array<string | undefined>): void {
  if (values.some((v) => v !== undefined && Token.isUnresolved(v))) {
    fail(scope, 'binding-unresolved', unresolvedMessage(what));
  }
}
