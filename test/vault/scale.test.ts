import { Testing } from 'cdktf';
import { AppRoleWorkload, KvStore, SecretPath } from '../../lib/vault';
import { newStack } from './util';

describe('scale', () => {
  test('one workload granted 5,000 paths has exactly one vault_policy holding exactly those paths', () => {
    const stack = newStack();
    const store = new KvStore(stack, 'Kv', { path: 'kv' });
    const reader = new AppRoleWorkload(stack, 'Reader');
    const N = 5000;
    for (let i = 0; i < N; i++) {
      const s = new SecretPath(stack, `S${i}`, { store, name: `app/s${i}` });
      if (i % 2 === 0) {
        s.grantRead(reader);
      }
    }
    const json = JSON.parse(Testing.synth(stack));
    const policies = Object.values<any>(json.resource.vault_policy);
    expect(policies).toHaveLength(1);
    const paths = [...policies[0].policy.matchAll(/^path "([^"]+)"/gm)].map((m) => m[1]);
    const expected = new Set<string>();
    for (let i = 0; i < N; i += 2) {
      expected.add(`kv/data/app/s${i}`);
      expected.add(`kv/metadata/app/s${i}`);
    }
    expect(paths).toHaveLength(expected.size);
    expect(new Set(paths)).toEqual(expected);
    expect([...paths].sort()).toEqual(paths);
    expect(Object.keys(json.resource.vault_generic_endpoint)).toHaveLength(N);
  });
});
