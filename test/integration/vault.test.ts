/**
 * The Vault example (cdktf.out/stacks/payments-vault/cdk.tf.json, exactly as `npm run synth` wrote it) applied with
 * real Terraform and terraform-provider-vault to a real OpenBao dev server on loopback, then used by each workload
 * through the Vault HTTP API, and attacked with tokens that must not log in. The only changes, in Terraform's override.tf.json: local state in the scratch dir, the
 * provider version setup-engines.sh could build, and the JWT backend trusting a key generated here instead of GitHub's
 * issuer (same bound_issuer, so tokens carry GitHub's `iss`).
 */
import { randomBytes } from 'crypto';
import { engines, Engines } from './support/engines';
import { GITHUB_ISSUER, TestIssuer } from './support/jwt';
import { FakeKubernetesApi, startFakeKubernetesApi } from './support/kubernetes';
import { Matrix, Outcome } from './support/matrix';
import { cdktfStacks } from './support/outputs';
import { TerraformDir } from './support/terraform';
import { DevVault, startDevVault, VaultClient, VaultResponse } from './support/vault';

const STACK = 'payments-vault';
// What examples/vault-app.ts declares; the test asserts the server enforces exactly this.
const KV = 'payments';
const DB = 'db/credentials';
const API_KEY = 'stripe/api-key';
const TRANSIT_KEY = 'payments-pii';
const REPO = 'acme/payments';
const AUDIENCE = 'https://github.com/acme';
// Role and policy names: the example's construct paths (a workload's role is named after its policy).
const DEPLOY_ROLE = 'payments-vault--deploy';
const BATCH_ROLE = 'payments-vault--settlementbatch';
const API_ROLE = 'payments-vault--api';

let eng: Engines;
let vault: DevVault;
let k8s: FakeKubernetesApi;
let tf: TerraformDir;
const issuer = new TestIssuer(GITHUB_ISSUER);
const dbPassword = `pw-${randomBytes(18).toString('base64url')}`;
const dbValue = () => JSON.stringify({ username: 'payments', password: dbPassword });
const matrix = new Matrix('Vault (OpenBao dev server): workload x path, as observed');
const logins = new Matrix('Vault: who can log in, as observed');
let applyOutput = '';

function tfEnv(): NodeJS.ProcessEnv {
  // The example's SOPS file is encrypted for the example account's KMS key; sops-vault.test.ts proves the sops exec-env
  // path, so here the ephemeral variable it feeds is set directly.
  return { VAULT_ADDR: vault.addr, VAULT_TOKEN: vault.rootToken, TF_VAR_db_credentials: dbValue(), TF_VAR_payment_provider_PAYMENT_PROVIDER_API_KEY: `pk-${dbPassword}` };
}

beforeAll(async () => {
  eng = engines();
  const stacks = cdktfStacks();
  if (!stacks[STACK]) throw new Error(`cdktf.out has no stack ${STACK} (stacks: ${Object.keys(stacks).join(', ')})`);
  vault = await startDevVault(eng.bao);
  k8s = await startFakeKubernetesApi();

  tf = new TerraformDir(eng, {}, 'vault-example');
  tf.useConfig(stacks[STACK]);
  tf.writeOverrideTrustingKey(issuer.publicKeyPem);
  tf.init();
  applyOutput = tf.apply(tfEnv()).stdout;

  // Out of band, as the example documents: the API key value and the Kubernetes API the backend reviews tokens with.
  await vault.root.ok('POST', `${KV}/data/${API_KEY}`, { data: { key: 'sk_test_out_of_band' } });
  await vault.root.ok('POST', 'auth/kubernetes/config', {
    kubernetes_host: k8s.url, kubernetes_ca_cert: k8s.caCertPem, disable_local_ca_jwt: true, token_reviewer_jwt: 'reviewer',
  });
});

