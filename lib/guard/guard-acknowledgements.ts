import { IConstruct } from 'constructs';
import { KEYWARD_ACK_KEY } from './private/acknowledgements';

/**
 * Acknowledge a guard finding on a construct and everything below it, with a reason. Works on both targets; on AWS
 * `Validations.of(scope).acknowledge({ id, reason })` is equivalent.
 *
 * An acknowledgement with an empty reason does not silence anything: the guard reports it as an error.
 */
export class GuardAcknowledgements {
  /**
   * @param scope the construct (resource, stack, ...) the acknowledgement applies to, with all its children
   * @param ruleId the rule id, e.g. `keyward:plaintext-lambda-environment`
   * @param reason why this finding is acceptable; must not be empty
   */
  public static acknowledge(scope: IConstruct, ruleId: string, reason: string): void {
    scope.node.addMetadata(KEYWARD_ACK_KEY, { [ruleId]: reason });
  }

  private constructor() {}
}
