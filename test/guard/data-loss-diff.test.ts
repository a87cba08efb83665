import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, NestedStack, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { App as TfApp, TerraformStack, TerraformVariable } from 'cdktf';
import { GenericEndpoint } from '@cdktf/provider-vault/lib/generic-endpoint';
import { KvSecretV2 } from '@cdktf/provider-vault/lib/kv-secret-v2';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { TransitSecretBackendKey } from '@cdktf/provider-vault/lib/transit-secret-backend-key';
import { SecretCatalog, SecretRotation } from '../../lib/aws';
import { DataLossDiff, DataLossKind } from '../../lib/guard';
import { KvStore, SecretPath, TransitEngine, TransitKey, VaultStack } from '../../lib/vault';

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

const R = SecretRotation.none('test secret: rotation is not what this test is about');

interface NestedVariant {
  /** Catalog secrets as [construct id, secret name], added in this order. */
  readonly secrets: [string, string][];
  /** The catalog's number of shards (1: every secret in Shard1). */
  readonly shards?: number;
  /** Shard keys by construct id. */
  readonly shardKeys?: { [id: string]: string };
  /** Secret name in a plain NestedStack `Legacy`, or no such nested stack. */
  readonly legacyName?: string;
  /** Turn asset metadata on (`aws:asset:path` on the nested stack resource), as the CDK CLI does. */
  readonly assetMetadata?: boolean;
}

