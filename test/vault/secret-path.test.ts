import { Testing, TerraformVariable } from 'cdktf';
import { GenericEndpoint } from '@cdktf/provider-vault/lib/generic-endpoint';
import { KvSecretV2 } from '@cdktf/provider-vault/lib/kv-secret-v2';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { GrantAction } from '../../lib/core/grant';
import { AppRoleWorkload, KvStore, SecretPath } from '../../lib/vault';
import { keywardError, newStack, resources } from './util';

function setup() {
  const stack = newStack();
  const store = new KvStore(stack, 'Kv', { path: 'kv' });
  return { stack, store };
}

describe('SecretPath', () => {
  test('write-only value from a sensitive map variable goes to data_json_wo via jsonencode', () => {
    const { stack, store } = setup();
    const v = new TerraformVariable(stack, 'db', { type: 'map(string)', sensitive: true });
    new SecretPath(stack, 'Db', { store, name: 'app/db', owner: 'team-a', description: 'db creds', rotationPeriodDays: 30, labels: { tier: 'gold' }, writeOnlyValue: v, writeOnlyValueVersion: 3 });
    const out = Testing.synth(stack);
    expect(out).toHaveResourceWithProperties(KvSecretV2, {
      name: 'app/db',
      data_json_wo: '${jsonencode(var.db)}',
      data_json_wo_version: 3,
      custom_metadata: { data: { owner: 'team-a', description: 'db creds', rotation_period: '30d', tier: 'gold', managed_by: 'keyward' } },
      lifecycle: { prevent_destroy: true },
    });
    const secret = resources(stack, 'vault_kv_secret_v2')[0];
    expect(secret.mount).toMatch(/^\$\{vault_mount\.Kv_Mount_[0-9A-F]+\.path\}$/);
    expect(secret.data_json).toBeUndefined();
    expect(resources(stack, 'vault_generic_endpoint')).toHaveLength(0);
  });

  test('a sensitive string variable is used as is; the version defaults to 1 and may be a variable', () => {
    const { stack, store } = setup();
    const v = new TerraformVariable(stack, 'json', { type: 'string', sensitive: true });
    new SecretPath(stack, 'A', { store, name: 'a', writeOnlyValue: v });
    const ver = new TerraformVariable(stack, 'ver', { type: 'number', default: 1 });
    new SecretPath(stack, 'B', { store, name: 'b', writeOnlyValue: v, writeOnlyValueVersion: ver.numberValue });
    const out = Testing.synth(stack);
    expect(out).toHaveResourceWithProperties(KvSecretV2, { name: 'a', data_json_wo: '${var.json}', data_json_wo_version: 1 });
    expect(out).toHaveResourceWithProperties(KvSecretV2, { name: 'b', data_json_wo_version: '${var.ver}' });
  });

  test('declared only: metadata written to <mount>/metadata/<name>, never data', () => {
    const { stack, store } = setup();
    new SecretPath(stack, 'Key', { store, name: 'stripe/key', owner: 'team-a' });
    const out = Testing.synth(stack);
    expect(out).toHaveResourceWithProperties(GenericEndpoint, {
      data_json: JSON.stringify({ custom_metadata: { managed_by: 'keyward', owner: 'team-a' } }),
      disable_delete: true,
      ignore_absent_fields: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(resources(stack, 'vault_generic_endpoint')[0].path).toMatch(/\.path\}\/metadata\/stripe\/key$/);
    expect(resources(stack, 'vault_kv_secret_v2')).toHaveLength(0);
  });

  test('allowDestroy lets Terraform remove a declared secret', () => {
    const { stack, store } = setup();
    new SecretPath(stack, 'Key', { store, name: 'k', allowDestroy: true });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(GenericEndpoint, { disable_delete: false, lifecycle: { prevent_destroy: false } });
  });

  test('grants render exactly the granted paths, and are returned to the caller', () => {
    const { stack, store } = setup();
    const a = new SecretPath(stack, 'A', { store, name: 'app/a' });
    const b = new SecretPath(stack, 'B', { store, name: 'app/b' });
    new SecretPath(stack, 'C', { store, name: 'app/c' });
    const job = new AppRoleWorkload(stack, 'Job');
    const g = a.grantRead(job);
    expect(g.actions).toEqual([GrantAction.READ]);
    expect(g.workload).toBe(job);
    expect(g.policyText).toBe('path "kv/data/app/a" {\n  capabilities = ["read"]\n}\n\npath "kv/metadata/app/a" {\n  capabilities = ["read"]\n}\n');
    expect(b.grantWrite(job).policyText).toBe('path "kv/data/app/b" {\n  capabilities = ["create", "update"]\n}\n');
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Policy, {
      name: 'stack--job',
      policy:
        'path "kv/data/app/a" {\n  capabilities = ["read"]\n}\n\n' +
        'path "kv/data/app/b" {\n  capabilities = ["create", "update"]\n}\n\n' +
        'path "kv/metadata/app/a" {\n  capabilities = ["read"]\n}\n',
    });
  });

  test('grantReadWrite merges read and write on the data path', () => {
    const { stack, store } = setup();
    const a = new SecretPath(stack, 'A', { store, name: 'a' });
    const job = new AppRoleWorkload(stack, 'Job');
    expect(a.grantReadWrite(job).actions).toEqual([GrantAction.READ, GrantAction.WRITE]);
    expect(job.policyDocument.render()).toBe('path "kv/data/a" {\n  capabilities = ["create", "read", "update"]\n}\n\npath "kv/metadata/a" {\n  capabilities = ["read"]\n}\n');
  });

  test('grants made after the workload and after other constructs are still in its policy (lazy rendering)', () => {
    const { stack, store } = setup();
    const job = new AppRoleWorkload(stack, 'Job');
    const late = new SecretPath(stack, 'Late', { store, name: 'late' });
    late.grantRead(job);
    expect(resources(stack, 'vault_policy')[0].policy).toContain('path "kv/data/late"');
  });

  test.each([
    ['', 'empty'],
    ['/a', 'starts or ends with "/"'],
    ['a/', 'starts or ends with "/"'],
    ['a/../b', '".." segment'],
    ['a b', 'whitespace'],
    ['a/*', 'glob character'],
    ['a+b', 'glob character'],
  ])('invalid secret name %j is an error naming the construct and rule', (name, msg) => {
    const { stack, store } = setup();
    expect(() => new SecretPath(stack, 'S', { store, name })).toThrow(keywardError('stack/S', 'vault-name'));
    const again = setup();
    expect(() => new SecretPath(again.stack, 'S', { store: again.store, name })).toThrow(msg);
  });

  test('duplicate paths in a store are an error', () => {
    const { stack, store } = setup();
    new SecretPath(stack, 'A', { store, name: 'app/db' });
    expect(() => new SecretPath(stack, 'B', { store, name: 'app/db' })).toThrow(keywardError('stack/B', 'duplicate-path'));
    expect(() => new SecretPath(stack, 'C', { store, name: 'app/db' })).toThrow(/secret path "kv\/app\/db" is already declared by stack\/A/);
    // Same name in another store is fine.
    const other = new KvStore(stack, 'Other', { path: 'kv2' });
    expect(() => new SecretPath(stack, 'D', { store: other, name: 'app/db' })).not.toThrow();
  });

  test('a write-only value that is not a sensitive variable is an error', () => {
    const { stack, store } = setup();
    const plain = new TerraformVariable(stack, 'plain', { type: 'map(string)' });
    expect(() => new SecretPath(stack, 'A', { store, name: 'a', writeOnlyValue: plain })).toThrow(keywardError('stack/A', 'write-only-sensitive'));
    expect(() => new SecretPath(stack, 'B', { store, name: 'b', writeOnlyValue: plain })).toThrow(/variable stack\/plain is not sensitive/);
    // From JavaScript (or another jsii language) a literal could be passed: refused, never rendered.
    const literal = '{"password":"hunter2"}' as unknown as TerraformVariable;
    expect(() => new SecretPath(stack, 'C', { store, name: 'c', writeOnlyValue: literal })).toThrow(keywardError('stack/C', 'write-only-sensitive'));
    // A default would put a value in cdk.tf.json, sensitive or not.
    const withDefault = new TerraformVariable(stack, 'tok', { type: 'string', sensitive: true, default: '{"value":"correct horse battery staple"}' });
    expect(() => new SecretPath(stack, 'E', { store, name: 'e', writeOnlyValue: withDefault })).toThrow(keywardError('stack/E', 'write-only-sensitive'));
    expect(() => new SecretPath(stack, 'F', { store, name: 'f', writeOnlyValue: withDefault })).toThrow(/has a default.*TF_VAR_tok/);
    const list = new TerraformVariable(stack, 'list', { type: 'list(string)', sensitive: true });
    expect(() => new SecretPath(stack, 'D', { store, name: 'd', writeOnlyValue: list })).toThrow(/has type list\(string\)/);
  });

  test('write-only values cannot go to a check-and-set store; versions must be positive', () => {
    const stack = newStack();
    const cas = new KvStore(stack, 'Cas', { path: 'cas', casRequired: true });
    const v = new TerraformVariable(stack, 'v', { type: 'map(string)', sensitive: true });
    expect(() => new SecretPath(stack, 'A', { store: cas, name: 'a', writeOnlyValue: v })).toThrow(keywardError('stack/A', 'write-only-value'));
    const store = new KvStore(stack, 'Kv', { path: 'kv' });
    expect(() => new SecretPath(stack, 'B', { store, name: 'b', writeOnlyValue: v, writeOnlyValueVersion: 0 })).toThrow(keywardError('stack/B', 'write-only-value'));
    expect(() => new SecretPath(stack, 'C', { store, name: 'c', writeOnlyValueVersion: 2 })).toThrow(/there is no writeOnlyValue/);
  });

  test('metadata rules: reserved keys, sizes, interpolation', () => {
    const { stack, store } = setup();
    expect(() => new SecretPath(stack, 'A', { store, name: 'a', labels: { owner: 'x' } })).toThrow(keywardError('stack/A', 'secret-metadata'));
    expect(() => new SecretPath(stack, 'B', { store, name: 'b', description: 'x'.repeat(513) })).toThrow(/longer than 512 bytes/);
    expect(() => new SecretPath(stack, 'C', { store, name: 'c', owner: '${var.x}' })).toThrow(/interpolate/);
    // A template directive is evaluated by Terraform too.
    expect(() => new SecretPath(stack, 'E', { store, name: 'e', description: 'x %{ if true }leak%{ endif }' })).toThrow(keywardError('stack/E', 'secret-metadata'));
    expect(() => new SecretPath(stack, 'D', { store, name: 'd', rotationPeriodDays: 0 })).toThrow(keywardError('stack/D', 'secret-metadata'));
  });
});
