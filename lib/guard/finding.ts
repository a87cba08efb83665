/** One problem found by a guard. Never carries the offending value itself, only a masked form of it. */
export interface Finding {
  /** Rule id, e.g. `keyward:plaintext-lambda-environment`. Acknowledge findings with this id. */
  readonly ruleId: string;
  /** One-line description of the rule. */
  readonly description: string;
  /** Construct path of the resource (or parameter, output, Terraform block) holding the value. */
  readonly constructPath: string;
  /** Where inside that element, e.g. `Properties.Environment.Variables.DB_PASSWORD`. */
  readonly propertyPath: string;
  /** What was detected, e.g. `AWS access key id`. */
  readonly detail: string;
  /** The value, masked: at most a short prefix and its length. */
  readonly maskedValue: string;
  /** How to fix it. */
  readonly fix: string;
}
