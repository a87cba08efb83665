/**
 * How a workload's policy names the secrets it may use.
 *
 * Set per workload (`WorkloadPolicy.of(role, { grantMode })`), per group (`SecretGroup` prop `grantMode`), or app-wide
 * with the context key `@keyward/grants:mode` (`exact` or `tag`).
 */
export enum GrantMode {
  /**
   * The policy lists the exact secrets (`arn:…:secret:<name>-??????`, or the secret's ARN), and the KMS statement's
   * `kms:EncryptionContext:SecretARN` lists the same. Only a change of the policy itself (IAM permissions) can widen it.
   * One managed policy holds about 6,144 characters: see docs/grants.md for how many secrets fit.
   */
  EXACT = 'exact',
  /**
   * One constant-size statement matches every secret of the account and region tagged `keyward:access:<id>`. Whoever
   * may tag secrets in the account can change access: Keyward secrets deny `keyward:*` tag changes outside the
   * deployment path, and docs/grants.md ships an SCP for the rest of the account.
   */
  TAG = 'tag',
}
