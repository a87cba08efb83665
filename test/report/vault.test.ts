// The Vault side of the report on hand-written Terraform JSON: policy HCL, Vault's rule priority, deny, globs, and
// auth roles of every kind.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { accessReport, AccessReport } from '../../lib/report';
import { parseVaultPolicy, vaultPathMatches, vaultPriority } from '../../lib/report/vault';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-report-vault-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A cdk.tf.json with a KV v2 mount `kv`, secrets `app/db` and `app/other`, and the given policies and roles. */
function tf(policies: { [name: string]: string }, roles: { [type: string]: { [id: string]: any } }): string {
  const dir = path.join(tmp, `s${n++}`);
  fs.mkdirSync(dir);
  const policy: any = {};
  for (const [name, text] of Object.entries(policies)) {
    policy[name] = { name, policy: text };
  }
  const doc = {
    resource: {
      vault_mount: { kv: { path: 'kv', type: 'kv-v2' } },
      vault_kv_secret_v2: {
        db: { mount: '${vault_mount.kv.path}', name: 'app/db', data_json_wo: '${var.x}' },
        other: { mount: '${vault_mount.kv.path}', name: 'app/other', data_json_wo: '${var.x}' },
      },
      vault_jwt_auth_backend: { gh: { path: 'github', bound_issuer: 'https://token.actions.githubusercontent.com' } },
      vault_policy: policy,
      ...roles,
    },
  };
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(doc));
  return dir;
}

const readers = (r: AccessReport, name: string) => r.resources.find((x) => x.name === name)!.readers.map((a) => a.workload.replace(/^[^:]+:/, '')).sort();
const writers = (r: AccessReport, name: string) => r.resources.find((x) => x.name === name)!.writers.map((a) => a.workload.replace(/^[^:]+:/, '')).sort();

test('HCL with comments, other attributes and both path glob kinds; its JSON form gives the same rules', () => {
  const hcl = `# reads\npath "kv/data/app/*" {\n  capabilities = ["read", "list"] // trailing\n  allowed_parameters = { "x" = [] }\n}\n/* block */ path "kv/data/+/db" { capabilities = ["deny"] }\n`;
  const rules = parseVaultPolicy(hcl, 'test');
  expect(rules).toEqual([{ path: 'kv/data/app/*', capabilities: ['read', 'list'] }, { path: 'kv/data/+/db', capabilities: ['deny'] }]);
  expect(parseVaultPolicy(JSON.stringify({ path: { 'kv/data/app/*': { capabilities: ['read', 'list'] }, 'kv/data/+/db': { capabilities: ['deny'] } } }), 'test')).toEqual(rules);
});

test('path matching and Vault priority: exact beats glob, later glob beats earlier, fewer + beats more', () => {
  expect(vaultPathMatches('kv/data/app/*', 'kv/data/app/db')).toBe(true);
  expect(vaultPathMatches('kv/data/+/db', 'kv/data/app/db')).toBe(true);
  expect(vaultPathMatches('kv/data/+/db', 'kv/data/a/b/db')).toBe(false);
  expect(vaultPathMatches('kv/data/app', 'kv/data/app/db')).toBe(false);
  expect(vaultPriority('kv/data/app/db', 'kv/data/app/*')).toBeGreaterThan(0);
  expect(vaultPriority('kv/data/*', 'kv/data/app/*')).toBeLessThan(0);
  expect(vaultPriority('kv/data/+/+', 'kv/data/+/db')).toBeLessThan(0);
});

test('a deny on the most specific path takes away what a glob gives; a broader deny does not beat a specific allow', () => {
  const report = accessReport([tf(
    { reader: 'path "kv/data/*" { capabilities = ["read"] }\npath "kv/data/app/other" { capabilities = ["deny"] }\npath "kv/*" { capabilities = ["deny"] }\n' },
    { vault_approle_auth_backend_role: { r: { backend: 'approle', role_name: 'batch', token_policies: ['${vault_policy.reader.name}'] } } },
  )]);
  expect(readers(report, 'kv/app/db')).toEqual(['auth/approle/role/batch']);
  expect(readers(report, 'kv/app/other')).toEqual([]);
  expect(report.resources.find((x) => x.name === 'kv/app/db')!.readers[0]).toMatchObject({ wildcard: true, matched: ['kv/data/*'] });
});

test('two policies on one role: rules on the same path are merged; policy names are matched literally too', () => {
  const report = accessReport([tf(
    { one: 'path "kv/data/app/db" { capabilities = ["read"] }', two: 'path "kv/data/app/db" { capabilities = ["update"] }' },
    { vault_jwt_auth_backend_role: { r: { backend: '${vault_jwt_auth_backend.gh.path}', role_name: 'deploy', role_type: 'jwt', bound_audiences: ['a'], bound_claims: { repository: 'acme/x' }, token_policies: ['one', 'TWO'] } } },
  )]);
  expect(readers(report, 'kv/app/db')).toEqual(['auth/github/role/deploy']);
  expect(writers(report, 'kv/app/db')).toEqual(['auth/github/role/deploy']);
  expect(report.workloads[0]).toMatchObject({ kind: 'GitHub Actions', binding: { 'bound_claims.repository': ['acme/x'] } });
});

test('roles of every auth kind; a policy that is not in the output is a warning', () => {
  const report = accessReport([tf(
    { p: 'path "kv/data/app/db" { capabilities = ["read"] }' },
    {
      vault_kubernetes_auth_backend_role: { k: { backend: 'kubernetes', role_name: 'api', bound_service_account_names: ['api'], bound_service_account_namespaces: ['prod'], token_policies: ['p'] } },
      vault_aws_auth_backend_role: { a: { backend: 'aws', role: 'ec2', auth_type: 'iam', bound_iam_principal_arns: ['arn:aws:iam::111111111111:role/x'], token_policies: ['p', 'missing'] } },
    },
  )]);
  expect(readers(report, 'kv/app/db')).toEqual(['auth/aws/role/ec2', 'auth/kubernetes/role/api']);
  expect(report.workloads.map((w) => w.kind).sort()).toEqual(['AWS IAM (Vault)', 'Kubernetes service account']);
  expect(report.warnings.join()).toContain('policy "missing" is not in the output');
});