afterAll(async () => {
  matrix.print();
  logins.print();
  await vault?.server.stop();
  await k8s?.stop();
  tf?.remove();
});

function outcome(r: VaultResponse): Outcome {
  if (r.status === 200 || r.status === 204) return 'allowed';
  if (r.status === 403) return 'denied';
  throw new Error(`unexpected status ${r.status}: ${JSON.stringify(r.body)}`);
}

/**
 * The policies a successful login's token carries: exactly the workload's own, without Vault's `default`
 * (token_no_default_policy). Returns a problem, or '' when they are exactly `[policy]`.
 */
function policyProblem(r: VaultResponse, policy: string): string {
  const got = { policies: r.body?.auth?.policies, token_policies: r.body?.auth?.token_policies };
  const ok = JSON.stringify(got) === JSON.stringify({ policies: [policy], token_policies: [policy] });
  return ok ? '' : `token policies ${JSON.stringify(got)}, expected exactly ["${policy}"]`;
}

async function deployClient(): Promise<VaultClient> {
  const { client, response } = await new VaultClient(vault.addr).login('jwt', {
    role: DEPLOY_ROLE,
    jwt: issuer.githubToken({ repository: REPO, ref: 'refs/heads/main', environment: 'production', audience: AUDIENCE }),
  });
  if (!client) throw new Error(`deploy login failed: ${JSON.stringify(response.body)}`);
  expect(policyProblem(response, DEPLOY_ROLE)).toBe('');
  return client;
}

async function batchClient(): Promise<VaultClient> {
  const roleId = (await vault.root.ok('GET', `auth/approle/role/${BATCH_ROLE}/role-id`)).body.data.role_id;
  const secretId = (await vault.root.ok('POST', `auth/approle/role/${BATCH_ROLE}/secret-id`)).body.data.secret_id;
  const { client, response } = await new VaultClient(vault.addr).login('approle', { role_id: roleId, secret_id: secretId });
  if (!client) throw new Error(`approle login failed: ${JSON.stringify(response.body)}`);
  expect(policyProblem(response, BATCH_ROLE)).toBe('');
  return client;
}

async function apiClient(): Promise<VaultClient> {
  const { client, response } = await new VaultClient(vault.addr).login('kubernetes', {
    role: API_ROLE,
    jwt: k8s.token('payments', 'payments-api', 'vault'),
  });
  if (!client) throw new Error(`kubernetes login failed: ${JSON.stringify(response.body)}`);
  expect(policyProblem(response, API_ROLE)).toBe('');
  return client;
}

test('apply created what the example declares, and neither state nor output holds the secret value', async () => {
  const state = tf.stateText();
  for (const form of [dbPassword, Buffer.from(dbPassword).toString('base64'), JSON.stringify(dbValue())]) {
    expect(state.includes(form)).toBe(false);
    expect(applyOutput.includes(form)).toBe(false);
  }
  // The server does hold it: the write-only path worked.
  const read = await vault.root.ok('GET', `${KV}/data/${DB}`);
  expect(read.body.data.data).toEqual({ username: 'payments', password: dbPassword });
  const mount = await vault.root.ok('GET', `sys/mounts/${KV}`);
  expect(mount.body.data.type).toBe('kv');
  expect(mount.body.data.options.version).toBe('2');
  const key = await vault.root.ok('GET', `transit/keys/${TRANSIT_KEY}`);
  expect(key.body.data).toMatchObject({ type: 'aes256-gcm96', exportable: false, deletion_allowed: false });
  expect(key.body.data.auto_rotate_period).toBeGreaterThan(0);
});

