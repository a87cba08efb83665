// Internal: the size of a policy document as AWS counts it, measured at synth on the resolved document.
//
// AWS limits policies after CloudFormation has replaced every intrinsic by its value, so measuring the template's
// JSON (`{"Ref":"AWS::Partition"}` is longer than `aws`, `{"Fn::GetAtt":[...]}` shorter than a key ARN) is wrong in
// both directions. Each intrinsic is replaced by a realistic value of what it names: the stack's own account, region
// and partition when concrete (else the longest common values: a 12-digit account, a 14-character region, `aws`), a
// key ARN for a key, a secret ARN with a CloudFormation-generated name for a secret, and for anything Keyward cannot
// see (a parameter, an import) a secret ARN with a 40-character name, the longest value Keyward passes between stacks.
import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** IAM's limit of a customer-managed policy: characters, whitespace not counted. */
export const MANAGED_POLICY_MAX_CHARS = 6144;
/** KMS's limit of a key policy: bytes. */
export const KEY_POLICY_MAX_BYTES = 32768;
/** Secrets Manager's limit of a resource policy: characters. */
export const SECRET_POLICY_MAX_CHARS = 20480;

const typesByStack = new WeakMap<Stack, Map<string, string>>();

/** Logical id → resource type of every CloudFormation resource of `stack` (computed once, at validation). */
function resourceTypes(stack: Stack): Map<string, string> {
  let types = typesByStack.get(stack);
  if (!types) {
    types = new Map();
    for (const c of stack.node.findAll()) {
      if (CfnResource.isCfnResource(c) && Stack.of(c) === stack) {
        types.set(stack.resolve(c.logicalId) as string, c.cfnResourceType);
      }
    }
    typesByStack.set(stack, types);
  }
  return types;
}

interface Environment {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly types: Map<string, string>;
}

function environment(stack: Stack): Environment {
  const concrete = (v: string, fallback: string) => (Token.isUnresolved(v) ? fallback : v);
  return {
    account: concrete(stack.account, '123456789012'),
    region: concrete(stack.region, 'ap-southeast-1'),
    partition: concrete(stack.partition, 'aws'),
    types: resourceTypes(stack),
  };
}

function secretArn(env: Environment, name: string): string {
  return `arn:${env.partition}:secretsmanager:${env.region}:${env.account}:secret:${name}-AbCdEf`;
}

function refValue(env: Environment, name: string): string {
  switch (name) {
    case 'AWS::AccountId': return env.account;
    case 'AWS::Region': return env.region;
    case 'AWS::Partition': return env.partition;
    case 'AWS::URLSuffix': return 'amazonaws.com';
  }
  switch (env.types.get(name)) {
    case 'AWS::SecretsManager::Secret': return secretArn(env, `${name.slice(0, 40)}-AbCdEfGhIjKl`);
    case 'AWS::KMS::Key': return '0b9e5a2c-1f3d-4e5a-9b8c-7d6e5f4a3b2c';
    case 'AWS::IAM::Role': return name.slice(0, 64);
    case undefined: return secretArn(env, 'x'.repeat(40));
    default: return `${name}-physical-id`;
  }
}

function getAttValue(env: Environment, id: string, attribute: string): string {
  switch (env.types.get(id)) {
    case 'AWS::KMS::Key': return `arn:${env.partition}:kms:${env.region}:${env.account}:key/0b9e5a2c-1f3d-4e5a-9b8c-7d6e5f4a3b2c`;
    case 'AWS::IAM::Role': return `arn:${env.partition}:iam::${env.account}:role/${id.slice(0, 64)}`;
    case 'AWS::SecretsManager::Secret': return refValue(env, id);
    default: return `arn:${env.partition}:service:${env.region}:${env.account}:${id}/${attribute}`;
  }
}

function realistic(env: Environment, value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(v => realistic(env, v));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const o = value as { [k: string]: any };
  const keys = Object.keys(o);
  if (keys.length === 1) {
    const [k] = keys;
    const v = o[k];
    switch (k) {
      case 'Ref': return refValue(env, v);
      case 'Fn::GetAtt': {
        const [id, attribute] = Array.isArray(v) ? v : String(v).split('.');
        return getAttValue(env, id, attribute);
      }
      case 'Fn::Join': return (realistic(env, v[1]) as unknown[]).join(v[0]);
      case 'Fn::Split': return String(realistic(env, v[1])).split(v[0]);
      case 'Fn::Select': return (realistic(env, v[1]) as unknown[])[Number(v[0])];
      case 'Fn::ImportValue': return secretArn(env, 'x'.repeat(40));
    }
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, realistic(env, v)]));
}

/**
 * The characters of `document` (tokens allowed) once CloudFormation has resolved it, without whitespace, as IAM and
 * Secrets Manager count them; for a key policy, pass `bytes` to count UTF-8 bytes of the minified document.
 */
export function resolvedPolicySize(scope: IConstruct, document: unknown, bytes = false): number {
  const stack = Stack.of(scope);
  const text = JSON.stringify(realistic(environment(stack), stack.resolve(document)));
  return bytes ? Buffer.byteLength(text) : text.replace(/\s/g, '').length;
}

/** `n` with thousands separators, as the limits are written in AWS's documentation. */
export function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
