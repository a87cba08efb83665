/**
 * `keyward report` against a real OpenBao dev server: for policies with globs (`*`, `+`), deny and overlapping paths,
 * the readers the report computes from the Terraform JSON are exactly the tokens the server lets read each KV path.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { accessReport } from '../../lib/report';
import { engines } from './support/engines';
import { DevVault, startDevVault } from './support/vault';

const PATHS = ['app/db', 'app/other', 'team/db', 'a/b/db', 'app/dbx'];

/** Each case: the policies its token (and its AppRole in the report) carries. */
const CASES: { [name: string]: string[] } = {
  'glob-with-deny': ['path "kv/data/*" { capabilities = ["read"] }\npath "kv/data/app/other" { capabilities = ["deny"] }'],
  'plus-segment': ['path "kv/data/+/db" { capabilities = ["read"] }'],
  'exact-beats-glob-deny': ['path "kv/data/app/*" { capabilities = ["deny"] }\npath "kv/data/app/db" { capabilities = ["read"] }'],
  'later-glob-wins': ['path "kv/*" { capabilities = ["deny"] }\npath "kv/data/*" { capabilities = ["read"] }'],
  'deny-in-second-policy': ['path "kv/data/app/db" { capabilities = ["read"] }', 'path "kv/data/app/db" { capabilities = ["deny"] }'],
  'prefix-mid-name': ['path "kv/data/app/d*" { capabilities = ["read"] }'],
  'fewer-plus-wins': ['path "kv/data/+/+" { capabilities = ["read"] }\npath "kv/data/+/db" { capabilities = ["deny"] }'],
  'two-plus-levels': ['path "kv/data/a/+/db" { capabilities = ["read"] }\npath "kv/data/+" { capabilities = ["read"] }'],
  'list-only': ['path "kv/data/*" { capabilities = ["list"] }'],
};

let vault: DevVault;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-report-bao-'));

beforeAll(async () => {
  vault = await startDevVault(engines().bao);
  await vault.root.ok('POST', 'sys/mounts/kv', { type: 'kv', options: { version: '2' } });
  for (const p of PATHS) {
    await vault.root.ok('POST', `kv/data/${p}`, { data: { v: 'test-value' } });
  }
});

afterAll(async () => {
  await vault?.server.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('report readers = what the server allows, for every case and path', async () => {
  const observed: string[] = [];
  const policies: { [id: string]: { name: string; policy: string } } = {};
  const roles: { [id: string]: any } = {};
  for (const [name, texts] of Object.entries(CASES)) {
    const names = texts.map((_t, i) => `${name}-${i}`);
    for (const [i, text] of texts.entries()) {
      await vault.root.ok('PUT', `sys/policies/acl/${names[i]}`, { policy: text });
      policies[names[i]] = { name: names[i], policy: text };
    }
    roles[name] = { backend: 'approle', role_name: name, token_policies: names };
    const token = (await vault.root.ok('POST', 'auth/token/create', { policies: names, no_default_policy: true })).body.auth.client_token;
    const client = vault.root.withToken(token);
    for (const p of PATHS) {
      const r = await client.request('GET', `kv/data/${p}`);
      expect([200, 403]).toContain(r.status);
      if (r.status === 200) {
        observed.push(`${name} reads ${p}`);
      }
    }
  }

  const dir = path.join(tmp, 'stack');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify({
    resource: {
      vault_mount: { kv: { path: 'kv', type: 'kv-v2' } },
      vault_kv_secret_v2: Object.fromEntries(PATHS.map((p, i) => [`s${i}`, { mount: '${vault_mount.kv.path}', name: p }])),
      vault_policy: policies,
      vault_approle_auth_backend_role: roles,
    },
  }));
  const report = accessReport([dir]);
  const predicted = report.resources.flatMap((r) => r.readers.map((a) => `${a.workload.replace(/^.*\/role\//, '')} reads ${r.name.replace(/^kv\//, '')}`));
  expect(predicted.sort()).toEqual(observed.sort());
  // The cases are not trivial: some reads are allowed and some refused.
  expect(observed.length).toBeGreaterThan(5);
  expect(observed.length).toBeLessThan(Object.keys(CASES).length * PATHS.length);
});