test('re-plan is a no-op (terraform plan -detailed-exitcode = 0) and the plan holds no secret value', () => {
  const plan = tf.plan(tfEnv());
  expect({ exitCode: plan.exitCode, output: plan.exitCode === 0 ? '' : plan.output }).toEqual({ exitCode: 0, output: '' });
  expect(plan.output.includes(dbPassword)).toBe(false);
  // What the plan derives from resources never holds it...
  for (const part of ['resource_changes', 'planned_values', 'prior_state', 'configuration']) {
    expect(JSON.stringify(plan.json[part] ?? '').includes(dbPassword)).toBe(false);
  }
  // ...but a saved plan file carries every input variable, sensitive ones included: Terraform's design, not Keyward's.
  expect(JSON.stringify(plan.json.variables).includes(dbPassword)).toBe(true);
  matrix.limit('a saved plan file (terraform plan -out) stores input variables, so it holds TF_VAR_db_credentials: '
    + 'treat plan files as secrets or do not save them; state, plan output and resource changes do not hold it (checked)');
});

test('each workload reads, writes and uses Transit exactly as granted', async () => {
  const plaintext = Buffer.from('4111111111111111').toString('base64');
  const ciphertext = (await vault.root.ok('POST', `transit/encrypt/${TRANSIT_KEY}`, { plaintext })).body.data.ciphertext;
  const workloads: { [name: string]: () => Promise<VaultClient> } = {
    'deploy (GitHub Actions JWT)': deployClient,
    'settlement-batch (AppRole)': batchClient,
    'api (Kubernetes)': apiClient,
  };
  const expected: { [name: string]: string[] } = {
    'deploy (GitHub Actions JWT)': [`write ${API_KEY}`],
    'settlement-batch (AppRole)': [`read ${DB}`, `metadata ${DB}`, 'decrypt'],
    'api (Kubernetes)': [`read ${DB}`, `metadata ${DB}`, `read ${API_KEY}`, `metadata ${API_KEY}`, 'encrypt', 'decrypt'],
  };
  for (const [name, login] of Object.entries(workloads)) {
    const c = await login();
    const cells: Array<[string, string, () => Promise<VaultResponse>]> = [];
    for (const p of [DB, API_KEY, 'other/unrelated']) {
      cells.push([`read ${p}`, `${KV}/data/${p}`, () => c.request('GET', `${KV}/data/${p}`)]);
      cells.push([`metadata ${p}`, `${KV}/metadata/${p}`, () => c.request('GET', `${KV}/metadata/${p}`)]);
      cells.push([`write ${p}`, `${KV}/data/${p}`, () => c.request('POST', `${KV}/data/${p}`, { data: { probe: name } })]);
    }
    cells.push(['encrypt', `transit/encrypt/${TRANSIT_KEY}`, () => c.request('POST', `transit/encrypt/${TRANSIT_KEY}`, { plaintext })]);
    cells.push(['decrypt', `transit/decrypt/${TRANSIT_KEY}`, () => c.request('POST', `transit/decrypt/${TRANSIT_KEY}`, { ciphertext })]);
    cells.push(['read', 'sys/policies/acl', () => c.request('LIST', 'sys/policies/acl')]);
    // What Vault's "default" policy would have granted: the tokens carry only their own policy.
    cells.push(['read', 'auth/token/lookup-self', () => c.request('GET', 'auth/token/lookup-self')]);
    cells.push(['write', 'cubbyhole/probe', () => c.request('POST', 'cubbyhole/probe', { v: 'x' })]);
    cells.push(['write', 'sys/wrapping/wrap', () => c.request('POST', 'sys/wrapping/wrap', { v: 'x' })]);
    cells.push(['write', 'sys/tools/hash', () => c.request('POST', 'sys/tools/hash', { input: 'eA==' })]);
    for (const [action, target, call] of cells) {
      let r = await call();
      // A granted read of a path with no value yet is a 404, not a 403: only "other/unrelated" can be empty here.
      if (r.status === 404) r = { status: 200, body: r.body };
      const want: Outcome = expected[name].includes(action) ? 'allowed' : 'denied';
      matrix.record({ workload: name, action: action.split(' ')[0], target, expected: want, observed: outcome(r), evidence: `HTTP ${r.status}` });
      if (action === `read ${DB}` && r.status === 200) expect(r.body.data.data.password).toBe(dbPassword);
      if (action === 'decrypt' && r.status === 200) expect(r.body.data.plaintext).toBe(plaintext);
    }
  }
  expect(matrix.mismatches()).toEqual([]);
  expect(matrix.all.filter((c) => c.observed === 'allowed').length).toBe(Object.values(expected).flat().length);
});

