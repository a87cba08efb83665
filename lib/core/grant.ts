/**
 * The shared vocabulary of both targets.
 *
 * A **workload** is whoever reads: an IAM role, a Lambda function, an ECS task (AWS); a JWT/OIDC, AppRole,
 * Kubernetes or AWS-IAM identity (Vault). A **grant** is what a workload may do to a secret or a key.
 */
export enum GrantAction {
  /** Read the current value of a secret (and its metadata). */
  READ = 'read',
  /** Write new values of a secret. Does not imply read. */
  WRITE = 'write',
  /** Encrypt with a key. */
  ENCRYPT = 'encrypt',
  /** Decrypt with a key. */
  DECRYPT = 'decrypt',
}

/** Describe a list of actions for messages and docs: `read, write`. */
export function describeActions(actions: GrantAction[]): string {
  return [...new Set(actions)].sort().join(', ');
}
