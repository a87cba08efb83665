// Internal: the access-tag vocabulary shared by secrets, groups and workload policies.
import * as crypto from 'crypto';
import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { accessNameProblems } from '../../core/aws-names';
import { fail, failOnProblems } from '../../core/errors';
import { GrantMode } from '../grant';
import { UniqueNames } from './unique-names';

/** Read and write actions on a secret. */
export const SECRET_READ_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];
export const SECRET_WRITE_ACTIONS = ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'];
export const ACCESS_TAG_PREFIX = 'keyward:access:';

/** The secret actions of a read or write grant. */
export function secretActions(action: 'read' | 'write'): string[] {
  return action === 'read' ? SECRET_READ_ACTIONS : SECRET_WRITE_ACTIONS;
}

/**
 * Tag keys a workload must never set or remove. IAM matches the tag key of a `ResourceTag/<key>` condition without
 * regard to case, while Secrets Manager tag keys are case-sensitive: `KEYWARD:Access:<id>` would satisfy the read
 * condition on `keyward:access:<id>`. `StringLike` is case-sensitive and has no ignore-case form, so besides
 * `keyward:*` the deny covers every key shaped like `<7 characters>:<6 characters>:…` — all spellings of
 * `keyward:access:…` (and, as a side effect, other keys of that exact shape).
 */
export const DENIED_TAG_KEYS = ['keyward:*', '???????:??????:*'];

/** Where secrets live: one `arn:<partition>:secretsmanager:<region>:<account>:secret:*` pattern. */
export interface SecretScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** One secret as an exact-mode grant names it. */
export interface SecretTarget {
  /** Identity for de-duplication (the construct path). */
  readonly id: string;
  /** ARNs or ARN patterns as IAM must match them: the secret and each replica. */
  readonly arns: string[];
  /** The keys that encrypt the secret and its replicas (empty: aws/secretsmanager). */
  readonly keyArns: string[];
  /** The regions of the secret and its replicas (kms:ViaService). */
  readonly regions: string[];
}

/** Secrets only known at synth (the members of an exact-mode group). */
export interface LazyTargets {
  targets(): SecretTarget[];
}

/** The context key that sets the grant mode app-wide: `exact` (the default) or `tag`. */
export const GRANT_MODE_CONTEXT = '@keyward/grants:mode';
/** The context key that sets IAM's managed-policy quota per role, user or group (default 10). */
export const MANAGED_POLICY_QUOTA_CONTEXT = '@keyward/grants:managedPoliciesPerPrincipal';
/** IAM's default quota of managed policies attached to one role, user or group. */
export const DEFAULT_MANAGED_POLICY_QUOTA = 10;

/** The grant mode: the explicit one, else the app-wide context, else exact. */
export function grantModeOf(scope: IConstruct, explicit: GrantMode | undefined): GrantMode {
  if (explicit !== undefined) {
    return explicit;
  }
  const value = scope.node.tryGetContext(GRANT_MODE_CONTEXT);
  if (value === undefined) {
    return GrantMode.EXACT;
  }
  if (value !== GrantMode.EXACT && value !== GrantMode.TAG) {
    fail(scope, 'grant-mode', `context ${GRANT_MODE_CONTEXT} must be "exact" or "tag" (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** Something (a group) whose scopes and keys are only known at synth. */
export interface LazyScopeSource {
  scopes(): SecretScope[];
  keyArns(): string[];
}

/**
 * Register an access id (workload or group) app-wide so two never share a tag key. Ids are compared ignoring letter
 * case, because IAM matches the tag key of a `ResourceTag/<key>` condition without regard to case: `orders` and
 * `ORDERS` would read each other's secrets. The id keeps the spelling it was given.
 */
export function registerAccessId(scope: IConstruct, id: string, owner: string): void {
  failOnProblems(scope, 'access-name', accessNameProblems(id));
  // Kept in the construct tree (the app's name registry), so two copies of the package in one app share it.
  const ids = UniqueNames.of(scope).accessIds;
  const folded = id.toLowerCase();
  const existing = ids.get(folded);
  if (existing !== undefined && existing.owner !== owner) {
    const spelling = existing.id === id ? '' : ` as "${existing.id}"`;
    fail(scope, 'access-name', `access id "${id}" is already used by ${existing.owner}${spelling}; IAM compares tag keys without regard `
      + 'to letter case, so workload and group names must be unique in the app ignoring letter case');
  }
  ids.set(folded, { id, owner });
}

/** Whether a tag key is in Keyward's reserved namespace (`keyward:` in any letter case, as IAM compares keys). */
export function isReservedTagKey(key: string): boolean {
  return key.toLowerCase().startsWith('keyward:');
}

/** Short stable id from a string. */
export function hashId(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/**
 * The default access id of a workload or group: a hash of where it is deployed — the top-level stack's name and, when
 * known, its account and region — and its construct path. The construct path alone is not enough: two deployments of
 * one app (`orders-dev`, `orders-prod`) in one account have the same paths, and would read each other's secrets.
 */
export function defaultAccessId(construct: IConstruct): string {
  let stack = Stack.of(construct);
  while (stack.nestedStackParent) {
    stack = stack.nestedStackParent;
  }
  const concrete = (v: string) => (Token.isUnresolved(v) ? '' : v);
  return hashId([stack.stackName, concrete(stack.account), concrete(stack.region), construct.node.path].join('\u0000'));
}

/** Whether a principal's account is known to differ from `account` (both concrete). */
export function accountsDiffer(a: string | undefined, b: string): boolean {
  return a !== undefined && !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
}
