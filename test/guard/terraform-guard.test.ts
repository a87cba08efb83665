import { Aspects, Fn, TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { GenericEndpoint } from '@cdktf/provider-vault/lib/generic-endpoint';
import { KvSecretV2 } from '@cdktf/provider-vault/lib/kv-secret-v2';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { TransitSecretBackendKey } from '@cdktf/provider-vault/lib/transit-secret-backend-key';
import { GuardAcknowledgements, TerraformGuard, TerraformGuardProps } from '../../lib/guard';
import { KvStore, SecretPath, VaultStack } from '../../lib/vault';

const FAKE_VAULT_TOKEN = ['hvs', 'CAESIJq7Vf2LmZ9xR4tWb8Kc1NpY6sHd3JgE0u'].join('.');
const FAKE_PASSWORD = ['Winter', '-', '2024', '-', 'Payments!'].join('');

function stackWith(build: (s: TerraformStack, mount: Mount) => void): TerraformStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'vault');
  new VaultProvider(stack, 'vault', { address: 'https://vault.example.com:8200' });
  const mount = new Mount(stack, 'kv', { path: 'kv', type: 'kv-v2', lifecycle: { preventDestroy: true } });
  build(stack, mount);
  return stack;
}

const summary = (stack: TerraformStack, props?: TerraformGuardProps) =>
  TerraformGuard.check(stack, props).map((f) => [f.ruleId, f.constructPath, f.propertyPath, f.detail]);

describe('TerraformGuard plaintext rules', () => {
  test('kv data_json is flagged as a literal and even as a reference (state); masked, never the value', () => {
    const stack = stackWith((s, mount) => {
      new KvSecretV2(s, 'literal', { mount: mount.path, name: 'db', dataJson: JSON.stringify({ password: FAKE_PASSWORD }), lifecycle: { preventDestroy: true } });
      const v = new TerraformVariable(s, 'db', { type: 'string', sensitive: true });
      new KvSecretV2(s, 'ref', { mount: mount.path, name: 'api', dataJson: Fn.jsonencode({ password: v.value }), lifecycle: { preventDestroy: true } });
    });
    const findings = TerraformGuard.check(stack);
    expect(findings.map((f) => [f.ruleId, f.constructPath, f.propertyPath, f.detail])).toEqual([
      ['keyward:plaintext-vault-kv-data', 'vault/literal', 'vault_kv_secret_v2.literal.data_json', 'literal secret data (config and state)'],
      ['keyward:plaintext-vault-kv-data', 'vault/ref', 'vault_kv_secret_v2.ref.data_json', 'secret data from a reference, stored in Terraform state'],
    ]);
    expect(JSON.stringify(findings)).not.toContain(FAKE_PASSWORD);
  });

  test('data_json_wo from a sensitive variable passes; from a literal or a non-sensitive variable it does not', () => {
    const stack = stackWith((s, mount) => {
      const sensitive = new TerraformVariable(s, 'db', { type: 'string', sensitive: true });
      const plain = new TerraformVariable(s, 'api', { type: 'string' });
      const kv = (id: string, wo: string) =>
        new KvSecretV2(s, id, { mount: mount.path, name: id, dataJsonWo: wo, dataJsonWoVersion: 1, lifecycle: { preventDestroy: true } });
      kv('ok', Fn.jsonencode({ password: sensitive.value }));
      kv('literal', JSON.stringify({ password: FAKE_PASSWORD }));
      kv('plainvar', Fn.jsonencode({ token: plain.value }));
    });
    expect(summary(stack)).toEqual([
      ['keyward:plaintext-vault-kv-data', 'vault/literal', 'vault_kv_secret_v2.literal.data_json_wo', 'literal secret data in the configuration'],
      ['keyward:plaintext-vault-kv-data', 'vault/plainvar', 'vault_kv_secret_v2.plainvar.data_json_wo', 'value comes from non-sensitive variable(s) api'],
    ]);
  });

  test('every string attribute: provider token, variable default, output, hidden literal in an expression', () => {
    const app = Testing.app();
    const s = new TerraformStack(app, 'vault');
    new VaultProvider(s, 'vault', { address: 'https://vault.example.com:8200', token: FAKE_VAULT_TOKEN });
    new TerraformVariable(s, 'db_password', { type: 'string', default: FAKE_PASSWORD });
    new TerraformOutput(s, 'api_key', { value: ['sk_live_', '4eC39HqLyjWDarjtT1zdp7dc'].join('') });
    new Mount(s, 'kv', { path: 'kv', type: 'kv-v2', description: Fn.jsonencode({ password: FAKE_PASSWORD }), lifecycle: { preventDestroy: true } });
    expect(summary(s)).toEqual([
      ['keyward:plaintext-terraform-attribute', 'vault/kv', 'vault_mount.kv.description', 'literal value of a secret-like name (password)'],
      ['keyward:plaintext-terraform-attribute', 'vault/vault', 'provider.vault.token', 'Vault service token'],
      ['keyward:plaintext-terraform-attribute', 'vault/db_password', 'var.db_password.default', 'literal value of a secret-like name (db_password)'],
      ['keyward:plaintext-terraform-attribute', 'vault/api_key', 'output.api_key.value', 'Stripe secret key'],
    ]);
  });

  test('references pass: variables, resource attributes, paths, names', () => {
    const stack = stackWith((s, mount) => {
      const v = new TerraformVariable(s, 'vault_token', { type: 'string', sensitive: true });
      new VaultProvider(s, 'other', { alias: 'other', address: 'https://vault2.example.com', token: v.stringValue });
      new TerraformOutput(s, 'kv_path', { value: mount.path });
      new TransitSecretBackendKey(s, 'payments', { backend: 'transit', name: 'payments-token-signing', lifecycle: { preventDestroy: true } });
    });
    expect(summary(stack)).toEqual([]);
  });
});

