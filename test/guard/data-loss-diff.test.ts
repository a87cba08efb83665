import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { App as TfApp, TerraformStack } from 'cdktf';
import { KvSecretV2 } from '@cdktf/provider-vault/lib/kv-secret-v2';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { TransitSecretBackendKey } from '@cdktf/provider-vault/lib/transit-secret-backend-key';
import { DataLossDiff, DataLossKind } from '../../lib/guard';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-diff-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let counter = 0;

interface AwsVariant {
  readonly secretId?: string;
  readonly secretName?: string;
  readonly secretStack?: string;
  readonly keySpec?: kms.KeySpec;
  readonly description?: string;
  readonly tag?: string;
  readonly rotation?: Duration;
  readonly grant?: boolean;
}

/** Synthesize a small AWS app (a key and a secret encrypted by it) into a fresh cdk.out and return its path. */
function awsOut(v: AwsVariant = {}): string {
  const outdir = path.join(tmp, `cdk-${counter++}`);
  // The CDK CLI turns path metadata on; the diff uses it to name construct paths.
  const app = new App({ outdir, context: { 'aws:cdk:enable-path-metadata': true } });
  const stacks: { [name: string]: Stack } = {};
  const stack = (name: string) => (stacks[name] ??= new Stack(app, name));
  const key = new kms.Key(stack('Shop'), 'Key', {
    keySpec: v.keySpec ?? kms.KeySpec.SYMMETRIC_DEFAULT,
    keyUsage: v.keySpec && v.keySpec !== kms.KeySpec.SYMMETRIC_DEFAULT ? kms.KeyUsage.SIGN_VERIFY : kms.KeyUsage.ENCRYPT_DECRYPT,
    rotationPeriod: v.rotation,
    enableKeyRotation: v.keySpec === undefined || v.keySpec === kms.KeySpec.SYMMETRIC_DEFAULT,
  });
  const secret = new secretsmanager.Secret(stack(v.secretStack ?? 'Shop'), v.secretId ?? 'Db', {
    secretName: v.secretName ?? 'prod/shop/db',
    description: v.description ?? 'database credentials',
    encryptionKey: v.secretStack ? undefined : key,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  if (v.tag) {
    Tags.of(secret).add('team', v.tag);
  }
  if (v.grant) {
    secret.grantRead(new iam.Role(stack('Shop'), 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
  }
  app.synth();
  return outdir;
}

interface TfVariant {
  readonly mountPath?: string;
  readonly secretId?: string;
  readonly secretName?: string;
  readonly description?: string;
  readonly rotate?: number;
  readonly policy?: string;
  readonly transitType?: string;
}

/** Synthesize a small cdktf app (a KV mount, a secret path, a transit key) into a fresh cdktf.out. */
function tfOut(v: TfVariant = {}): string {
  const outdir = path.join(tmp, `cdktf-${counter++}`);
  const app = new TfApp({ outdir });
  const stack = new TerraformStack(app, 'vault');
  new VaultProvider(stack, 'vault', {});
  const mount = new Mount(stack, 'kv', { path: v.mountPath ?? 'kv', type: 'kv-v2', description: v.description, lifecycle: { preventDestroy: true } });
  new KvSecretV2(stack, v.secretId ?? 'db', { mount: mount.path, name: v.secretName ?? 'shop/db', dataJsonWo: '${var.db}', dataJsonWoVersion: 1 });
  new TransitSecretBackendKey(stack, 'signing', { backend: 'transit', name: 'signing', type: v.transitType, autoRotatePeriod: v.rotate });
  new Policy(stack, 'reader', { name: 'reader', policy: v.policy ?? 'path "kv/data/shop/*" { capabilities = ["read"] }' });
  app.synth();
  return outdir;
}

const kinds = (oldDir: string, newDir: string) => DataLossDiff.compare(oldDir, newDir).changes.map((c) => [c.kind, c.resourceType, c.stack]);

describe('DataLossDiff on CloudFormation (cdk.out)', () => {
  const base = awsOut();

  test('identical outputs are safe', () => {
    const report = DataLossDiff.compare(base, awsOut());
    expect(report.safe).toBe(true);
    expect(report.changes).toEqual([]);
    expect(report.text).toMatch(/^keyward diff: safe/);
  });

  test('renaming the construct id deletes the secret (new logical id)', () => {
    const report = DataLossDiff.compare(base, awsOut({ secretId: 'Database' }));
    expect(report.changes.map((c) => [c.kind, c.constructPath, c.resourceType])).toEqual([[DataLossKind.DELETE, 'Shop/Db/Resource', 'AWS::SecretsManager::Secret']]);
    expect(report.changes[0].reasons.join('\n')).toMatch(/appears as Database[0-9A-F]{8}: a new logical id\/address is a create and a delete/);
    expect(report.changes[0].protection).toMatch(/DeletionPolicy Retain: the old resource is orphaned/);
  });

  test('changing the secret name replaces it', () => {
    const report = DataLossDiff.compare(base, awsOut({ secretName: 'prod/shop/database' }));
    expect(report.changes.map((c) => [c.kind, c.reasons])).toEqual([[DataLossKind.REPLACE, ['Name "prod/shop/db" -> "prod/shop/database" forces replacement']]]);
  });

  test('moving the secret to another stack is a delete there and a create here', () => {
    const report = DataLossDiff.compare(base, awsOut({ secretStack: 'Data' }));
    expect(report.changes.map((c) => [c.kind, c.stack])).toEqual([[DataLossKind.MOVE, 'Shop']]);
    expect(report.changes[0].reasons[1]).toMatch(/appears as Db[0-9A-F]{8} in stack Data: a move between stacks is a delete in Shop and a create in Data/);
  });

  test('changing the key spec replaces the key', () => {
    const report = DataLossDiff.compare(base, awsOut({ keySpec: kms.KeySpec.ECC_NIST_P256 }));
    expect(report.changes.map((c) => [c.kind, c.resourceType])).toEqual([[DataLossKind.REPLACE, 'AWS::KMS::Key']]);
    expect(report.changes[0].reasons).toEqual([
      'KeySpec "SYMMETRIC_DEFAULT" -> "ECC_NIST_P256" forces replacement',
      'KeyUsage "ENCRYPT_DECRYPT" -> "SIGN_VERIFY" forces replacement',
    ]);
  });

  test('harmless changes are safe: description, tags, rotation period, grants', () => {
    expect(kinds(base, awsOut({ description: 'the shop database' }))).toEqual([]);
    expect(kinds(base, awsOut({ tag: 'payments' }))).toEqual([]);
    expect(kinds(base, awsOut({ rotation: Duration.days(90) }))).toEqual([]);
    expect(kinds(base, awsOut({ grant: true }))).toEqual([]);
  });

  test('single template files work too', () => {
    const report = DataLossDiff.compare(path.join(base, 'Shop.template.json'), path.join(awsOut({ secretName: 'x/y' }), 'Shop.template.json'));
    expect(report.changes.map((c) => c.kind)).toEqual([DataLossKind.REPLACE]);
  });
});

describe('DataLossDiff on Terraform (cdktf.out)', () => {
  const base = tfOut();

  test('identical outputs are safe', () => {
    expect(DataLossDiff.compare(base, tfOut()).safe).toBe(true);
  });

  test('changing the mount path remounts the mount and replaces every secret under it', () => {
    const report = DataLossDiff.compare(base, tfOut({ mountPath: 'kv2' }));
    expect(report.changes.map((c) => [c.kind, c.address, c.reasons[0]])).toEqual([
      [DataLossKind.REPLACE, 'vault_mount.kv', 'path "kv" -> "kv2" remounts it: every secret path, policy and reader changes'],
      [DataLossKind.REPLACE, 'vault_kv_secret_v2.db', 'its mount vault_mount.kv changes path "kv" -> "kv2": mount forces replacement, the secret and its versions are destroyed'],
    ]);
    expect(report.changes[0].protection).toMatch(/prevent_destroy/);
  });

  test('renaming the secret construct id deletes it; changing its name replaces it', () => {
    const renamed = DataLossDiff.compare(base, tfOut({ secretId: 'database' }));
    expect(renamed.changes.map((c) => [c.kind, c.constructPath, c.address])).toEqual([[DataLossKind.DELETE, 'vault/db', 'vault_kv_secret_v2.db']]);
    expect(renamed.changes[0].reasons[1]).toBe('it appears as vault_kv_secret_v2.database: a new logical id/address is a create and a delete (add a moved block to keep it)');
    expect(kinds(base, tfOut({ secretName: 'shop/database' }))).toEqual([[DataLossKind.REPLACE, 'vault_kv_secret_v2', 'vault']]);
  });

  test('changing the transit key type replaces it', () => {
    expect(kinds(base, tfOut({ transitType: 'ed25519' }))).toEqual([[DataLossKind.REPLACE, 'vault_transit_secret_backend_key', 'vault']]);
  });

  test('harmless changes are safe: description, rotation period, policies', () => {
    expect(kinds(base, tfOut({ description: 'shop secrets' }))).toEqual([]);
    expect(kinds(base, tfOut({ rotate: 86400 }))).toEqual([]);
    expect(kinds(base, tfOut({ policy: 'path "kv/data/shop/db" { capabilities = ["read"] }' }))).toEqual([]);
  });

  test('a stack directory and a cdk.tf.json file work too', () => {
    const stackDir = path.join(base, 'stacks', 'vault');
    expect(kinds(stackDir, path.join(tfOut({ secretName: 'a/b' }), 'stacks', 'vault', 'cdk.tf.json'))).toEqual([[DataLossKind.REPLACE, 'vault_kv_secret_v2', 'vault']]);
  });

  test('a moved block keeps the state: no loss', () => {
    const renamed = tfOut({ secretId: 'database' });
    const file = path.join(renamed, 'stacks', 'vault', 'cdk.tf.json');
    const doc = JSON.parse(fs.readFileSync(file, 'utf-8'));
    doc.moved = [{ from: 'vault_kv_secret_v2.db', to: 'vault_kv_secret_v2.database' }];
    fs.writeFileSync(file, JSON.stringify(doc));
    expect(kinds(base, renamed)).toEqual([]);
  });
});

describe('bad input', () => {
  const aws = awsOut();
  const tf = tfOut();

  test.each([
    ['a missing path', () => [path.join(tmp, 'nope'), aws], /does not exist/],
    ['an empty directory', () => [fs.mkdtempSync(path.join(tmp, 'empty-')), aws], /is an empty directory/],
    ['a directory without output', () => [path.join(__dirname, '..', 'fixtures', 'guard', 'diff', 'not-an-output'), aws], /no synthesized output/],
    ['a non-JSON file', () => [path.join(__dirname, '..', 'fixtures', 'guard', 'diff', 'not-an-output', 'notes.txt'), aws], /is not JSON/],
    ['a YAML template', () => [path.join(__dirname, '..', 'fixtures', 'guard', 'diff', 'template.yaml'), aws], /YAML templates are not supported/],
    ['a JSON file that is no template', () => [path.join(__dirname, '..', 'fixtures', 'guard', 'diff', 'package-like.json'), aws], /neither a CloudFormation template nor a Terraform JSON/],
    ['mismatched targets', () => [aws, tf], /targets differ/],
  ])('%s is a clear error', (_name, paths, message) => {
    const [a, b] = paths() as string[];
    expect(() => DataLossDiff.compare(a, b)).toThrow(message as RegExp);
  });
});
