// `keyward report --diff`: escape hatches that widen access show up, with exit code 1; nothing widened exits 0.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { App as TfApp } from 'cdktf';
import { buildVaultApp, VaultApp } from '../../examples/vault-app';
import { Secret, SecretRotation, SecretsKey } from '../../lib/aws';
import { AccessChange, AccessDiff } from '../../lib/report/diff';
import { main } from '../../bin/report';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-report-diff-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const ACCOUNT = '111111111111';
const PARTNER = '333333333333';

interface AwsParts {
  stack: Stack;
  key: SecretsKey;
  secret: Secret;
  reader: iam.Role;
  other: iam.Role;
}

let n = 0;
/** A small app: one key, one secret read by `Reader`; `Other` has no grant. `change` is the pull request. */
function synthAws(change?: (p: AwsParts) => void): string {
  const outdir = path.join(tmp, `aws-${n++}`);
  const app = new App({ outdir });
  const stack = new Stack(app, 'App', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const key = new SecretsKey(stack, 'Key');
  const secret = new Secret(stack, 'Db', { secretName: 'app/db', encryptionKey: key, rotation: SecretRotation.none('test secret: rotation is not what this test is about') });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const other = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  secret.grantRead(reader);
  change?.({ stack, key, secret, reader, other });
  app.synth();
  return outdir;
}

function synthVault(change?: (app: VaultApp) => void): string {
  const outdir = path.join(tmp, `tf-${n++}`);
  const tf = new TfApp({ outdir });
  const app = buildVaultApp(tf);
  change?.(app);
  tf.synth();
  return outdir;
}

function diff(before: string, after: string): { code: number; result: AccessDiff; text: string } {
  let json = '';
  let text = '';
  const code = main(['--diff', before, after, '--json'], (s) => (json += s), (s) => { throw new Error(s); });
  main(['--diff', before, after], (s) => (text += s), (s) => { throw new Error(s); });
  return { code, result: JSON.parse(json), text };
}

const growth = (d: AccessDiff): AccessChange[] => d.changes.filter((c) => c.change === 'added' || c.change === 'widened');

let awsBase: string;
let vaultBase: string;
beforeAll(() => {
  awsBase = synthAws();
  vaultBase = synthVault();
});

test('the same app twice: no change, exit 0', () => {
  const { code, result, text } = diff(awsBase, synthAws());
  expect(code).toBe(0);
  expect(result.changes).toEqual([]);
  expect(text).toMatch(/no change in access/);
});

test('role.addToPolicy gives another role the secret and its key: a new reader, exit 1', () => {
  const after = synthAws(({ other, secret, key }) => {
    other.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
    other.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [key.keyArn] }));
  });
  const { code, result, text } = diff(awsBase, after);
  expect(code).toBe(1);
  expect(growth(result)).toEqual(expect.arrayContaining([
    expect.objectContaining({ change: 'added', access: 'read', resourceName: 'app/db', workload: 'App/Other' }),
  ]));
  expect(text).toMatch(/^\+ added read app\/db by App\/Other/m);
});

test('addOverride of an inline policy with Resource "*": a new reader through a wildcard, exit 1', () => {
  const after = synthAws(({ other }) => {
    (other.node.defaultChild as CfnResource).addOverride('Properties.Policies', [{
      PolicyName: 'escape',
      PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'kms:Decrypt'], Resource: '*' }] },
    }]);
  });
  const { code, result } = diff(awsBase, after);
  expect(code).toBe(1);
  const added = growth(result).find((c) => c.resourceName === 'app/db' && c.workload === 'App/Other');
  expect(added?.details.join()).toMatch(/wildcard: \*/);
  expect(added?.details.join()).toMatch(/inline policy escape/);
});

test('a grant to a role of another account: a new cross-account principal, exit 1', () => {
  const partner = `arn:aws:iam::${PARTNER}:role/partner`;
  const after = synthAws(({ stack, secret }) => secret.grantRead(iam.Role.fromRoleArn(stack, 'Partner', partner)));
  const { code, result } = diff(awsBase, after);
  expect(code).toBe(1);
  const added = growth(result).find((c) => c.resourceName === 'app/db' && c.workload === partner);
  expect(added).toMatchObject({ change: 'added', access: 'read', workloadKind: 'AWS IAM principal' });
  expect(added!.details).toContain(`new cross-account principal (account ${PARTNER})`);
});

test('a key policy statement for another account (escape hatch): a new cross-account principal on the key, exit 1', () => {
  const after = synthAws(({ key }) => key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.AccountPrincipal(PARTNER)], actions: ['kms:Decrypt'], resources: ['*'],
  })));
  const { code, result } = diff(awsBase, after);
  expect(code).toBe(1);
  const added = growth(result).find((c) => c.workload === `account:${PARTNER}`);
  expect(added).toMatchObject({ change: 'added', access: 'read', resource: 'kms:App/Key' });
  expect(added!.details).toContain(`new cross-account principal (account ${PARTNER})`);
});

test('removing a grant is not a widening: exit 0, the reader is listed as removed', () => {
  const before = synthAws(({ other, secret }) => secret.grantRead(other));
  const { code, result, text } = diff(before, awsBase);
  expect(code).toBe(0);
  expect(result.changes).toEqual(expect.arrayContaining([expect.objectContaining({ change: 'removed', workload: 'App/Other', resourceName: 'app/db' })]));
  expect(text).toMatch(/nothing widened/);
});

test('a wider GitHub binding (ref glob) through addOverride on the JWT role: binding widened, exit 1', () => {
  const after = synthVault((app) => {
    app.deploy.role.addOverride('bound_claims.ref', 'refs/heads/*');
    app.deploy.role.addOverride('bound_claims_type', 'glob');
  });
  const { code, result } = diff(vaultBase, after);
  expect(code).toBe(1);
  const widened = result.changes.find((c) => c.access === 'binding');
  expect(widened).toMatchObject({ change: 'widened', workloadKind: 'GitHub Actions' });
  expect(widened!.details.join()).toContain('bound_claims.ref: refs/heads/main → refs/heads/*');
});

test('a hand-written policy text with a glob: the deploy job now reads every KV path, exit 1', () => {
  const after = synthVault((app) => app.deploy.policy.addOverride('policy', 'path "payments/data/*" {\n  capabilities = ["read", "update"]\n}\n'));
  const { code, result } = diff(vaultBase, after);
  expect(code).toBe(1);
  const reads = growth(result).filter((c) => c.access === 'read' && c.workloadKind === 'GitHub Actions');
  // Every KV path the example declares under payments/ that it could not read before: the database credentials, the
  // Stripe key (it only wrote it) and the SOPS-sourced payment-provider key.
  expect(reads.map((c) => c.resourceName).sort()).toEqual(['payments/db/credentials', 'payments/payment-provider/api-key', 'payments/stripe/api-key']);
  expect(reads[0].details.join()).toContain('matched by a wildcard: payments/data/*');
  // The write it already had is now through the glob as well.
  expect(result.changes).toEqual(expect.arrayContaining([
    expect.objectContaining({ change: 'widened', access: 'write', resourceName: 'payments/stripe/api-key' }),
  ]));
});