test('only the declared identities can log in; attack tokens cannot', async () => {
  const anon = new VaultClient(vault.addr);
  const other = new TestIssuer(GITHUB_ISSUER);
  const gh = (repository: string, rest: { ref?: string; environment?: string; audience?: string; extra?: { [k: string]: unknown } } = {}) =>
    issuer.githubToken({ repository, environment: 'production', audience: AUDIENCE, ...rest });
  // The deploy role binds repository acme/payments, ref refs/heads/main, environment production, audience https://github.com/acme.
  const jwtCases: Array<[string, string, boolean]> = [
    ['repo acme/payments, main, production', gh(REPO), true],
    ['another repository of the owner', gh('acme/evil'), false],
    ['another owner, same name and audience', gh('mallory/payments'), false],
    ['another owner asking for the owner\'s audience', gh('mallory/anything', { audience: AUDIENCE }), false],
    ['look-alike owner prefix', gh('acme-evil/payments'), false],
    ['a repository named with the comma injection', gh('acme/payments,*a*'), false],
    ['a feature branch', gh(REPO, { ref: 'refs/heads/feature' }), false],
    ['a tag named main', gh(REPO, { ref: 'refs/tags/main' }), false],
    ['a branch main2 (prefix of the bound ref)', gh(REPO, { ref: 'refs/heads/main2' }), false],
    ['a pull-request workflow', gh(REPO, { ref: 'refs/pull/7/merge', environment: undefined, extra: { event_name: 'pull_request', sub: `repo:${REPO}:pull_request` } }), false],
    ['environment staging', gh(REPO, { environment: 'staging' }), false],
    ['environment production-2', gh(REPO, { environment: 'production-2' }), false],
    ['no environment', gh(REPO, { environment: undefined }), false],
    ['another audience', gh(REPO, { audience: 'sts.amazonaws.com' }), false],
    ['the owner\'s audience of another owner', gh(REPO, { audience: 'https://github.com/mallory' }), false],
    ['signed by another key', other.githubToken({ repository: REPO, environment: 'production', audience: AUDIENCE }), false],
  ];
  for (const [label, jwt, want] of jwtCases) {
    const { response } = await anon.login('jwt', { role: DEPLOY_ROLE, jwt });
    const policies = response.status === 200 ? policyProblem(response, DEPLOY_ROLE) : '';
    logins.record({
      workload: `JWT: ${label}`, action: 'login', target: `auth/jwt role ${DEPLOY_ROLE}`,
      expected: want ? 'allowed' : 'denied', observed: response.status === 200 && !policies ? 'allowed' : 'denied',
      evidence: `HTTP ${response.status} ${response.status === 200 ? policies || `policies ${JSON.stringify(response.body.auth.policies)}` : JSON.stringify(response.body?.errors ?? '')}`.trim(),
    });
  }
  // The api role binds service account payments-api in namespace payments, audience "vault".
  const k8sCases: Array<[string, string, boolean]> = [
    ['payments/payments-api', k8s.token('payments', 'payments-api', 'vault'), true],
    ['payments/other-sa', k8s.token('payments', 'other-sa', 'vault'), false],
    ['default/payments-api', k8s.token('default', 'payments-api', 'vault'), false],
    ['payments-2/payments-api', k8s.token('payments-2', 'payments-api', 'vault'), false],
    ['wrong audience', k8s.token('payments', 'payments-api', 'other'), false],
    ['default audience (the API server\'s)', k8s.token('payments', 'payments-api', 'https://kubernetes.default.svc.cluster.local'), false],
    ['empty audience', k8s.token('payments', 'payments-api', ''), false],
    ['no audience', k8s.token('payments', 'payments-api', null), false],
  ];
  for (const [label, jwt, want] of k8sCases) {
    const { response } = await anon.login('kubernetes', { role: API_ROLE, jwt });
    const policies = response.status === 200 ? policyProblem(response, API_ROLE) : '';
    logins.record({
      workload: `Kubernetes SA ${label}`, action: 'login', target: `auth/kubernetes role ${API_ROLE}`,
      expected: want ? 'allowed' : 'denied', observed: response.status === 200 && !policies ? 'allowed' : 'denied',
      evidence: `HTTP ${response.status} ${policies || JSON.stringify(response.body?.errors ?? '')}`.trim(),
    });
  }
  // AppRole: a secret_id is single-use (secret_id_num_uses = 1); a made-up one never works.
  const roleId = (await vault.root.ok('GET', `auth/approle/role/${BATCH_ROLE}/role-id`)).body.data.role_id;
  const secretId = (await vault.root.ok('POST', `auth/approle/role/${BATCH_ROLE}/secret-id`)).body.data.secret_id;
  const appRoleCases: Array<[string, string, boolean]> = [
    ['fresh secret_id', secretId, true],
    ['same secret_id again (reused)', secretId, false],
    ['made-up secret_id', 'f0f0f0f0-0000-4000-8000-000000000000', false],
  ];
  for (const [label, sid, want] of appRoleCases) {
    const { response } = await anon.login('approle', { role_id: roleId, secret_id: sid });
    const policies = response.status === 200 ? policyProblem(response, BATCH_ROLE) : '';
    logins.record({
      workload: `AppRole: ${label}`, action: 'login', target: `auth/approle role ${BATCH_ROLE}`,
      expected: want ? 'allowed' : 'denied', observed: response.status === 200 && !policies ? 'allowed' : 'denied',
      evidence: `HTTP ${response.status} ${policies || JSON.stringify(response.body?.errors ?? '')}`.trim(),
    });
  }
  // Issued tokens are short-lived, as declared (15 minutes).
  const { response } = await anon.login('jwt', { role: DEPLOY_ROLE, jwt: jwtCases[0][1] });
  expect(response.body.auth.lease_duration).toBe(900);
  expect(logins.mismatches()).toEqual([]);
  expect(logins.all.filter((c) => c.expected === 'allowed').length).toBe(3);
});

