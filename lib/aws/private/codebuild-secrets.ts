// Internal: CodeBuild SECRETS_MANAGER environment variables that name a Keyward secret get the Keyward read grant.
//
// aws-cdk-lib's CodeBuild project does not call a grant method for a SECRETS_MANAGER variable: it writes
// secretsmanager:GetSecretValue on the secret into the project role's default policy itself, and no key use, so a
// build reading a secret encrypted with a customer-managed Keyward key fails at start. An aspect, registered once per
// app by the first Keyward secret, finds every CodeBuild project whose SECRETS_MANAGER variables name a Keyward secret
// and grants the project read of that secret through its Keyward workload policy, as `secret.grantRead(project)` would.
// A variable names a secret when its value is the secret's `secretArn` (the same token: any stack, nested or not, an
// attachment or an import), optionally followed by `:<json key>…`; or, as a literal, the secret's name or partial ARN
// in the same partition, account and region. A complete ARN literal is never matched: a name ending in `-` and 6
// characters cannot be told apart from another secret's partial ARN.
import { Aspects, CfnResource, IAspect, Stack, Token } from 'aws-cdk-lib';
import type * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import type { SecretScope } from './access';
import { UniqueNames } from './unique-names';

/** What the aspect needs of a Keyward secret. */
export interface CodeBuildReadable extends IConstruct {
  readonly secretArn: string;
  grantRead(grantee: iam.IGrantable): iam.Grant;
  /** @internal The concrete name, if known. */
  _givenName(): string | undefined;
  /** @internal Where the secret lives. */
  _home(): SecretScope;
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
    // The property as the project set it (strings with their tokens), else resolved.
    const raw = (node as unknown as codebuild.CfnProject).environment;
    const environment = (Token.isUnresolved(raw) ? stack.resolve(raw) : raw) as
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

/** Whether a SECRETS_MANAGER variable value names `secret` (see the file comment). */
function names(projectStack: Stack, secret: CodeBuildReadable, value: unknown): boolean {
  if (typeof value !== 'string') {
    return false;
  }
  if (value === secret.secretArn || value.startsWith(`${secret.secretArn}:`)) {
    return true;
  }
  const name = secret._givenName();
  if (Token.isUnresolved(value) || name === undefined || Token.isUnresolved(name)) {
    return false;
  }
  const home = secret._home();
  if (value.startsWith('arn:')) {
    const p = value.split(':');
    return p.length >= 7 && p[2] === 'secretsmanager' && p[5] === 'secret' && p[6] === name
      && p[1] === home.partition && p[3] === home.region && p[4] === home.account;
  }
  const sameStack = projectStack === Stack.of(secret);
  const concrete = [projectStack.account, projectStack.region, home.account, home.region].every(x => !Token.isUnresolved(x));
  if (!sameStack && !(concrete && projectStack.account === home.account && projectStack.region === home.region)) {
    return false;
  }
  return value.split(':')[0] === name;
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
