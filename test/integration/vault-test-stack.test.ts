/**
 * A test stack built with Keyward's Vault constructs (not the example) for what the example does not cover: a GitHub
 * Actions workload bound to a glob ref (bound_claims_type = "glob"), next to an exact one on the same backend; a
 * comma-injected repository written through the provider with an escape hatch (Keyward refuses it), once with
 * Keyward's disable_bound_claims_parsing and once without (the control that shows the setting matters); and a
 * Kubernetes backend configured for Vault outside the cluster (CA, no local CA/JWT, token reviewer JWT written
 * write-only from a sensitive variable) against a stand-in API server that requires that reviewer JWT.
 *
 * Not testable here: AwsIamWorkload. OpenBao 2.7 ships no `aws` auth method ("plugin not found in the catalog: aws";
 * OpenBao moved cloud auth methods out of the core), so `vault_auth_backend` of type aws cannot even be mounted.
 */
import { App, TerraformVariable } from 'cdktf';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  GitHubActionsWorkload, JwtAuthBackend, KubernetesAuthBackend, KubernetesWorkload, KvStore, SecretPath, VaultStack,
} from '../../lib/vault';
import { engines, Engines } from './support/engines';
import { GITHUB_ISSUER, TestIssuer } from './support/jwt';
import { FakeKubernetesApi, startFakeKubernetesApi } from './support/kubernetes';
import { Matrix, Outcome } from './support/matrix';
import { TerraformDir } from './support/terraform';
import { DevVault, startDevVault, VaultClient } from './support/vault';

const issuer = new TestIssuer(GITHUB_ISSUER);
const matrix = new Matrix('Vault test stack (Keyward constructs): glob and exact GitHub Actions ref bindings');
const logins = new Matrix('Vault test stack: attack logins (comma injection, pull request, Kubernetes outside the cluster)');
// What the stack below declares.
const REPO = 'acme/payments';
const AUDIENCE = 'https://github.com/acme';
const INJECTED = 'acme/payments,*a*';
const reviewerJwt = `reviewer-${randomBytes(16).toString('hex')}`;
let eng: Engines;
let k8s: FakeKubernetesApi;
let vault: DevVault;
let tf: TerraformDir;
let outdir: string;

beforeAll(async () => {
  eng = engines();
  vault = await startDevVault(eng.bao);
  k8s = await startFakeKubernetesApi(reviewerJwt);

  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-cdktf-'));
  const app = new App({ outdir });
  const stack = new VaultStack(app, 'keyward-it');
  const store = new KvStore(stack, 'Store', { path: 'it', allowDestroy: true });
  const one = new SecretPath(stack, 'One', { store, name: 'app/one', allowDestroy: true });
  const two = new SecretPath(stack, 'Two', { store, name: 'app/two', allowDestroy: true });
  const jwt = new JwtAuthBackend(stack, 'Jwt', { jwtValidationPubkeys: [issuer.publicKeyPem] /* untrimmed: Keyward trims PEM as Vault stores it, so re-plan stays empty */, boundIssuer: GITHUB_ISSUER, allowDestroy: true });
  const release = new GitHubActionsWorkload(stack, 'Release', { backend: jwt, repository: 'acme/payments', ref: 'refs/heads/release/*' });
  one.grantRead(release);
  const main = new GitHubActionsWorkload(stack, 'Main', { backend: jwt, repository: 'acme/payments', ref: 'refs/heads/main' });
  two.grantRead(main);

  // Keyward refuses a comma in a claim value (jwt-claim-value); written anyway through the provider, the value stays
  // one glob because Keyward's role sends it unsplit. The control role turns the provider's parsing back on.
  for (const [id, parsing] of [['Comma', false], ['CommaParsed', true]] as Array<[string, boolean]>) {
    const w = new GitHubActionsWorkload(stack, id, { backend: jwt, repository: REPO, ref: 'refs/heads/main' });
    one.grantRead(w);
    w.role.addOverride('bound_claims.repository', INJECTED);
    w.role.addOverride('bound_claims_type', 'glob');
    if (parsing) w.role.addOverride('disable_bound_claims_parsing', false);
  }

  // Vault outside the cluster: the CA of the API server, no local CA/JWT, a token reviewer JWT from a sensitive variable.
  const reviewer = new TerraformVariable(stack, 'k8s_reviewer_jwt', { type: 'string', sensitive: true });
  const kube = new KubernetesAuthBackend(stack, 'Kube', {
    kubernetesHost: k8s.url, kubernetesCaCert: k8s.caCertPem, disableLocalCaJwt: true, tokenReviewerJwt: reviewer, allowDestroy: true,
  });
  const api = new KubernetesWorkload(stack, 'Api', { backend: kube, serviceAccountNames: ['api'], namespaces: ['payments'] });
  two.grantRead(api);
  // Control: the same role with its audience removed through an escape hatch (Keyward refuses audience: '').
  const noAudience = new KubernetesWorkload(stack, 'ApiNoAudience', { backend: kube, serviceAccountNames: ['api'], namespaces: ['payments'] });
  noAudience.role.addOverride('audience', null);
  app.synth();

  tf = new TerraformDir(eng, { VAULT_ADDR: vault.addr, VAULT_TOKEN: vault.rootToken, TF_VAR_k8s_reviewer_jwt: reviewerJwt }, 'test-stack');
  tf.useConfig(path.join(outdir, 'stacks', 'keyward-it', 'cdk.tf.json'));
  tf.writeOverride();
  tf.init();
  tf.apply();
  await vault.root.ok('POST', 'it/data/app/one', { data: { v: 'one' } });
  await vault.root.ok('POST', 'it/data/app/two', { data: { v: 'two' } });
});

