// Consumer app for Vault with CDK for Terraform, as an ES module (deep imports through the exports map): run by
// scripts/consumer-install.sh in a folder where aws-cdk-lib is NOT installed. README example 2, plus checks.
import assert from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { App, TerraformVariable } from 'cdktf';
import { KubernetesWorkload, KvStore, SecretPath, VaultStack } from 'keyward/vault';
import { TerraformGuard } from 'keyward/guard';

const outdir = mkdtempSync(join(process.cwd(), 'cdktf.out-'));
const app = new App({ outdir });
const stack = new VaultStack(app, 'payments');
const store = new KvStore(stack, 'Secrets', { path: 'payments' });
const dbValue = new TerraformVariable(stack, 'db_credentials', { type: 'map(string)', sensitive: true });
const db = new SecretPath(stack, 'Db', {
  store, name: 'db/credentials', owner: 'team-payments', writeOnlyValue: dbValue, writeOnlyValueVersion: 1,
});
const api = new KubernetesWorkload(stack, 'Api', { serviceAccountNames: ['payments-api'], namespaces: ['payments'] });
db.grantRead(api);
TerraformGuard.applyTo(app);
app.synth();

const tf = JSON.parse(readFileSync(join(outdir, 'stacks', 'payments', 'cdk.tf.json'), 'utf8'));
for (const type of ['vault_mount', 'vault_kv_secret_v2', 'vault_policy', 'vault_kubernetes_auth_backend_role']) {
  assert.ok(tf.resource[type], `${type} in cdk.tf.json`);
}
const policy = Object.values(tf.resource.vault_policy)[0].policy;
assert.match(policy, /payments\/data\/db\/credentials/, 'the policy names the granted path');
assert.strictEqual(tf.terraform.required_version, '>= 1.11.0');
const require = createRequire(import.meta.url);
assert.throws(() => require.resolve('aws-cdk-lib'), /Cannot find module/, 'aws-cdk-lib is not installed here');
assert.throws(() => require('keyward/lib/vault/private/auth'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
console.log(`vault-cdktf (ESM): synthesized ${Object.keys(tf.resource).length} resource types with cdktf ${require('cdktf/package.json').version}`);
