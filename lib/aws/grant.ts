import { CfnResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import type { WorkloadPolicy } from './workload-policy';

/** A resource tag Keyward set so that a workload's attribute-based statement matches the resource. */
export interface AccessTag {
  /** Tag key, `keyward:access:<workload or group id>`. */
  readonly key: string;
  /** Tag value: `read`, `write`, `read-write` (workload tags) or `member` (group tags). */
  readonly value: string;
}

/** Where a grant was recorded. */
export interface KeywardGrantProps {
  /** The principal that received the grant. */
  readonly principal: iam.IPrincipal;
  /** The IAM actions granted. */
  readonly actions: string[];
  /** The ARNs (or ARN patterns, `<name>-??????` for named secrets and partial/name imports) the grant is about. */
  readonly resourceArns: string[];
  /**
   * The workload's managed policy that carries the grant.
   * @default - none: the grant went to resource policies (a principal in another account)
   */
  readonly policy?: WorkloadPolicy;
  /**
   * The Sids of the statements in the workload policy that carry this grant.
   * @default - none
   */
  readonly statementIds?: string[];
  /**
   * The tag set on the resource for attribute-based access.
   * @default - no tag (exact-mode grants, imported resources and keys are granted by exact ARN)
   */
  readonly resourceTag?: AccessTag;
  /**
   * Statements added to resource policies (secret resource policy, key policy) for a principal in another account.
   * @default - none
   */
  readonly resourceStatements?: iam.PolicyStatement[];
}

/**
 * What a Keyward grant added, for callers and tests to inspect (the Keyward counterpart of `iam.Grant`).
 *
 * A Keyward grant is never dropped: when something cannot be granted correctly the call throws instead.
 */
export class KeywardGrant {
  /** The principal that received the grant. */
  public readonly principal: iam.IPrincipal;
  /** The IAM actions granted. */
  public readonly actions: string[];
  /** The ARNs (or ARN patterns) the grant is about. */
  public readonly resourceArns: string[];
  /** The workload policy that carries the grant, if any. */
  public readonly policy?: WorkloadPolicy;
  /** Sids of the workload-policy statements that carry the grant. */
  public readonly statementIds: string[];
  /** The access tag set on the resource, if any. */
  public readonly resourceTag?: AccessTag;
  /** Statements added to resource policies (cross-account grants). */
  public readonly resourceStatements: iam.PolicyStatement[];

  constructor(props: KeywardGrantProps) {
    this.principal = props.principal;
    this.actions = props.actions;
    this.resourceArns = props.resourceArns;
    this.policy = props.policy;
    this.statementIds = props.statementIds ?? [];
    this.resourceTag = props.resourceTag;
    this.resourceStatements = props.resourceStatements ?? [];
  }

  /** Whether the grant went to another account's principal through resource policies. */
  public get crossAccount(): boolean {
    return this.policy === undefined;
  }

  /**
   * Make the CloudFormation resources under `constructs` wait for the policy that carries this grant (e.g. a
   * function or task definition that reads the secret at start). The role the policy is attached to is skipped:
   * the policy already references it.
   */
  public applyBefore(...constructs: IConstruct[]): void {
    const policy = this.policy;
    if (!policy) {
      return;
    }
    // The role (the default child of an ancestor of the policy) and the policy itself must not wait for it.
    const skip = new Set<IConstruct>([...policy.node.scopes.map(s => s.node.defaultChild), ...policy.node.findAll()]
      .filter((x): x is IConstruct => x !== undefined));
    for (const c of constructs) {
      for (const child of c.node.findAll()) {
        if (CfnResource.isCfnResource(child) && !skip.has(child)) {
          child.node.addDependency(policy.resource);
        }
      }
    }
  }
}

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
