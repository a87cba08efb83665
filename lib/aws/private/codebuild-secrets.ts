// Internal: CodeBuild SECRETS_MANAGER environment variables that name a Keyward secret get the Keyward read grant.
//
// aws-cdk-lib's CodeBuild project does not call a grant method for a SECRETS_MANAGER variable: it writes
// secretsmanager:GetSecretValue on the secret into the project role's default policy itself, and no key use, so a
// build reading a secret encrypted with a customer-managed Keyward key fails at start. An aspect, registered once per
// app by the first Keyward secret, finds every CodeBuild project whose SECRETS_MANAGER variables name a Keyward secret
// (its ARN by reference, its name, or its ARN as a literal, with or without a JSON key) and grants the project read of
// that secret through its Keyward workload policy, as `secret.grantRead(project)` would.
import { Aspects, CfnResource, IAspect, Stack, Token } from 'aws-cdk-lib';
import type * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { UniqueNames } from './unique-names';

/** What the aspect needs of a Keyward secret. */
export interface CodeBuildReadable extends IConstruct {
  readonly resource: CfnResource;
  grantRead(grantee: iam.IGrantable): iam.Grant;
  /** @internal */
  _givenName(): string | undefined;
}

const PROJECT_TYPE = 'AWS::CodeBuild::Project';

class CodeBuildSecretsAspect implements IAspect {
  constructor(private readonly registry: UniqueNames) {}

  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || node.cfnResourceType !== PROJECT_TYPE) {
      return;
    }
    const project = node.node.scope as (IConstruct & Partial<iam.IGrantable>) | undefined;
    if (project?.grantPrincipal === undefined) {
      return;
    }
    const stack = Stack.of(node);
    const environment = stack.resolve((node as unknown as codebuild.CfnProject).environment) as
      { environmentVariables?: { type?: string; value?: unknown }[] } | undefined;
    const values = (environment?.environmentVariables ?? []).filter(v => v.type === 'SECRETS_MANAGER').map(v => v.value);
    if (values.length === 0) {
      return;
    }
    for (const secret of this.registry.secrets as CodeBuildReadable[]) {
      if (values.some(v => names(stack, secret, v))) {
        secret.grantRead(project as iam.IGrantable);
      }
    }
  }
}

/** Whether a SECRETS_MANAGER variable value (resolved) names `secret`: `<arn or name>[:<json key>[:…]]`. */
function names(stack: Stack, secret: CodeBuildReadable, value: unknown): boolean {
  if (Stack.of(secret) === stack && JSON.stringify(value).includes(JSON.stringify({ Ref: stack.resolve(secret.resource.logicalId) }))) {
    return true;
  }
  const name = secret._givenName();
  if (typeof value !== 'string' || name === undefined || Token.isUnresolved(name)) {
    return false;
  }
  const resource = value.startsWith('arn:') ? value.split(':').slice(6).join(':') : value;
  const head = resource.split(':')[0];
  return head === name || (value.startsWith('arn:') && /^-[A-Za-z0-9]{6}$/.test(head.slice(name.length)) && head.startsWith(name));
}

/** Register `secret` for the app's CodeBuild aspect (added to the app root once). */
export function registerForCodeBuild(secret: CodeBuildReadable): void {
  const registry = UniqueNames.of(secret);
  registry.secrets.push(secret);
  if (!registry.codeBuildAspect) {
    registry.codeBuildAspect = true;
    Aspects.of(registry.node.root).add(new CodeBuildSecretsAspect(registry));
  }
}
