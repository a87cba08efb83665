// Internal: Keyward grants as aws-cdk-lib `iam.Grant` objects.
//
// Every same-account grant is first recorded in the workload's Keyward policy (WorkloadPolicy._allow*), which renders
// its own compact statements. The `iam.Grant` returned to the caller is then made by `iam.Grant.addToPrincipal` through
// a principal that stands for that policy: its `addToPrincipalPolicy` accepts the statement describing the grant and
// answers with the policy as the dependable, so `success`, `assertSuccess()`, `principalStatements` and
// `applyBefore()` behave as aws-cdk-lib's own grants do — and nothing reaches the role's default policy.
import { CfnResource, ResourceEnvironment, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct, IDependable } from 'constructs';
import type { WorkloadPolicy } from '../workload-policy';

/** What one grant allows, as a statement on the principal's side. */
export interface GrantedStatement {
  readonly actions: string[];
  readonly resources: string[];
  readonly conditions?: { [operator: string]: { [key: string]: unknown } };
}

/** A principal whose policy is the workload's Keyward policy. */
class KeywardPolicyPrincipal extends iam.PrincipalBase {
  public readonly policyFragment: iam.PrincipalPolicyFragment;
  public readonly principalAccount: string | undefined;

  constructor(private readonly policy: WorkloadPolicy, principal: iam.IPrincipal) {
    super();
    this.policyFragment = principal.policyFragment;
    this.principalAccount = principal.principalAccount;
  }

  public addToPrincipalPolicy(_statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    // The statement describes what the WorkloadPolicy._allow* call before it recorded in the policy.
    return { statementAdded: true, policyDependable: this.policy };
  }

  public dedupeString(): string | undefined {
    return undefined;
  }
}

/** An `iam.Grant` for statements already recorded in `policy`. */
export function policyGrant(policy: WorkloadPolicy, statements: GrantedStatement[]): iam.Grant {
  const grantee: iam.IGrantable = { grantPrincipal: new KeywardPolicyPrincipal(policy, policy.principal) };
  return combine(statements.map(s => iam.Grant.addToPrincipal({ grantee, actions: s.actions, resourceArns: s.resources, conditions: s.conditions })));
}

/**
 * A resource policy Keyward renders itself (a secret's resource policy, a key policy), as aws-cdk-lib's grant
 * bookkeeping needs it: `addToResourcePolicy` accepts the statement already recorded and answers with `dependable`.
 */
class RecordedResourcePolicy implements iam.IResourceWithPolicyV2 {
  public readonly env: ResourceEnvironment;

  constructor(owner: IConstruct, private readonly dependable: IDependable) {
    const stack = Stack.of(owner);
    this.env = { account: stack.account, region: stack.region };
  }

  public addToResourcePolicy(_statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    return { statementAdded: true, policyDependable: this.dependable };
  }
}

/** An `iam.Grant` for a resource-policy statement already recorded on `owner` (cross-account grants). */
export function resourcePolicyGrant(grantee: iam.IGrantable, owner: IConstruct, dependable: IDependable,
  statement: iam.PolicyStatement, resources: string[]): iam.Grant {
  const resource = new RecordedResourcePolicy(owner, dependable);
  return iam.Grant.addStatementToResourcePolicy({ grantee, actions: statement.actions, resourceArns: resources, resource, statement });
}

/** One grant of several. */
export function combine(grants: iam.Grant[]): iam.Grant {
  return grants.reduce((a, b) => a.combine(b));
}

/**
 * Make the CloudFormation resources under `constructs` wait for `policy` (e.g. a function or task definition that
 * reads the secret at start). The role the policy is attached to, and the policy itself, are skipped: the policy
 * already references the role, and `grant.applyBefore(fn)` on a function that contains its role would make a cycle.
 */
export function dependOnPolicy(policy: WorkloadPolicy, ...constructs: IConstruct[]): void {
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

/** The statements that describe reading or writing `target`: the secret actions, and the key use through Secrets Manager. */
export function secretGrantStatements(action: 'read' | 'write', actions: string[], target: { arns: string[]; keyArns: string[]; regions: string[] },
  tag?: { key: string; values: string[]; resources: string[] }): GrantedStatement[] {
  const secret: GrantedStatement = tag
    ? { actions, resources: tag.resources, conditions: { StringEquals: { [`aws:ResourceTag/${tag.key}`]: tag.values } } }
    : { actions, resources: target.arns };
  if (target.keyArns.length === 0) {
    return [secret];
  }
  return [secret, {
    actions: action === 'write' ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
    resources: [...new Set(target.keyArns)],
    conditions: {
      StringEquals: { 'kms:ViaService': [...new Set(target.regions)].map(r => `secretsmanager.${r}.amazonaws.com`) },
      StringLike: { 'kms:EncryptionContext:SecretARN': tag ? tag.resources : target.arns },
    },
  }];
}
