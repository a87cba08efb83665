// Internal: decide whether a grantee is in another account than the resource it is granted.
import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { principalArnProblems } from '../../core/aws-names';
import { fail, failOnProblems } from '../../core/errors';

/** A principal in another account, by ARN. */
export interface ForeignPrincipal {
  readonly arn: string;
  readonly account: string;
}

/**
 * The grantee as a principal of another account than `ownerAccount`, or undefined when it is in the same account.
 * Throws when it cannot be decided (the owner's stack has no concrete account but the principal has one).
 */
export function crossAccountPrincipal(grantee: iam.IGrantable, ownerAccount: string, scope: IConstruct): ForeignPrincipal | undefined {
  const principal = grantee.grantPrincipal;
  const account = principal.principalAccount;
  if (account === undefined || Token.isUnresolved(account)) {
    return undefined;
  }
  if (Token.isUnresolved(ownerAccount)) {
    fail(scope, 'cross-account', `cannot tell whether the principal in account ${account} is in this stack's account; give the stack an explicit env.account`);
  }
  if (account === ownerAccount) {
    return undefined;
  }
  if (Object.keys(principal.policyFragment.conditions).length > 0) {
    fail(scope, 'cross-account', `the principal in account ${account} carries conditions (${Object.keys(principal.policyFragment.conditions).join(', ')}), `
      + 'which Keyward does not carry into the resource and key policies it writes for another account; a grant without them would be wider '
      + 'than asked: grant the principal without conditions, or write the statement yourself');
  }
  const json = Stack.of(scope).resolve(principal.policyFragment.principalJson) as { AWS?: string | string[] };
  const arns = json.AWS === undefined ? [] : Array.isArray(json.AWS) ? json.AWS : [json.AWS];
  const arn = arns.length === 1 && typeof arns[0] === 'string' ? arns[0] : undefined;
  if (arn === undefined || Token.isUnresolved(arn) || /^\d{12}$/.test(arn) === false && !arn.startsWith('arn:')) {
    fail(scope, 'cross-account', `the principal in account ${account} has no concrete role ARN; import it with iam.Role.fromRoleArn`);
  }
  const full = /^\d{12}$/.test(arn) ? `arn:${Stack.of(scope).partition}:iam::${arn}:root` : arn;
  if (!Token.isUnresolved(full)) {
    failOnProblems(scope, 'cross-account', principalArnProblems(full));
  }
  return { arn: full, account };
}

/**
 * Throw, naming `resource`, when `grantee` can carry neither a Keyward workload policy (an IAM role, user or group
 * construct of this app) nor a resource-policy statement (a principal of another account): e.g. a service principal.
 */
export function assertWorkloadPrincipal(resource: IConstruct, grantee: iam.IGrantable, action: string): void {
  const principal = grantee.grantPrincipal;
  if (Construct.isConstruct(principal) || crossAccountPrincipal(grantee, Stack.of(resource).account, resource)) {
    return;
  }
  const json = JSON.stringify(Stack.of(resource).resolve(principal.policyFragment.principalJson));
  fail(resource, 'workload-principal', `cannot grant ${action} to ${json}: it is not an IAM role, user or group construct of this app, `
    + 'so it cannot carry a Keyward workload policy (grant the role the service uses instead, e.g. the role of the function or task; '
    + 'for a principal in another account, use a role imported with iam.Role.fromRoleArn)');
}

/**
 * The role or user of this app that a principal which is not itself a construct stands for (aws-cdk-lib's
 * `kms.ViaServicePrincipal(service, role)`, `PrincipalWithConditions`), with the conditions it carries — read from the
 * principal's public policy fragment: its one AWS principal is `Fn::GetAtt <logical id>.Arn` of an `AWS::IAM::Role` or
 * `AWS::IAM::User` of the app, resolved in that resource's own stack (nested stacks too), whose construct is its own
 * grant principal. Undefined for anything else (an account root, a service, a role given only by ARN).
 */
export function appIdentityBehind(principal: iam.IPrincipal, scope: IConstruct): { identity: iam.IGrantable; conditions: iam.Conditions } | undefined {
  const fragment = principal.policyFragment;
  // Every role and user of the app, each resolved in its own stack (a nested stack's role included).
  for (const c of scope.node.root.node.findAll()) {
    if (!CfnResource.isCfnResource(c) || (c.cfnResourceType !== 'AWS::IAM::Role' && c.cfnResourceType !== 'AWS::IAM::User')) {
      continue;
    }
    const stack = Stack.of(c);
    const json = stack.resolve(fragment.principalJson) as { [k: string]: unknown };
    if (Object.keys(json).length !== 1 || json.AWS === undefined) {
      return undefined;
    }
    const aws = Array.isArray(json.AWS) ? (json.AWS.length === 1 ? json.AWS[0] : undefined) : json.AWS;
    const getAtt = (aws as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
    if (!Array.isArray(getAtt) || getAtt[1] !== 'Arn' || stack.resolve(c.logicalId) !== getAtt[0]) {
      continue;
    }
    const owner = c.node.scope as (IConstruct & Partial<iam.IGrantable>) | undefined;
    // The role or user construct itself (its own grant principal), never another principal that happens to hold it.
    if (owner === undefined || (owner.grantPrincipal as unknown) !== owner) {
      return undefined;
    }
    return { identity: owner as iam.IGrantable, conditions: fragment.conditions };
  }
  return undefined;
}

/**
 * A resolved CloudFormation string (a literal, or an Fn::Join of literals and Refs) as text, each Ref as `{AWS.Name}`
 * (no colon, so an ARN still splits on its colons); undefined for anything else.
 */
export function flattenCfnString(v: unknown): string | undefined {
  if (typeof v === 'string') {
    return v;
  }
  const o = v as { Ref?: unknown; 'Fn::Join'?: unknown } | undefined;
  if (o && typeof o.Ref === 'string') {
    return `{${o.Ref.replace(/::/g, '.')}}`;
  }
  const join = o?.['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1].map(flattenCfnString);
    return parts.every(p => p !== undefined) ? parts.join(join[0]) : undefined;
  }
  return undefined;
}
