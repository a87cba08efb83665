import * as iam from 'aws-cdk-lib/aws-iam';
import { App, Stack } from 'aws-cdk-lib';

export const ACCOUNT = '111111111111';
export const OTHER_ACCOUNT = '222222222222';
export const REGION = 'eu-west-1';

/** A stack with a concrete environment (cross-account decisions need one). */
export function newStack(id = 'Svc', app: App = new App()): Stack {
  return new Stack(app, id, { env: { account: ACCOUNT, region: REGION } });
}

/** Expect `fn` to throw a Keyward error naming `path` and `rule`. */
export function expectKeywardError(fn: () => unknown, path: string, rule: string, contains?: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(Error);
  const message = (error as Error).message;
  expect(message).toContain(`${path}: `);
  expect(message).toContain(`[keyward:${rule}]`);
  if (contains) {
    expect(message).toMatch(contains);
  }
}

/** Expect synthesis to fail with a violation naming `path` and `rule`. */
export function expectKeywardErrorAtSynth(fn: () => unknown, path: string, rule: string, contains?: RegExp): void {
  expect(fn).toThrow(new RegExp(`${path.replace(/\//g, '\\/')}: [^\\n]*\\[keyward:${rule}\\]`));
  if (contains) {
    expect(fn).toThrow(contains);
  }
}

/** Statements of the only resource of a type with a given logical-id prefix. */
export function policyStatements(template: { [k: string]: any }, type: string): any[] {
  const resources = Object.values(template.Resources ?? {}).filter((r: any) => r.Type === type) as any[];
  return resources.flatMap(r => (r.Properties.PolicyDocument ?? r.Properties.KeyPolicy ?? r.Properties.ResourcePolicy).Statement);
}

/** A stack in an app whose grants are in tag mode (the context key `@keyward/grants:mode`). */
export function newTagStack(id = 'Svc', app: App = new App({ context: { '@keyward/grants:mode': 'tag' } })): Stack {
  return newStack(id, app);
}

/** The actions of each statement an `iam.Grant` describes on the principal's side, in order. */
export function grantedActions(grant: iam.Grant): string[][] {
  return grant.principalStatements.map(s => s.actions);
}

/** The resources of the first statement an `iam.Grant` describes on the principal's side (the secret or key). */
export function grantedResources(grant: iam.Grant): string[] {
  return grant.principalStatements[0]?.resources ?? [];
}

/** The `keyward:access:*` tag key a tag-mode grant matches (from its `aws:ResourceTag/…` condition), if any. */
export function grantTagKey(grant: iam.Grant): string | undefined {
  for (const s of grant.principalStatements) {
    const equals = (s.toStatementJson().Condition?.StringEquals ?? {}) as { [k: string]: unknown };
    const key = Object.keys(equals).find(k => k.startsWith('aws:ResourceTag/'));
    if (key) {
      return key.slice('aws:ResourceTag/'.length);
    }
  }
  return undefined;
}

export const SECRET_READ = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];
export const SECRET_WRITE = ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'];
