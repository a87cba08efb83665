/**
 * A test stack built with Keyward's Vault constructs (not the example) for what the example does not cover: a GitHub
 * Actions workload bound to a glob ref (bound_claims_type = "glob"), next to an exact one on the same backend; a
 * comma-injected repository written through the provider with an escape hatch (Keyward refuses it), once with
 * Keyward's disable_bound_claims_parsing and once without (the control that shows the setting matters); and a
 * Kubernetes backend configured for Vault outside the cluster (CA, no local CA/JWT, token reviewer JWT written
 * write-only from a sensitive variable) against a stand-in API server that requires that reviewer JWT.
 *
 * The review findings that were proven with real logins (a JWT backend without an issuer, an enterprise issuer, a ref or
 * Kubernetes binding from Terraform variables, a JwtWorkload without a ref on GitHub's issuer, one policy name in two
 * stacks) are refused at synth now (unit tests in test/vault/bindings.test.ts). Here each has the role Keyward accepts
 * instead, which must deny the attack login, and a control: the refused binding written through an escape hatch, which
 * must admit it, so the matrix shows the refused input mattered.
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
  AppRoleAuthBackend, AppRoleWorkload, GitHubActionsWorkload, JwtAuthBackend, JwtWorkload, KubernetesAuthBackend, KubernetesWorkload,
  KvStore, SecretPath, VaultStack,
} from '../../lib/vault';
import { engines, Engines } from './support/engines';
import { GITHUB_ISSUER, TestIssuer } from './support/jwt';
import { FakeKubernetesApi, startFakeKubernetesApi } from './support/kubernetes';
import { Matrix, Outcome } from './support/matrix';
import { TerraformDir } from './support/terraform';
import { DevVault, startDevVault, VaultClient } from './support/vault';

const issuer = new TestIssuer(GITHUB_ISSUER);
const matrix = new Matrix('Vault test stack (Keyward constructs): glob and exact GitHub Actions ref bindings');
const logins = new Matrix('Vault test stack: attack logins (comma injection, pull request, Kubernetes outside the cluster, review findings)');
// What the stack below declares.
const REPO = 'acme/payments';
const AUDIENCE = 'https://github.com/acme';
const INJECTED = 'acme/payments,*a*';
// GitHub Enterprise Cloud's per-enterprise issuer, and a CI issuer of its own whose backend trusts the same keys as GitHub.
const GHEC = `${GITHUB_ISSUER}/acme-enterprise`;
const ghec = new TestIssuer(GHEC);
const CI_ISSUER = 'https://ci.acme.example';
const API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';
const reviewerJwt = `reviewer-${randomBytes(16).toString('hex')}`;
let eng: Engines;
let k8s: FakeKubernetesApi;
let vault: DevVault;
let tf: TerraformDir;
let tf2: TerraformDir;
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
  const release = new GitHubActionsWorkload(stack, 'Release', { backend: jwt, repository: 'acme/payments', gitRef: 'refs/heads/release/*' });
  one.grantRead(release);
  const main = new GitHubActionsWorkload(stack, 'Main', { backend: jwt, repository: 'acme/payments', gitRef: 'refs/heads/main' });
  two.grantRead(main);

  // Keyward refuses a comma in a claim value (jwt-claim-value); written anyway through the provider, the value stays
  // one glob because Keyward's role sends it unsplit. The control role turns the provider's parsing back on.
  for (const [id, parsing] of [['Comma', false], ['CommaParsed', true]] as Array<[string, boolean]>) {
    const w = new GitHubActionsWorkload(stack, id, { backend: jwt, repository: REPO, gitRef: 'refs/heads/main' });
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

  // Review findings. Each Keyward role below is what Keyward accepts now; each control is the role the refused input
  // produced, written through an escape hatch, to show the attack login works when the binding is that wide.
  // F2 (JwtWorkload on GitHub's issuer without a ref) and F3 (a ref from a variable set to "*"):
  const jwtMain = new JwtWorkload(stack, 'JwtMain', { backend: jwt, boundAudiences: [AUDIENCE], boundClaims: { repository: REPO, ref: 'refs/heads/main' } });
  const jwtNoRef = new JwtWorkload(stack, 'JwtNoRef', { backend: jwt, boundAudiences: [AUDIENCE], boundClaims: { repository: REPO, ref: 'refs/heads/main' } });
  jwtNoRef.role.addOverride('bound_claims.ref', undefined); // an override merges: undefined deletes the key
  const varRef = new GitHubActionsWorkload(stack, 'VarRef', { backend: jwt, repository: REPO, gitRef: 'refs/heads/main', extraBoundClaims: { workflow: 'deplo*' } });
  const varRefStar = new GitHubActionsWorkload(stack, 'VarRefStar', { backend: jwt, repository: REPO, gitRef: 'refs/heads/main', extraBoundClaims: { workflow: 'deplo*' } });
  varRefStar.role.addOverride('bound_claims.ref', '*');
  // F1a: GitHub's keys with another issuer bound; the control has the issuer removed (boundIssuer "" is refused).
  const ci = new JwtAuthBackend(stack, 'Ci', { path: 'ci', jwtValidationPubkeys: [issuer.publicKeyPem], boundIssuer: CI_ISSUER, allowDestroy: true });
  const ciNoIssuer = new JwtAuthBackend(stack, 'CiNoIssuer', { path: 'ci-noiss', jwtValidationPubkeys: [issuer.publicKeyPem], boundIssuer: CI_ISSUER, allowDestroy: true });
  ciNoIssuer.resource.addOverride('bound_issuer', '');
  const ciDeploy = new JwtWorkload(stack, 'CiDeploy', { backend: ci, boundAudiences: [AUDIENCE], boundClaims: { workflow: 'deploy' } });
  const ciOpen = new JwtWorkload(stack, 'CiNoIssuerDeploy', { backend: ciNoIssuer, boundAudiences: [AUDIENCE], boundClaims: { workflow: 'deploy' } });
  // F1b: an enterprise issuer is GitHub's: its roles bind a repository and a ref. The control binds { workflow } only.
  const ent = new JwtAuthBackend(stack, 'Ghec', { path: 'ghec', jwtValidationPubkeys: [ghec.publicKeyPem], boundIssuer: GHEC, allowDestroy: true });
  if (!ent.trustsGitHubActions) throw new Error('an enterprise issuer must be GitHub\'s');
  const entMain = new GitHubActionsWorkload(stack, 'GhecMain', { backend: ent, repository: REPO, gitRef: 'refs/heads/main' });
  const entOpen = new GitHubActionsWorkload(stack, 'GhecWorkflowOnly', { backend: ent, repository: REPO, gitRef: 'refs/heads/main' });
  entOpen.role.addOverride('bound_claims.repository', undefined);
  entOpen.role.addOverride('bound_claims.ref', undefined);
  entOpen.role.addOverride('bound_claims.workflow', 'deploy');
  // F3 (Kubernetes): names, namespaces and audience from variables ("*", "*", "") are refused; the control is that role.
  const k8sOpen = new KubernetesWorkload(stack, 'ApiFromVariables', { backend: kube, serviceAccountNames: ['*'], namespaces: ['*'], allowWildcards: true });
  k8sOpen.role.addOverride('audience', null);
  for (const w of [jwtMain, jwtNoRef, varRef, varRefStar, ciDeploy, ciOpen, entMain, entOpen, k8sOpen]) one.grantRead(w);

  // F5: a second stack of the same app, applied to the same Vault. Keyward refuses one policy name in both; the
  // control rewrites the first stack's "Victim" policy from the second stack through an escape hatch.
  new AppRoleAuthBackend(stack, 'AppRole', { allowDestroy: true });
  one.grantRead(new AppRoleWorkload(stack, 'Batch'));
  one.grantRead(new AppRoleWorkload(stack, 'Victim'));
  const stack2 = new VaultStack(app, 'keyward-it-2');
  const report = new SecretPath(stack2, 'Report', { store: new KvStore(stack2, 'Store', { path: 'it2', allowDestroy: true }), name: 'report', allowDestroy: true });
  const approle2 = new AppRoleAuthBackend(stack2, 'AppRole', { path: 'approle-2', allowDestroy: true });
  report.grantRead(new AppRoleWorkload(stack2, 'Batch', { backend: approle2 }));
  const shadow = new AppRoleWorkload(stack2, 'Shadow', { backend: approle2 });
  report.grantRead(shadow);
  shadow.policy.addOverride('name', 'keyward-it--victim');
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
  tf2?.remove();
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
      role: 'keyward-it--release',
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
      role: 'keyward-it--main',
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
  expect(await stored('keyward-it--comma')).toEqual([INJECTED]);
  expect(await stored('keyward-it--commaparsed')).toEqual(['acme/payments', '*a*']);
  const token = (repository: string) => issuer.githubToken({ repository, ref: 'refs/heads/main', audience: AUDIENCE });
  await attack('jwt', 'keyward-it--comma', 'comma role (disable_bound_claims_parsing): mallory/anything', token('mallory/anything'), 'denied');
  await attack('jwt', 'keyward-it--comma', 'comma role (disable_bound_claims_parsing): acme/payments', token(REPO), 'denied');
  // The control: the same role written with the provider's default parsing admits another owner. Expected from the
  // provider's documented split on ",", which is why Keyward refuses the comma and sends values unsplit.
  await attack('jwt', 'keyward-it--commaparsed', 'control, parsing on: mallory/anything', token('mallory/anything'), 'allowed');
  await attack('jwt', 'keyward-it--commaparsed', 'control, parsing on: bob/zzz (matches neither alternative)', token('bob/zzz'), 'denied');
  expect(logins.mismatches()).toEqual([]);
});

test('a branch-only role refuses a pull-request workflow of the same repository', async () => {
  const pr = issuer.githubToken({
    repository: REPO, ref: 'refs/pull/12/merge', audience: AUDIENCE, extra: { event_name: 'pull_request', sub: `repo:${REPO}:pull_request`, head_ref: 'main' },
  });
  await attack('jwt', 'keyward-it--main', 'main-only role: pull-request workflow', pr, 'denied');
  await attack('jwt', 'keyward-it--main', 'main-only role: another owner on main', issuer.githubToken({ repository: 'mallory/payments', ref: 'refs/heads/main', audience: AUDIENCE }), 'denied');
  await attack('jwt', 'keyward-it--main', 'main-only role: acme/payments main', issuer.githubToken({ repository: REPO, ref: 'refs/heads/main', audience: AUDIENCE }), 'allowed');
  logins.limit('a pull_request_target workflow runs with the base branch ref (refs/heads/main) in its token: a ref-only binding admits it; '
    + 'bind an environment or jobWorkflowRef for jobs that a fork can trigger');
  expect(logins.mismatches()).toEqual([]);
});

test('Kubernetes with Vault outside the cluster: the reviewer JWT is used, never stored, and only the bound identity logs in', async () => {
  const before = k8s.reviews.answered;
  await attack('kubernetes', 'keyward-it--api', 'payments/api, audience vault', k8s.token('payments', 'api', 'vault'), 'allowed');
  await attack('kubernetes', 'keyward-it--api', 'payments/other, audience vault', k8s.token('payments', 'other', 'vault'), 'denied');
  await attack('kubernetes', 'keyward-it--api', 'default/api, audience vault', k8s.token('default', 'api', 'vault'), 'denied');
  await attack('kubernetes', 'keyward-it--api', 'payments/api, the API server\'s default audience', k8s.token('payments', 'api', 'https://kubernetes.default.svc.cluster.local'), 'denied');
  await attack('kubernetes', 'keyward-it--api', 'payments/api, empty audience', k8s.token('payments', 'api', ''), 'denied');
  await attack('kubernetes', 'keyward-it--api', 'payments/api, no audience', k8s.token('payments', 'api', null), 'denied');
  // The control: without an audience, the token every pod has mounted (minted for the API server) logs in.
  await attack('kubernetes', 'keyward-it--apinoaudience', 'control, audience removed: payments/api, the API server\'s audience',
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

const pr = (repository: string) => issuer.githubToken({
  repository, ref: 'refs/pull/12/merge', audience: AUDIENCE, extra: { event_name: 'pull_request', sub: `repo:${repository}:pull_request` },
});

test('F2/F3: a JWT role on GitHub\'s issuer binds a ref; without it (or with "*" from a variable) a pull-request build logs in', async () => {
  const main = issuer.githubToken({ repository: REPO, ref: 'refs/heads/main', audience: AUDIENCE });
  await attack('jwt', 'keyward-it--jwtmain', 'JwtWorkload with ref: pull-request workflow', pr(REPO), 'denied');
  await attack('jwt', 'keyward-it--jwtmain', 'JwtWorkload with ref: main', main, 'allowed');
  await attack('jwt', 'keyward-it--jwtnoref', 'control, JwtWorkload without ref: pull-request workflow', pr(REPO), 'allowed');
  await attack('jwt', 'keyward-it--varref', 'GitHubActionsWorkload literal ref: pull-request workflow', pr(REPO), 'denied');
  await attack('jwt', 'keyward-it--varref', 'GitHubActionsWorkload literal ref: main', main, 'allowed');
  await attack('jwt', 'keyward-it--varrefstar', 'control, ref "*" (a variable\'s value at apply): pull-request workflow', pr(REPO), 'allowed');
  expect(logins.mismatches()).toEqual([]);
});

test('F1a: GitHub\'s keys with another issuer bound refuse any GitHub token; with the issuer removed any repository logs in', async () => {
  const mallory = issuer.githubToken({ repository: 'mallory/anything', audience: AUDIENCE });
  await attack('ci', 'keyward-it--cideploy', 'issuer bound, GitHub token of mallory/anything', mallory, 'denied');
  await attack('ci', 'keyward-it--cideploy', 'issuer bound, GitHub token of acme/payments', issuer.githubToken({ repository: REPO, audience: AUDIENCE }), 'denied');
  await attack('ci-noiss', 'keyward-it--cinoissuerdeploy', 'control, boundIssuer "": GitHub token of mallory/anything', mallory, 'allowed');
  expect(logins.mismatches()).toEqual([]);
});

test('F1b: on an enterprise issuer the role binds repository and ref; a { workflow } role admits every repository of the enterprise', async () => {
  const other = ghec.githubToken({ repository: 'other-org/tool', audience: AUDIENCE });
  await attack('ghec', 'keyward-it--ghecmain', 'enterprise issuer, other-org/tool', other, 'denied');
  await attack('ghec', 'keyward-it--ghecmain', 'enterprise issuer, acme/payments pull request', ghec.githubToken({
    repository: REPO, ref: 'refs/pull/3/merge', audience: AUDIENCE, extra: { event_name: 'pull_request' },
  }), 'denied');
  await attack('ghec', 'keyward-it--ghecmain', 'enterprise issuer, acme/payments main', ghec.githubToken({ repository: REPO, audience: AUDIENCE }), 'allowed');
  await attack('ghec', 'keyward-it--ghecworkflowonly', 'control, { workflow } only: other-org/tool', other, 'allowed');
  expect(logins.mismatches()).toEqual([]);
});

test('F3 (Kubernetes): the literal role refuses kube-system/default with the API server\'s token; the role from variables admits it', async () => {
  const token = k8s.token('kube-system', 'default', API_AUDIENCE);
  await attack('kubernetes', 'keyward-it--api', 'literal role: kube-system/default, API server audience', token, 'denied');
  await attack('kubernetes', 'keyward-it--api', 'literal role: kube-system/default, audience vault', k8s.token('kube-system', 'default', 'vault'), 'denied');
  await attack('kubernetes', 'keyward-it--apifromvariables', 'control, "*"/"*"/no audience: kube-system/default, API server audience', token, 'allowed');
  expect(logins.mismatches()).toEqual([]);
});

async function appRoleReads(mount: string, role: string, label: string, expected: { [path: string]: Outcome }): Promise<void> {
  const roleId = (await vault.root.ok('GET', `auth/${mount}/role/${role}/role-id`)).body.data.role_id;
  const secretId = (await vault.root.ok('POST', `auth/${mount}/role/${role}/secret-id`)).body.data.secret_id;
  const { client, response } = await new VaultClient(vault.addr).login(mount, { role_id: roleId, secret_id: secretId });
  if (!client) throw new Error(`approle login ${role}: HTTP ${response.status}`);
  for (const [p, want] of Object.entries(expected)) {
    const r = await client.request('GET', p);
    logins.record({ workload: label, action: 'read', target: p, expected: want, observed: r.status === 200 ? 'allowed' : 'denied', evidence: `HTTP ${r.status}` });
  }
}

test('F5: two stacks of one app in one Vault keep their policies apart; one policy name in both hands the first stack\'s job the second\'s secrets', async () => {
  // Applied here, after the plan check of the first stack: the control rewrites a policy of that stack.
  tf2 = new TerraformDir(eng, { VAULT_ADDR: vault.addr, VAULT_TOKEN: vault.rootToken }, 'test-stack-2');
  tf2.useConfig(path.join(outdir, 'stacks', 'keyward-it-2', 'cdk.tf.json'));
  tf2.writeOverride();
  tf2.init();
  tf2.apply();
  await vault.root.ok('POST', 'it2/data/report', { data: { v: 'report' } });
  await appRoleReads('approle', 'keyward-it--batch', 'stack 1 Batch', { 'it/data/app/one': 'allowed', 'it2/data/report': 'denied' });
  await appRoleReads('approle-2', 'keyward-it-2--batch', 'stack 2 Batch', { 'it/data/app/one': 'denied', 'it2/data/report': 'allowed' });
  await appRoleReads('approle', 'keyward-it--victim', 'control, stack 1 Victim after stack 2 wrote its policy name', { 'it2/data/report': 'allowed', 'it/data/app/one': 'denied' });
  expect(logins.mismatches()).toEqual([]);
});