/** A stack `Data` holding a Keyward SecretCatalog (nested-stack shards) and optionally a plain NestedStack. */
function nestedOut(v: NestedVariant): string {
  const outdir = path.join(tmp, `cdk-${counter++}`);
  const app = new App({ outdir, context: { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': v.assetMetadata ?? false } });
  const data = new Stack(app, 'Data', { env: { account: '111111111111', region: 'eu-west-1' } });
  const catalog = new SecretCatalog(data, 'Catalog', { shards: v.shards ?? 1 });
  for (const [id, secretName] of v.secrets) {
    catalog.addSecret(id, { secretName, rotation: R, shardKey: v.shardKeys?.[id] });
  }
  if (v.legacyName) {
    const legacy = new NestedStack(data, 'Legacy');
    new secretsmanager.Secret(legacy, 'Token', { secretName: v.legacyName, removalPolicy: RemovalPolicy.RETAIN });
  }
  app.synth();
  return outdir;
}

describe('DataLossDiff follows nested stacks (SecretCatalog shards, plain NestedStack)', () => {
  const base = nestedOut({ secrets: [['A', 'svc/a'], ['B', 'svc/b']], legacyName: 'legacy/token' });

  test('the nested templates are read: identical outputs are safe, and nested secrets are seen', () => {
    expect(DataLossDiff.compare(base, nestedOut({ secrets: [['A', 'svc/a'], ['B', 'svc/b']], legacyName: 'legacy/token' })).safe).toBe(true);
    // Removing everything nested is not safe: the secrets lived in the nested templates, not in Data.template.json.
    const bare = DataLossDiff.compare(base, nestedOut({ secrets: [] }));
    expect(bare.changes.map((c) => [c.kind, c.constructPath])).toEqual([
      [DataLossKind.DELETE, 'Data/Catalog/Shard1/A/Resource'],
      [DataLossKind.DELETE, 'Data/Catalog/Shard1/B/Resource'],
      [DataLossKind.DELETE, 'Data/Legacy/Token/Resource'],
    ]);
  });

  test('a catalog secret renamed and another removed are reported, in the shard\'s nested stack', () => {
    const report = DataLossDiff.compare(base, nestedOut({ secrets: [['A', 'svc/a-renamed']], legacyName: 'legacy/token' }));
    expect(report.changes.map((c) => [c.kind, c.constructPath, c.resourceType])).toEqual([
      [DataLossKind.REPLACE, 'Data/Catalog/Shard1/A/Resource', 'AWS::SecretsManager::Secret'],
      [DataLossKind.DELETE, 'Data/Catalog/Shard1/B/Resource', 'AWS::SecretsManager::Secret'],
    ]);
    expect(report.changes[0].reasons).toEqual(['Name "svc/a" -> "svc/a-renamed" forces replacement']);
    expect(report.changes[0].stack).toMatch(/^Data\/CatalogShard1NestedStackShard1NestedStackResource[0-9A-F]{8}$/);
    expect(report.text).toContain('DELETE  Data/Catalog/Shard1/B/Resource');
  });

  test('a secret in a plain NestedStack: name change replaces it, construct id change deletes it', () => {
    const renamed = DataLossDiff.compare(base, nestedOut({ secrets: [['A', 'svc/a'], ['B', 'svc/b']], legacyName: 'legacy/token2' }));
    expect(renamed.changes.map((c) => [c.kind, c.constructPath])).toEqual([[DataLossKind.REPLACE, 'Data/Legacy/Token/Resource']]);
    expect(renamed.changes[0].stack).toMatch(/^Data\/LegacyNestedStackLegacyNestedStackResource[0-9A-F]{8}$/);
  });

  test('a secret that moves to another shard is a move (delete in one nested stack, create in the other)', () => {
    // A shard is a hash of the id or the shard key: giving D a shard key of the other shard moves it.
    const shardOf = (key: string) => new SecretCatalog(new Stack(new App(), 'X'), 'C', { shards: 2 }).shardOf(key);
    const elsewhere = ['k1', 'k2', 'k3', 'k4'].find((k) => shardOf(k) !== shardOf('D'))!;
    const secrets: [string, string][] = [['A', 'svc/a'], ['B', 'svc/b'], ['C', 'svc/c'], ['D', 'svc/d']];
    const old = nestedOut({ secrets, shards: 2 });
    const next = nestedOut({ secrets, shards: 2, shardKeys: { D: elsewhere } });
    const [from, to] = [shardOf('D'), shardOf(elsewhere)];
    const report = DataLossDiff.compare(old, next);
    expect(report.changes.map((c) => [c.kind, c.constructPath])).toEqual([[DataLossKind.MOVE, `Data/Catalog/Shard${from}/D/Resource`]]);
    expect(report.changes[0].reasons[1]).toMatch(new RegExp(`in stack Data/CatalogShard${to}NestedStack\\w+: a move between stacks is a delete in `
      + `Data/CatalogShard${from}NestedStack\\w+ and a create in Data/CatalogShard${to}`));
  });

  test('with asset metadata on (the CDK CLI), nested templates are found through aws:asset:path', () => {
    const withMeta = (name: string) => nestedOut({ secrets: [['A', name]], assetMetadata: true });
    const old = withMeta('svc/a');
    const parent = JSON.parse(fs.readFileSync(path.join(old, 'Data.template.json'), 'utf-8'));
    const nestedResource = Object.values(parent.Resources).find((r: any) => r.Type === 'AWS::CloudFormation::Stack') as any;
    expect(nestedResource.Metadata['aws:asset:path']).toMatch(/\.nested\.template\.json$/);
    // Without the asset manifests, only the metadata can lead to the nested template.
    for (const dir of [old]) {
      fs.rmSync(path.join(dir, 'Data.assets.json'));
    }
    const next = withMeta('svc/b');
    fs.rmSync(path.join(next, 'Data.assets.json'));
    expect(kinds(old, next)).toEqual([[DataLossKind.REPLACE, 'AWS::SecretsManager::Secret', expect.stringMatching(/^Data\/CatalogShard1/)]]);
  });

  test('single parent template files follow their nested templates next to them', () => {
    const report = DataLossDiff.compare(path.join(base, 'Data.template.json'), path.join(nestedOut({ secrets: [['A', 'svc/a']], legacyName: 'legacy/token' }), 'Data.template.json'));
    expect(report.changes.map((c) => [c.kind, c.constructPath])).toEqual([[DataLossKind.DELETE, 'Data/Catalog/Shard1/B/Resource']]);
  });

  test('a nested template missing from the output is bad input', () => {
    const broken = nestedOut({ secrets: [['A', 'svc/a']] });
    for (const f of fs.readdirSync(broken).filter((n) => n.endsWith('.nested.template.json'))) {
      fs.rmSync(path.join(broken, f));
    }
    expect(() => DataLossDiff.compare(base, broken)).toThrow(/nested stack CatalogShard1NestedStack\w+ refers to DataCatalogShard1\w+\.nested\.template\.json, which is not in the output/);
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
      [DataLossKind.REPLACE, 'vault_kv_secret_v2.db', 'its mount refers to vault_mount.kv, which changes path "kv" -> "kv2": mount forces replacement, the secret path and what it holds are destroyed'],
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

interface KeywardTfVariant {
  readonly kvPath?: string;
  readonly transitPath?: string;
  /** Construct id and name of the declared-only secret path. */
  readonly declaredId?: string;
  readonly declaredName?: string;
  readonly declaredOwner?: string;
  readonly writeOnlyName?: string;
}

/** A cdktf app built from Keyward's own Vault constructs: a KvStore with a declared-only and a write-only SecretPath, a TransitKey. */
function keywardTfOut(v: KeywardTfVariant = {}): string {
  const outdir = path.join(tmp, `cdktf-${counter++}`);
  const app = new TfApp({ outdir });
  const stack = new VaultStack(app, 'vault');
  const store = new KvStore(stack, 'Kv', { path: v.kvPath ?? 'kv' });
  new SecretPath(stack, v.declaredId ?? 'Declared', { store, name: v.declaredName ?? 'shop/api', owner: v.declaredOwner ?? 'shop-team' });
  const value = new TerraformVariable(stack, 'db', { type: 'string', sensitive: true });
  new SecretPath(stack, 'WriteOnly', { store, name: v.writeOnlyName ?? 'shop/db', writeOnlyValue: value });
  new TransitKey(stack, 'Signing', { name: 'signing', engine: new TransitEngine(stack, 'Transit', { path: v.transitPath ?? 'transit' }) });
  app.synth();
  return outdir;
}

describe('DataLossDiff on Keyward Vault constructs (declared-only secret paths, transit keys)', () => {
  const base = keywardTfOut();
  const summary = (next: string) => DataLossDiff.compare(base, next).changes.map((c) => [c.kind, c.resourceType, c.constructPath]);

  test('identical outputs are safe; a metadata change (owner) is harmless', () => {
    expect(DataLossDiff.compare(base, keywardTfOut()).safe).toBe(true);
    expect(summary(keywardTfOut({ declaredOwner: 'platform-team' }))).toEqual([]);
  });

  test('renaming a declared-only secret (its name) replaces its vault_generic_endpoint', () => {
    const report = DataLossDiff.compare(base, keywardTfOut({ declaredName: 'shop/api-v2' }));
    expect(report.changes.map((c) => [c.kind, c.resourceType, c.constructPath])).toEqual([[DataLossKind.REPLACE, 'vault_generic_endpoint', 'vault/Declared/Metadata']]);
    expect(report.changes[0].reasons).toHaveLength(1);
    expect(report.changes[0].reasons[0]).toMatch(/^path "\$\{vault_mount\.Kv_Mount_\w+\.path\}\/metadata\/shop\/api" -> "\$\{vault_mount\.Kv_Mount_\w+\.path\}\/metadata\/shop\/api-v2" forces replacement$/);
    expect(report.changes[0].protection).toMatch(/prevent_destroy/);
  });

  test('renaming a declared-only secret\'s construct id deletes it (new address)', () => {
    const report = DataLossDiff.compare(base, keywardTfOut({ declaredId: 'Api' }));
    expect(report.changes.map((c) => [c.kind, c.resourceType, c.constructPath])).toEqual([[DataLossKind.DELETE, 'vault_generic_endpoint', 'vault/Declared/Metadata']]);
    expect(report.changes[0].reasons[1]).toMatch(/^it appears as vault_generic_endpoint\.Api_Metadata_\w+: a new logical id\/address is a create and a delete/);
  });

  test('renaming a write-only secret replaces its vault_kv_secret_v2', () => {
    expect(summary(keywardTfOut({ writeOnlyName: 'shop/database' }))).toEqual([[DataLossKind.REPLACE, 'vault_kv_secret_v2', 'vault/WriteOnly/Secret']]);
  });

  test('changing the KV mount path reports the mount and every protected resource under it', () => {
    expect(summary(keywardTfOut({ kvPath: 'secrets' }))).toEqual([
      [DataLossKind.REPLACE, 'vault_mount', 'vault/Kv/Mount'],
      [DataLossKind.REPLACE, 'vault_generic_endpoint', 'vault/Declared/Metadata'],
      [DataLossKind.REPLACE, 'vault_kv_secret_backend_v2', 'vault/Kv/Settings'],
      [DataLossKind.REPLACE, 'vault_kv_secret_v2', 'vault/WriteOnly/Secret'],
    ]);
  });

  test('changing the transit mount path reports the mount and the transit keys under it', () => {
    const report = DataLossDiff.compare(base, keywardTfOut({ transitPath: 'transit-2' }));
    expect(report.changes.map((c) => [c.kind, c.resourceType, c.constructPath])).toEqual([
      [DataLossKind.REPLACE, 'vault_mount', 'vault/Transit/Mount'],
      [DataLossKind.REPLACE, 'vault_transit_secret_backend_key', 'vault/Signing/Key'],
    ]);
    expect(report.changes[1].reasons[0]).toMatch(/^its backend refers to vault_mount\.Transit_Mount_\w+, which changes path "transit" -> "transit-2": backend forces replacement, the key and what it holds are destroyed$/);
  });

  test('a vault_generic_endpoint that is not a KV metadata path (e.g. sys/ or auth/ config) is not protected', () => {
    const make = (p: string) => {
      const outdir = path.join(tmp, `cdktf-${counter++}`);
      const app = new TfApp({ outdir });
      const stack = new TerraformStack(app, 'vault');
      new VaultProvider(stack, 'vault', {});
      if (p) {
        new GenericEndpoint(stack, 'cfg', { path: p, dataJson: '{}' });
      }
      new Mount(stack, 'kv', { path: 'kv', type: 'kv-v2', lifecycle: { preventDestroy: true } });
      app.synth();
      return outdir;
    };
    expect(kinds(make('auth/userpass/users/ci'), make(''))).toEqual([]);
    expect(kinds(make('sys/mounts/kv/tune'), make(''))).toEqual([]);
    expect(kinds(make('kv/metadata/raw'), make(''))).toEqual([[DataLossKind.DELETE, 'vault_generic_endpoint', 'vault']]);
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

// The tests run as root, which reads any file whatever its mode bits: these inputs are unreadable for root too.
describe('inputs that no user can read', () => {
  const aws = awsOut();

  test('a cdk.out whose manifest.json is a directory', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'manifest-dir-'));
    fs.mkdirSync(path.join(dir, 'manifest.json'));
    expect(() => DataLossDiff.compare(dir, aws)).toThrow(`${path.join(dir, 'manifest.json')} is a directory where a JSON file is expected`);
  });

  test('a cdk.out whose stack template is a directory', () => {
    const copy = fs.mkdtempSync(path.join(tmp, 'template-dir-'));
    fs.cpSync(aws, copy, { recursive: true });
    fs.rmSync(path.join(copy, 'Shop.template.json'));
    fs.mkdirSync(path.join(copy, 'Shop.template.json'));
    expect(() => DataLossDiff.compare(aws, copy)).toThrow(`${path.join(copy, 'Shop.template.json')} is a directory where a JSON file is expected`);
  });

  test('a broken symbolic link, as the argument or as a template in the output', () => {
    const link = path.join(tmp, 'dangling.template.json');
    fs.symlinkSync(path.join(tmp, 'no-such-target.json'), link);
    expect(() => DataLossDiff.compare(link, aws)).toThrow(`${link} is a broken symbolic link (to ${path.join(tmp, 'no-such-target.json')})`);
    const copy = fs.mkdtempSync(path.join(tmp, 'template-link-'));
    fs.cpSync(aws, copy, { recursive: true });
    fs.rmSync(path.join(copy, 'Shop.template.json'));
    fs.symlinkSync('gone.json', path.join(copy, 'Shop.template.json'));
    expect(() => DataLossDiff.compare(aws, copy)).toThrow(`${path.join(copy, 'Shop.template.json')} is a broken symbolic link (to gone.json)`);
  });

  test('a FIFO, as the argument or as a template in the output, fails at once instead of blocking on the read', () => {
    const fifo = path.join(tmp, 'pipe.template.json');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    expect(() => DataLossDiff.compare(fifo, aws)).toThrow(`${fifo} is not a regular file or a directory (a FIFO)`);
    const dir = fs.mkdtempSync(path.join(tmp, 'fifo-dir-'));
    execFileSync('mkfifo', [path.join(dir, 'App.template.json')]);
    expect(() => DataLossDiff.compare(dir, aws)).toThrow(`${path.join(dir, 'App.template.json')} is not a regular file (a FIFO): cannot read it as JSON`);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
