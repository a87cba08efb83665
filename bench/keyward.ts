/** The same jobs as baseline.ts, done with Keyward. */
import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { App as TfApp } from 'cdktf';
import { GrantMode, Secret, SecretCatalog, SecretGroup, SecretRotation, SecretsKey } from '../lib/aws';
import { AppRoleWorkload, KvStore, SecretPath, VaultStack } from '../lib/vault';
import type { AwsScenario } from './baseline';

const NO_ROTATION = SecretRotation.none('benchmark: rotation is not what is measured');
const ENV = { account: '123456789012', region: 'us-east-1' };

/**
 * Keyward, one stack: one key, N secrets in a `SecretGroup`, W workload roles each granted the group (the documented
 * way to share secrets with many workloads: a secret holds at most 50 tags).
 */
export function synthKeywardAws(s: AwsScenario, outdir: string): string {
  const app = new cdk.App({ outdir });
  const stack = new cdk.Stack(app, 'Bench', { env: ENV });
  const key = new SecretsKey(stack, 'Key');
  const group = new SecretGroup(stack, 'Shared');
  for (let i = 0; i < s.secrets; i++) {
    group.addSecret(new Secret(stack, `Secret${i}`, { encryptionKey: key, secretName: `svc/secret-${i}`, rotation: NO_ROTATION }));
  }
  for (let i = 0; i < s.workloads; i++) {
    group.grantRead(new iam.Role(stack, `Workload${i}`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
  }
  app.synth();
  return outdir;
}

/**
 * Keyward at scale: a `SecretCatalog` of N secrets (sharded into nested stacks) in a data stack, and W workload roles
 * in an apps stack; workload i is granted every W-th secret (each secret read by one workload), plus the first
 * workload is granted all of them when `firstReadsAll`. `mode` is the app-wide grant mode (context key).
 */
export function synthKeywardCatalog(n: number, workloads: number, outdir: string, firstReadsAll = true, mode: GrantMode = GrantMode.TAG): string {
  keywardCatalogApp(n, workloads, outdir, firstReadsAll, mode).synth();
  return outdir;
}

/** The app of {@link synthKeywardCatalog}, not yet synthesized. */
export function keywardCatalogApp(n: number, workloads: number, outdir: string, firstReadsAll = true, mode: GrantMode = GrantMode.TAG): cdk.App {
  const app = new cdk.App({ outdir, context: { '@keyward/grants:mode': mode } });
  const data = new cdk.Stack(app, 'Data', { env: ENV });
  // About 80 secrets per shard: the shard count is fixed for the catalog's size (changing it would move secrets).
  const catalog = new SecretCatalog(data, 'Catalog', { shards: Math.max(16, Math.ceil(n / 80)) });
  const apps = new cdk.Stack(app, 'Apps', { env: ENV });
  const roles = Array.from({ length: workloads }, (_, i) =>
    new iam.Role(apps, `Workload${i}`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
  for (let i = 0; i < n; i++) {
    const secret = catalog.addSecret(`Secret${i}`, { secretName: `svc/secret-${i}`, rotation: NO_ROTATION });
    if (firstReadsAll) secret.grantRead(roles[0]);
    const reader = roles[i % workloads];
    if (!(firstReadsAll && reader === roles[0])) secret.grantRead(reader);
  }
  return app;
}

/** Keyward on Vault: one KV store, N secret paths, one AppRole workload granted read of all of them. */
export function synthKeywardVault(n: number, outdir: string): void {
  const app = new TfApp({ outdir });
  const stack = new VaultStack(app, 'bench');
  const kv = new KvStore(stack, 'kv', { path: 'kv' });
  const reader = new AppRoleWorkload(stack, 'reader', { roleName: 'reader' });
  for (let i = 0; i < n; i++) {
    new SecretPath(stack, `s${i}`, { store: kv, name: `svc/secret-${i}` }).grantRead(reader);
  }
  app.synth();
}
