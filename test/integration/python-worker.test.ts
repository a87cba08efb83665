/**
 * The Python example's worker on Vault: examples/python/vault_app.py synthesized by Python (the keyward wheel in
 * examples/python/.venv, which scripts/python-ci.sh creates), applied with real Terraform to a real OpenBao dev server
 * on loopback; then the worker's own hvac code (services/worker/vault_source.py, entrypoint.py) logs in with its
 * AppRole, reads the two paths the app grants it, and is denied everything else. Same override.tf.json as
 * vault.test.ts: local state, the built provider version, and the JWT backend trusting a local key instead of GitHub.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { engines, Engines, REPO_ROOT } from './support/engines';
import { GITHUB_ISSUER, TestIssuer } from './support/jwt';
import { run, RunResult, runOk } from './support/process';
import { TerraformDir } from './support/terraform';
import { DevVault, startDevVault } from './support/vault';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'python');
const WORKER = path.join(EXAMPLE, 'services', 'worker');
const PYTHON = path.join(EXAMPLE, '.venv', 'bin', 'python');
// What examples/python declares (billing/names.py, billing/vault_stack.py).
const STACK = 'billing-vault';
const KV = 'billing';
const DATABASE = 'database';
const REPORTING = 'reporting/credentials';
const STRIPE = 'stripe/api-key';
const WORKER_ROLE = 'billing-vault--worker';

let eng: Engines;
let vault: DevVault;
let tf: TerraformDir;
let outdir: string;
const issuer = new TestIssuer(GITHUB_ISSUER);
// Test data, written out of band as the example documents (`bao kv put`).
const database = {
  host: 'db.internal', port: '5432', dbname: 'billing', username: 'billing_app', password: `pw/${randomBytes(12).toString('base64url')}@x`,
};
const reporting = { type: 'service_account', client_email: 'reports@example.iam', private_key: `k-${randomBytes(16).toString('hex')}` };

async function freshSecretId(): Promise<string> {
  return (await vault.root.ok('POST', `auth/approle/role/${WORKER_ROLE}/secret-id`)).body.data.secret_id;
}

async function roleId(): Promise<string> {
  return (await vault.root.ok('GET', `auth/approle/role/${WORKER_ROLE}/role-id`)).body.data.role_id;
}

function python(args: string[], env: NodeJS.ProcessEnv): RunResult {
  // Only what the worker gets from its scheduler: no VAULT_TOKEN of the test's root.
  return run(PYTHON, args, { cwd: WORKER, env: { VAULT_TOKEN: '', BAO_TOKEN: '', PYTHONDONTWRITEBYTECODE: '1', ...env } });
}

beforeAll(async () => {
  eng = engines();
  if (!fs.existsSync(PYTHON)) {
    throw new Error(`${PYTHON} missing: run bash scripts/python-ci.sh (builds the wheel and the example's venv)`);
  }
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-python-cdktf-'));
  runOk(PYTHON, ['vault_app.py'], { cwd: EXAMPLE, env: { CDKTF_OUTDIR: outdir } });
  vault = await startDevVault(eng.bao);

  tf = new TerraformDir(eng, {}, 'python-worker');
  tf.useConfig(path.join(outdir, 'stacks', STACK, 'cdk.tf.json'));
  tf.writeOverrideTrustingKey(issuer.publicKeyPem);
  tf.init();
  tf.apply({ VAULT_ADDR: vault.addr, VAULT_TOKEN: vault.rootToken });

  for (const [p, data] of [[DATABASE, database], [REPORTING, reporting], [STRIPE, { key: 'sk_test_out_of_band' }]] as const) {
    await vault.root.ok('POST', `${KV}/data/${p}`, { data });
  }
});

afterAll(async () => {
  await vault?.server.stop();
  tf?.remove();
  if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
});

// Runs the worker's vault_source with hvac: its load_settings (what entrypoint.py calls), then probes single reads
// with a second login. Prints the loaded settings (test data) so the test can compare them with what it wrote.
const PROBE = `
import json, os, sys
import hvac.exceptions
import vault_source
settings = vault_source.load_settings(os.environ)
client = vault_source.login(os.environ["VAULT_ADDR"], os.environ["VAULT_ROLE_ID"], os.environ["PROBE_SECRET_ID"])
probes = {}
for p in sys.argv[1:]:
    try:
        vault_source.read(client, p)
        probes[p] = "allowed"
    except hvac.exceptions.Forbidden:
        probes[p] = "denied"
print(json.dumps({"database_url": settings.database_url, "reporting": settings.reporting_credentials, "probes": probes}))
`;

test('the worker\'s hvac code reads its two paths after an AppRole login and is denied on every other path', async () => {
  const r = python(['-c', PROBE, DATABASE, REPORTING, STRIPE, 'other/unrelated'], {
    VAULT_ADDR: vault.addr, VAULT_ROLE_ID: await roleId(), VAULT_SECRET_ID: await freshSecretId(), PROBE_SECRET_ID: await freshSecretId(),
  });
  expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({ status: 0, stderr: '' });
  const out = JSON.parse(r.stdout);
  const quote = encodeURIComponent;
  expect(out.database_url).toBe(
    `postgresql://${quote(database.username)}:${quote(database.password)}@${database.host}:${database.port}/${database.dbname}`);
  expect(out.reporting).toEqual(reporting);
  expect(out.probes).toEqual({ [DATABASE]: 'allowed', [REPORTING]: 'allowed', [STRIPE]: 'denied', 'other/unrelated': 'denied' });
});

test('the worker\'s entrypoint loads its settings from Vault and logs no value; a used secret ID cannot log in again', async () => {
  const env = { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: await roleId(), VAULT_SECRET_ID: await freshSecretId() };
  const first = python(['entrypoint.py'], env);
  expect({ status: first.status, stderr: first.stderr.trim() }).toEqual({
    status: 0, stderr: `billing.worker INFO settings loaded: database and reporting credentials (${Object.keys(reporting).length} fields)`,
  });
  const again = python(['entrypoint.py'], env);
  expect({ status: again.status, stderr: again.stderr.trim() }).toEqual({ status: 2, stderr: 'billing.worker ERROR AppRole login failed: InvalidRequest' });
  for (const out of [first.stdout + first.stderr, again.stdout + again.stderr]) {
    expect(out.includes(database.password)).toBe(false);
    expect(out.includes(reporting.private_key)).toBe(false);
    expect(out.includes(env.VAULT_SECRET_ID)).toBe(false);
  }
});
