import { Testing } from 'cdktf';
import { KvSecretBackendV2 } from '@cdktf/provider-vault/lib/kv-secret-backend-v2';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { AppRoleWorkload, KvStore, SecretPath, TransitEngine } from '../../lib/vault';
import { keywardError, newStack } from './util';

describe('KvStore', () => {
  test('declares a kv-v2 mount with settings and prevent_destroy', () => {
    const stack = newStack();
    new KvStore(stack, 'Kv', { path: 'payments', maxVersions: 3, casRequired: true, deleteVersionAfterSeconds: 86400 });
    const out = Testing.synth(stack);
    expect(out).toHaveResourceWithProperties(Mount, { path: 'payments', type: 'kv-v2', lifecycle: { prevent_destroy: true } });
    expect(out).toHaveResourceWithProperties(KvSecretBackendV2, {
      max_versions: 3,
      cas_required: true,
      delete_version_after: 86400,
    });
  });

  test('defaults: path kv, 10 versions, no cas', () => {
    const stack = newStack();
    new KvStore(stack, 'Kv');
    const out = Testing.synth(stack);
    expect(out).toHaveResourceWithProperties(Mount, { path: 'kv', type: 'kv-v2' });
    expect(out).toHaveResourceWithProperties(KvSecretBackendV2, { max_versions: 10, cas_required: false });
  });

  test('allowDestroy turns prevent_destroy off, by name', () => {
    const stack = newStack();
    new KvStore(stack, 'Kv', { allowDestroy: true });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Mount, { lifecycle: { prevent_destroy: false } });
  });

  test.each([['', 'empty'], ['/kv', 'starts or ends'], ['kv/', 'starts or ends'], ['a/../b', '".."'], ['k v', 'whitespace'], ['kv*', 'glob'], ['kv+', 'glob']])(
    'invalid mount path %j is an error naming the construct and rule',
    (path, msg) => {
      const stack = newStack();
      expect(() => new KvStore(stack, 'Kv', { path })).toThrow(keywardError('stack/Kv', 'vault-name'));
      expect(() => new KvStore(newStack(), 'Kv', { path })).toThrow(msg);
    },
  );

  test('two mounts at one path are an error', () => {
    const stack = newStack();
    new KvStore(stack, 'A', { path: 'kv' });
    expect(() => new KvStore(stack, 'B', { path: 'kv' })).toThrow(keywardError('stack/B', 'duplicate-path'));
    expect(() => new TransitEngine(stack, 'T', { path: 'kv' })).toThrow(/mount path "kv" is already declared by stack\/A/);
  });

  test('importing a KV v1 mount as v2 is an error', () => {
    const stack = newStack();
    expect(() => KvStore.fromMountAttributes(stack, 'Old', { path: 'secret', mountType: 'kv' })).toThrow(keywardError('stack/Old', 'kv-version'));
    expect(() => KvStore.fromMountAttributes(stack, 'Old1', { path: 'secret', mountType: 'kv', options: { version: '1' } })).toThrow(/KV version 1/);
    expect(() => KvStore.fromMountAttributes(stack, 'Gen', { path: 'secret', mountType: 'generic' })).toThrow(/not KV version 2/);
    expect(KvStore.fromMountAttributes(stack, 'V2', { path: 'secret', mountType: 'kv', options: { version: '2' } }).mountPath).toBe('secret');
    expect(KvStore.fromMountAttributes(stack, 'V2b', { path: 'secret2', mountType: 'kv-v2' }).mountPath).toBe('secret2');
  });

  test('a raw kv v1 vault_mount cannot be used as a store; a v2 one is referenced', () => {
    const stack = newStack();
    const v1 = new Mount(stack, 'V1', { path: 'legacy', type: 'kv', options: { version: '1' } });
    expect(() => KvStore.fromMount(stack, 'Legacy', v1)).toThrow(keywardError('stack/Legacy', 'kv-version'));
    const v2 = new Mount(stack, 'V2', { path: 'modern', type: 'kv', options: { version: '2' } });
    const store = KvStore.fromMount(stack, 'Modern', v2);
    new SecretPath(stack, 'S', { store, name: 'a' });
    const json = JSON.parse(Testing.synth(stack));
    const ep: any = Object.values(json.resource.vault_generic_endpoint)[0];
    expect(ep.path).toBe("${vault_mount.V2.path}/metadata/a");
  });

  test('prefix grants are explicit globs under the prefix only', () => {
    const stack = newStack();
    const store = new KvStore(stack, 'Kv', { path: 'kv' });
    const w = new AppRoleWorkload(stack, 'Job');
    const read = store.grantReadPrefix(w, 'team/app');
    expect(read.policyText).toBe(
      'path "kv/data/team/app/*" {\n  capabilities = ["read"]\n}\n\npath "kv/metadata/team/app/*" {\n  capabilities = ["read"]\n}\n',
    );
    const write = store.grantWritePrefix(w, 'team/app');
    expect(write.policyText).toBe('path "kv/data/team/app/*" {\n  capabilities = ["create", "update"]\n}\n');
    expect(() => store.grantReadPrefix(w, 'team/*')).toThrow(keywardError('stack/Kv', 'vault-name'));
    expect(() => store.grantReadPrefix(w, '')).toThrow(/secret prefix is empty/);
  });
});