afterAll(async () => {
  matrix.print();
  logins.print();
  await vault?.server.stop();
  await k8s?.stop();
  tf?.remove();
  if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
});

async function reads(c: VaultClient | undefined, who: string, loginEvidence: string, expected: string[]): Promise<void> {
  for (const p of ['app/one', 'app/two']) {
    const want: Outcome = expected.includes(p) ? 'allowed' : 'denied';
    if (!c) {
      matrix.record({ workload: who, action: 'read', target: `it/data/${p}`, expected: want, observed: 'denied', evidence: `no login (${loginEvidence})` });
      continue;
    }
    const r = await c.request('GET', `it/data/${p}`);
    if (r.status !== 200 && r.status !== 403) throw new Error(`unexpected ${r.status} ${JSON.stringify(r.body)}`);
    matrix.record({ workload: who, action: 'read', target: `it/data/${p}`, expected: want, observed: r.status === 200 ? 'allowed' : 'denied', evidence: `${loginEvidence}, read HTTP ${r.status}` });
  }
}

test('a glob ref binding admits matching refs only', async () => {
  const anon = new VaultClient(vault.addr);
  for (const [ref, ok] of [['refs/heads/release/1.4', true], ['refs/heads/release/hotfix-2', true], ['refs/heads/main', false], ['refs/tags/release/1.4', false]] as Array<[string, boolean]>) {
    const { client, response } = await anon.login('jwt', {
      role: 'keyward-it-release',
      jwt: issuer.githubToken({ repository: 'acme/payments', ref, audience: 'https://github.com/acme' }),
    });
    expect(!!client).toBe(ok);
    await reads(client, `GitHub Actions ref ${ref}`, `login HTTP ${response.status}`, ok ? ['app/one'] : []);
  }
  expect(matrix.mismatches()).toEqual([]);
});

test('the exact binding next to it admits its ref only, and the glob does not widen it', async () => {
  const anon = new VaultClient(vault.addr);
  for (const [ref, ok] of [['refs/heads/main', true], ['refs/heads/main2', false], ['refs/heads/release/1.4', false]] as Array<[string, boolean]>) {
    const { client, response } = await anon.login('jwt', {
      role: 'keyward-it-main',
      jwt: issuer.githubToken({ repository: 'acme/payments', ref, audience: 'https://github.com/acme' }),
    });
    expect(!!client).toBe(ok);
    await reads(client, `GitHub Actions (main role) ref ${ref}`, `login HTTP ${response.status}`, ok ? ['app/two'] : []);
  }
  expect(matrix.mismatches()).toEqual([]);
  // Plan after apply is clean for the test stack too.
  expect(tf.plan().exitCode).toBe(0);
});

async function attack(mount: string, role: string, label: string, jwt: string, want: Outcome): Promise<void> {
  const { response } = await new VaultClient(vault.addr).login(mount, { role, jwt });
  const policies = response.body?.auth?.policies;
  // An allowed login counts only with exactly the role's own policy (no "default").
  const exact = response.status === 200 && JSON.stringify(policies) === JSON.stringify([role]) && JSON.stringify(response.body.auth.token_policies) === JSON.stringify([role]);
  logins.record({
    workload: label, action: 'login', target: `auth/${mount} role ${role}`, expected: want, observed: exact ? 'allowed' : 'denied',
    evidence: `HTTP ${response.status} ${response.status === 200 ? `policies ${JSON.stringify(policies)}` : JSON.stringify(response.body?.errors ?? '')}`,
  });
}

