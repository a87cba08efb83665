import { AppRoleAuthBackend, JwtAuthBackend, KubernetesAuthBackend, KvStore, TransitEngine } from '../../lib/vault';
import { keywardError, newStack } from './util';

describe('mount paths are neither duplicated nor nested', () => {
  test.each([
    ['platform', 'platform/team'],
    ['platform/team', 'platform'],
    ['a/b', 'a/b/c/d'],
  ])('KV stores at %j and %j are an error (nested-mount)', (first, second) => {
    const stack = newStack();
    new KvStore(stack, 'First', { path: first });
    expect(() => new KvStore(stack, 'Second', { path: second })).toThrow(keywardError('stack/Second', 'nested-mount'));
  });

  test('a Transit engine nested in a KV store (and the reverse) is an error', () => {
    const stack = newStack();
    new KvStore(stack, 'Kv', { path: 'platform' });
    expect(() => new TransitEngine(stack, 'Transit', { path: 'platform/transit' })).toThrow(keywardError('stack/Transit', 'nested-mount'));
    new TransitEngine(stack, 'Crypto', { path: 'crypto' });
    expect(() => new KvStore(stack, 'Inner', { path: 'crypto/kv' })).toThrow(keywardError('stack/Inner', 'nested-mount'));
  });

  test('an imported KV mount counts: a new store inside it is an error, and the reverse', () => {
    const stack = newStack();
    KvStore.fromMountAttributes(stack, 'Secret', { path: 'secret', mountType: 'kv-v2' });
    expect(() => new KvStore(stack, 'Team', { path: 'secret/team' })).toThrow(keywardError('stack/Team', 'nested-mount'));
    new KvStore(stack, 'Apps', { path: 'apps' });
    expect(() => KvStore.fromMountAttributes(stack, 'Old', { path: 'apps/old', mountType: 'kv-v2' })).toThrow(keywardError('stack/Old', 'nested-mount'));
  });

  test('duplicates stay duplicate-path; siblings and shared prefixes without "/" are fine', () => {
    const stack = newStack();
    new KvStore(stack, 'A', { path: 'platform' });
    expect(() => new KvStore(stack, 'B', { path: 'platform' })).toThrow(keywardError('stack/B', 'duplicate-path'));
    expect(() => new TransitEngine(stack, 'T', { path: 'platform' })).toThrow(keywardError('stack/T', 'duplicate-path'));
    new KvStore(stack, 'C', { path: 'platform2' });
    new KvStore(stack, 'D', { path: 'team/a' });
    new KvStore(stack, 'E', { path: 'team/b' });
    // Secrets engines and auth methods are mounted in separate tables: the same path in both is fine.
    new AppRoleAuthBackend(stack, 'Auth', { path: 'platform' });
  });

  test('nested auth backend paths are an error', () => {
    const stack = newStack();
    new JwtAuthBackend(stack, 'Ci', { path: 'ci' });
    expect(() => new AppRoleAuthBackend(stack, 'Batch', { path: 'ci/batch' })).toThrow(keywardError('stack/Batch', 'nested-mount'));
    new KubernetesAuthBackend(stack, 'K8s', { path: 'k8s/prod' });
    expect(() => new JwtAuthBackend(stack, 'Outer', { path: 'k8s' })).toThrow(keywardError('stack/Outer', 'nested-mount'));
  });
});