test('a new value with a bumped version updates the secret in place; the old and new values stay out of state', async () => {
  const oldPassword = dbPassword;
  const newPassword = `pw2-${randomBytes(18).toString('base64url')}`;
  const env = { ...tfEnv(), TF_VAR_db_credentials: JSON.stringify({ username: 'payments', password: newPassword }), TF_VAR_db_credentials_version: '2' };
  const plan = tf.plan(env);
  expect(plan.exitCode).toBe(2);
  const changes = (plan.json.resource_changes ?? []).filter((c: any) => c.change.actions.join() !== 'no-op');  
  expect(changes.map((c: any) => [c.type, c.change.actions])).toEqual([['vault_kv_secret_v2', ['update']]]);  
  expect(plan.output.includes(newPassword)).toBe(false);
  const out = tf.apply(env).stdout;
  expect(out.includes(newPassword)).toBe(false);
  const state = tf.stateText();
  expect(state.includes(newPassword)).toBe(false);
  expect(state.includes(oldPassword)).toBe(false);
  const batch = await batchClient();
  const read = await batch.ok('GET', `${KV}/data/${DB}`);
  expect(read.body.data.data.password).toBe(newPassword);
  expect(read.body.data.metadata.version).toBe(2);
  // Same value and version again: nothing to do.
  expect(tf.plan(env).exitCode).toBe(0);
});
