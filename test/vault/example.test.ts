import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdktf';
import { buildVaultApp } from '../../examples/vault-app';
import './util';

// A value a careless implementation could pick up from the environment at synth time.
const SENTINEL = 'kw-sentinel-Zq8vP3xL9rT2';

function synthExample(): { json: any; text: string } {
  const saved = process.env.TF_VAR_db_credentials;
  process.env.TF_VAR_db_credentials = `{username="payments",password="${SENTINEL}"}`;
  try {
    const app = Testing.app();
    const { stack } = buildVaultApp(app);
    const text = Testing.synth(stack);
    return { json: JSON.parse(text), text };
  } finally {
    if (saved === undefined) delete process.env.TF_VAR_db_credentials;
    else process.env.TF_VAR_db_credentials = saved;
  }
}

describe('examples/vault-app.ts', () => {
  test('snapshot of cdk.tf.json', () => {
    expect(synthExample().json).toMatchSnapshot();
  });

  test('writes cdktf.out/stacks/payments-vault/cdk.tf.json', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-vault-'));
    const app = new App({ outdir });
    buildVaultApp(app);
    app.synth();
    const file = path.join(outdir, 'stacks', 'payments-vault', 'cdk.tf.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(Object.keys(json.variable)).toEqual(['db_credentials', 'db_credentials_version', 'payment_provider_PAYMENT_PROVIDER_API_KEY']);
    expect(json.variable.payment_provider_PAYMENT_PROVIDER_API_KEY).toMatchObject({ sensitive: true, ephemeral: true });
    expect(json.terraform.required_version).toBe('>= 1.11.0');
    // The provider takes its address and token from VAULT_ADDR / VAULT_TOKEN: nothing configured here.
    expect(json.provider.vault).toEqual([{}]);
  });

  test('no secret value and no literal data_json in the output', () => {
    const { json, text } = synthExample();
    // No kv secret carries data_json; write-only data comes only from sensitive variables.
    for (const secret of Object.values<any>(json.resource.vault_kv_secret_v2)) {
      expect(secret.data_json).toBeUndefined();
      // One variable, or a map of variables (a SOPS file's keys).
      expect(secret.data_json_wo).toMatch(/^\$\{(jsonencode\()?(var\.[a-z_]+|\{("[A-Z_]+" = var\.[A-Za-z_]+(, )?)+\})\)?\}$/);
      for (const [, name] of secret.data_json_wo.matchAll(/var\.([A-Za-z_]+)/g)) {
        expect(json.variable[name].sensitive).toBe(true);
        expect(json.variable[name].default).toBeUndefined();
      }
    }
    // Generic endpoints only ever write custom metadata of KV paths.
    for (const ep of Object.values<any>(json.resource.vault_generic_endpoint ?? {})) {
      expect(ep.path).toMatch(/\/metadata\//);
      expect(Object.keys(JSON.parse(ep.data_json))).toEqual(['custom_metadata']);
    }
    // Nothing that looks like a credential anywhere in the text, and the value in the environment did not leak.
    expect(text).not.toContain(SENTINEL);
    expect(text).not.toMatch(/"(password|secret_id|secret_id_wo|token|client_secret|data_json_wo_version_value)"\s*:/i);
    const dataJsonKeys = text.match(/"data_json"/g) ?? [];
    expect(dataJsonKeys).toHaveLength(Object.keys(json.resource.vault_generic_endpoint ?? {}).length);
    expect(text).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----|AKIA[0-9A-Z]{16}|hvs\.[A-Za-z0-9]{20,}|ghp_[A-Za-z0-9]{20,}/);
  });

  test('every mount, backend, secret and key is protected from destroy', () => {
    const { json } = synthExample();
    const protectedTypes = ['vault_mount', 'vault_auth_backend', 'vault_jwt_auth_backend', 'vault_kv_secret_v2', 'vault_generic_endpoint', 'vault_transit_secret_backend_key'];
    for (const type of protectedTypes) {
      const all = Object.values<any>(json.resource[type]);
      expect(all.length).toBeGreaterThan(0);
      for (const r of all) {
        expect(r.lifecycle).toEqual({ prevent_destroy: true });
      }
    }
  });

  test('options point the JWT and Kubernetes backends at test issuers, and allow destroy', () => {
    const app = Testing.app();
    const pem = '-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----\n';
    const { stack } = buildVaultApp(app, { stackName: 'it', jwt: { jwtValidationPubkeys: [pem], boundIssuer: 'https://issuer.test' }, kubernetes: { kubernetesHost: 'https://127.0.0.1:1' }, allowDestroy: true });
    const json = JSON.parse(Testing.synth(stack));
    const jwt: any = Object.values(json.resource.vault_jwt_auth_backend)[0];
    expect(jwt).toMatchObject({ jwt_validation_pubkeys: [pem.trim()], bound_issuer: 'https://issuer.test', lifecycle: { prevent_destroy: false } });
    expect(jwt.oidc_discovery_url).toBeUndefined();
    expect(Object.values<any>(json.resource.vault_kubernetes_auth_backend_config)[0].kubernetes_host).toBe('https://127.0.0.1:1');
    expect(Object.values<any>(json.resource.vault_mount).every((m) => m.lifecycle.prevent_destroy === false)).toBe(true);
  });
});