describe('TerraformGuard data-loss rule', () => {
  test('mounts, kv secrets and transit keys without prevent_destroy are flagged; deletion_allowed too', () => {
    const app = Testing.app();
    const s = new TerraformStack(app, 'vault');
    new VaultProvider(s, 'vault', {});
    new Mount(s, 'kv', { path: 'kv', type: 'kv-v2' });
    new TransitSecretBackendKey(s, 'key', { backend: 'transit', name: 'k', deletionAllowed: true, lifecycle: { preventDestroy: true } });
    expect(summary(s)).toEqual([
      ['keyward:retention-prevent-destroy', 'vault/kv', 'vault_mount.kv.lifecycle.prevent_destroy', 'vault_mount without prevent_destroy'],
      ['keyward:retention-prevent-destroy', 'vault/key', 'vault_transit_secret_backend_key.key.deletion_allowed', 'transit key may be deleted, and everything it encrypted with it'],
    ]);
    expect(summary(s, { dataLoss: false })).toEqual([]);
  });

  test('a declared-only SecretPath (vault_generic_endpoint on a KV metadata path) is protected: allowDestroy is flagged', () => {
    const app = Testing.app();
    const s = new VaultStack(app, 'vault');
    const store = new KvStore(s, 'Kv');
    new SecretPath(s, 'Kept', { store, name: 'shop/kept' });
    new SecretPath(s, 'Disposable', { store, name: 'shop/disposable', allowDestroy: true });
    const findings = summary(s);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toEqual([
      'keyward:retention-prevent-destroy',
      'vault/Disposable/Metadata',
      expect.stringMatching(/^vault_generic_endpoint\.Disposable_Metadata_\w+\.lifecycle\.prevent_destroy$/),
      'vault_generic_endpoint without prevent_destroy',
    ]);
  });

  test('a vault_generic_endpoint writing configuration (sys/, auth/) is not a secret path', () => {
    const app = Testing.app();
    const s = new TerraformStack(app, 'vault');
    new VaultProvider(s, 'vault', {});
    new GenericEndpoint(s, 'user', { path: 'auth/userpass/users/ci', dataJson: '{"policies":"ci"}' });
    new GenericEndpoint(s, 'tune', { path: 'sys/mounts/kv/tune', dataJson: '{"max_lease_ttl":"1h"}' });
    new GenericEndpoint(s, 'raw', { path: 'secret/metadata/shop/raw', dataJson: '{"custom_metadata":{}}' });
    expect(summary(s).map((f) => f[1])).toEqual(['vault/raw']);
  });
});

