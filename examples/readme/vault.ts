import { App, TerraformVariable } from 'cdktf';
import { KubernetesWorkload, KvStore, SecretPath, VaultStack } from 'keyward/vault';
import { TerraformGuard } from 'keyward/guard';

const app = new App();
const stack = new VaultStack(app, 'payments'); // Vault provider from VAULT_ADDR / VAULT_TOKEN; Terraform >= 1.11
const store = new KvStore(stack, 'Secrets', { path: 'payments' });

// The value travels only in a sensitive variable into a write-only attribute: never in cdk.tf.json or in state.
const dbValue = new TerraformVariable(stack, 'db_credentials', { type: 'map(string)', sensitive: true });
const db = new SecretPath(stack, 'Db', {
  store, name: 'db/credentials', owner: 'team-payments', writeOnlyValue: dbValue, writeOnlyValueVersion: 1,
});

// A Kubernetes service account that may read exactly that path: one vault_policy and one auth role.
const api = new KubernetesWorkload(stack, 'Api', { serviceAccountNames: ['payments-api'], namespaces: ['payments'] });
db.grantRead(api);

TerraformGuard.applyTo(app); // fail synth on any plaintext secret or destroyable secret in the Terraform JSON
app.synth(); // cdktf.out/stacks/payments/cdk.tf.json
