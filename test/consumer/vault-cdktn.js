// Consumer app for CDK Terrain (cdktn), installed under the name `cdktf` (npm alias) next to @cdktf/provider-vault.
// Run by scripts/consumer-install.sh in a folder where aws-cdk-lib is NOT installed.
'use strict';
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { App, TerraformResource, TerraformStack, TerraformVariable } = require('cdktf');
const { AppRoleWorkload, KvStore, SecretPath, VaultStack } = require('keyward/vault');
const { TerraformGuard } = require('keyward/guard');

assert.strictEqual(require('cdktf/package.json').name, 'cdktn', 'cdktf must be the cdktn alias here');

// What a native CDK Terrain provider binding does for a write-only attribute (data_json_wo): it registers the
// write-only feature, which CDK Terrain checks against the declared targetVersions at synth.
class WriteOnlyProbe extends TerraformResource {
  constructor(scope, id) {
    super(scope, id, { terraformResourceType: 'vault_kv_secret_v2', lifecycle: { preventDestroy: true } });
  }
  synthesizeAttributes() {
    return { mount: 'probe', name: 'probe', data_json_wo: this.markWriteOnlyAttribute('{}') };
  }
}

function synth(build) {
  const outdir = fs.mkdtempSync(path.join(process.cwd(), 'cdktf.out-'));
  const app = new App({ outdir });
  build(app);
  TerraformGuard.applyTo(app);
  app.synth();
  return outdir;
}

// 1. A Keyward stack with a write-only secret value synthesizes, and declares Terraform >= 1.11.
const outdir = synth((app) => {
  const stack = new VaultStack(app, 'payments');
  const store = new KvStore(stack, 'Secrets', { path: 'payments' });
  const value = new TerraformVariable(stack, 'db', { type: 'map(string)', sensitive: true });
  const db = new SecretPath(stack, 'Db', { store, name: 'db', owner: 'team-payments', writeOnlyValue: value, writeOnlyValueVersion: 1 });
  db.grantRead(new AppRoleWorkload(stack, 'Batch', {}));
  new WriteOnlyProbe(stack, 'Probe');
});
const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'payments', 'cdk.tf.json'), 'utf8'));
assert.strictEqual(tf.terraform.required_version, '>= 1.11.0');
assert.ok(tf.resource.vault_kv_secret_v2, 'a vault_kv_secret_v2 resource');
assert.ok(tf.resource.vault_policy, 'a vault_policy resource');
assert.ok(tf.resource.vault_approle_auth_backend_role, 'an AppRole role');
const written = Object.values(tf.resource.vault_kv_secret_v2).filter((r) => r.data_json_wo !== undefined);
assert.strictEqual(written.length, 2, 'the Keyward secret and the probe both carry data_json_wo');

// 2. Control: the same write-only attribute in a plain TerraformStack fails CDK Terrain's target-version check,
// so the check above is live and VaultStack is what satisfies it.
assert.throws(() => synth((app) => new WriteOnlyProbe(new TerraformStack(app, 'plain'), 'Probe')), /write-only attributes requires/);

// 3. Nothing of aws-cdk-lib was needed.
assert.ok(!Object.keys(require.cache).some((f) => f.includes('aws-cdk-lib')));
console.log(`vault-cdktn: synthesized ${Object.keys(tf.resource).length} resource types with cdktn ${require('cdktf/package.json').version}`);