test('a comma-injected repository stays one value with Keyward\'s role; the provider\'s parsing would split it', async () => {
  // What Vault stored: one value with Keyward's role, two alternatives (one of them "*a*") without the setting.
  const stored = async (role: string) => (await vault.root.ok('GET', `auth/jwt/role/${role}`)).body.data.bound_claims.repository;
  expect(await stored('keyward-it-comma')).toEqual([INJECTED]);
  expect(await stored('keyward-it-commaparsed')).toEqual(['acme/payments', '*a*']);
  const token = (repository: string) => issuer.githubToken({ repository, ref: 'refs/heads/main', audience: AUDIENCE });
  await attack('jwt', 'keyward-it-comma', 'comma role (disable_bound_claims_parsing): mallory/anything', token('mallory/anything'), 'denied');
  await attack('jwt', 'keyward-it-comma', 'comma role (disable_bound_claims_parsing): acme/payments', token(REPO), 'denied');
  // The control: the same role written with the provider's default parsing admits another owner. Expected from the
  // provider's documented split on ",", which is why Keyward refuses the comma and sends values unsplit.
  await attack('jwt', 'keyward-it-commaparsed', 'control, parsing on: mallory/anything', token('mallory/anything'), 'allowed');
  await attack('jwt', 'keyward-it-commaparsed', 'control, parsing on: bob/zzz (matches neither alternative)', token('bob/zzz'), 'denied');
  expect(logins.mismatches()).toEqual([]);
});

test('a branch-only role refuses a pull-request workflow of the same repository', async () => {
  const pr = issuer.githubToken({
    repository: REPO, ref: 'refs/pull/12/merge', audience: AUDIENCE, extra: { event_name: 'pull_request', sub: `repo:${REPO}:pull_request`, head_ref: 'main' },
  });
  await attack('jwt', 'keyward-it-main', 'main-only role: pull-request workflow', pr, 'denied');
  await attack('jwt', 'keyward-it-main', 'main-only role: another owner on main', issuer.githubToken({ repository: 'mallory/payments', ref: 'refs/heads/main', audience: AUDIENCE }), 'denied');
  await attack('jwt', 'keyward-it-main', 'main-only role: acme/payments main', issuer.githubToken({ repository: REPO, ref: 'refs/heads/main', audience: AUDIENCE }), 'allowed');
  logins.limit('a pull_request_target workflow runs with the base branch ref (refs/heads/main) in its token: a ref-only binding admits it; '
    + 'bind an environment or jobWorkflowRef for jobs that a fork can trigger');
  expect(logins.mismatches()).toEqual([]);
});

test('Kubernetes with Vault outside the cluster: the reviewer JWT is used, never stored, and only the bound identity logs in', async () => {
  const before = k8s.reviews.answered;
  await attack('kubernetes', 'keyward-it-api', 'payments/api, audience vault', k8s.token('payments', 'api', 'vault'), 'allowed');
  await attack('kubernetes', 'keyward-it-api', 'payments/other, audience vault', k8s.token('payments', 'other', 'vault'), 'denied');
  await attack('kubernetes', 'keyward-it-api', 'default/api, audience vault', k8s.token('default', 'api', 'vault'), 'denied');
  await attack('kubernetes', 'keyward-it-api', 'payments/api, the API server\'s default audience', k8s.token('payments', 'api', 'https://kubernetes.default.svc.cluster.local'), 'denied');
  await attack('kubernetes', 'keyward-it-api', 'payments/api, empty audience', k8s.token('payments', 'api', ''), 'denied');
  await attack('kubernetes', 'keyward-it-api', 'payments/api, no audience', k8s.token('payments', 'api', null), 'denied');
  // The control: without an audience, the token every pod has mounted (minted for the API server) logs in.
  await attack('kubernetes', 'keyward-it-apinoaudience', 'control, audience removed: payments/api, the API server\'s audience',
    k8s.token('payments', 'api', 'https://kubernetes.default.svc.cluster.local'), 'allowed');
  expect(logins.mismatches()).toEqual([]);
  // The API server saw the reviewer JWT on every TokenReview (a wrong one gets 401), and the JWT is nowhere in Terraform.
  expect(k8s.reviews.answered).toBeGreaterThan(before);
  expect(k8s.reviews.unauthorized).toBe(0);
  expect(tf.stateText().includes(reviewerJwt)).toBe(false);
  expect(JSON.stringify(tf.config()).includes(reviewerJwt)).toBe(false);
  const config = (await vault.root.ok('GET', 'auth/kubernetes/config')).body.data;
  expect(config).toMatchObject({ kubernetes_host: k8s.url, disable_local_ca_jwt: true });
});