describe('TerraformGuard at synth', () => {
  test('as an aspect on the stack, findings fail synth with path, rule and masked value', () => {
    const stack = stackWith((s, mount) => {
      new KvSecretV2(s, 'db', { mount: mount.path, name: 'db', dataJson: JSON.stringify({ password: FAKE_PASSWORD }), lifecycle: { preventDestroy: true } });
    });
    Aspects.of(stack).add(new TerraformGuard());
    expect(() => Testing.synth(stack, true)).toThrow(/vault\/db: Vault KV secret data is written from the configuration .* at vault_kv_secret_v2\.db\.data_json \(literal secret data \(config and state\): \{"pa\*\*\*\*\(\d+ chars\)\) \[keyward:plaintext-vault-kv-data\]/);
    try {
      Testing.synth(stack, true);
    } catch (e) {
      expect((e as Error).message).not.toContain(FAKE_PASSWORD);
    }
  });

  test('applyTo(app) guards every stack; a clean stack synthesizes', () => {
    const stack = stackWith(() => undefined);
    TerraformGuard.applyTo(stack.node.root);
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  test('acknowledged with a reason passes; an empty reason fails naming construct and rule', () => {
    const build = (reason: string) =>
      stackWith((s, mount) => {
        const kv = new KvSecretV2(s, 'db', { mount: mount.path, name: 'db', dataJson: '${var.x}', lifecycle: { preventDestroy: true } });
        GuardAcknowledgements.acknowledge(kv, 'keyward:plaintext-vault-kv-data', reason);
      });
    expect(TerraformGuard.check(build('migration: moving to data_json_wo in the next release'))).toEqual([]);
    const bad = build('');
    Aspects.of(bad).add(new TerraformGuard());
    expect(() => Testing.synth(bad, true)).toThrow(/vault\/db: acknowledgement of keyward:plaintext-vault-kv-data has an empty reason \(an acknowledgement needs a reason\) \[keyward:acknowledgement-reason\]/);
  });
});

describe('TerraformGuard with a second copy of cdktf', () => {
  // A `file:` dependency or a monorepo link loads cdktf twice: its providers, variables, outputs and locals are
  // other classes than the ones Keyward imported, and their findings must still name their constructs.
  test('findings on a provider, variable, output and local of the second copy name their construct paths', () => {
    let other: typeof import('cdktf') | undefined;
    let OtherProvider: typeof VaultProvider | undefined;
    jest.isolateModules(() => {
      // A fresh require inside isolateModules is what loads the second copy.
      /* eslint-disable @typescript-eslint/no-require-imports */
      other = require('cdktf');
      OtherProvider = require('@cdktf/provider-vault/lib/provider').VaultProvider;
      /* eslint-enable @typescript-eslint/no-require-imports */
    });
    expect(other!.TerraformVariable).not.toBe(TerraformVariable);
    expect(OtherProvider).not.toBe(VaultProvider);
    const app = Testing.app();
    const s = new TerraformStack(app, 'vault');
    new OtherProvider!(s, 'Vault', { address: 'https://vault.example.com:8200', token: FAKE_VAULT_TOKEN });
    new other!.TerraformVariable(s, 'db_password', { type: 'string', default: FAKE_PASSWORD });
    new other!.TerraformOutput(s, 'Api', { value: ['sk_live_', '4eC39HqLyjWDarjtT1zdp7dc'].join('') });
    new other!.TerraformLocal(s, 'Tok', `\${trimspace("${FAKE_VAULT_TOKEN}")}`);
    const kept = new other!.TerraformOutput(s, 'Kept', { value: FAKE_VAULT_TOKEN });
    GuardAcknowledgements.acknowledge(kept, 'keyward:plaintext-terraform-attribute', 'a throwaway dev-server token, revoked on every restart');
    expect(summary(s).map(([rule, path, property]) => [rule, path, property])).toEqual([
      ['keyward:plaintext-terraform-attribute', 'vault/Vault', 'provider.vault.token'],
      ['keyward:plaintext-terraform-attribute', 'vault/db_password', 'var.db_password.default'],
      ['keyward:plaintext-terraform-attribute', 'vault/Api', 'output.Api.value'],
      ['keyward:plaintext-terraform-attribute', 'vault/Tok', 'local.Tok.Tok'],
    ]);
  });
});
