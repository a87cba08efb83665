/**
 * A test stack built with Keyward's Vault constructs (not the example) for what the example does not cover: a GitHub
 * Actions workload bound to a glob ref (bound_claims_type = "glob"), next to an exact one on the same backend.
 *
 * Not testable here: AwsIamWorkload. OpenBao 2.7 ships no `aws` auth method ("plugin not found in the catalog: aws";
 * OpenBao moved cloud auth methods out of the core), so `vault_auth_backend` of type aws cannot even be mounted.
 */
import { App } from 'cdktf';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GitHubActionsWorkload, JwtAuthBackend, KvStore, SecretPath, VaultStack } from '../../lib/vault';
import { engines, Engines } from './support/engines';
import { GITHUB_ISSUER, TestIssuer } from './support/jwt';
import { Matrix, Outcome } from './support/matrix';
import { TerraformDir } from './support/terraform';
import { DevVault, startDevVault, VaultClient } from './support/vault';

const issuer = new TestIssuer(GITHUB_ISSUER);
const matrix = new Matrix('Vault test stack (Keyward constructs): glob and exact GitHub Actions ref bindings');
let eng: Engines;
let vault: DevVault;
let tf: TerraformDir;
let outdir: string;

beforeAll(async () => {
  eng = engines();
  vault = await startDevVault(eng.bao);

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
  app.synth();

  tf = new TerraformDir(eng, { VAULT_ADDR: vault.addr, VAULT_TOKEN: vault.rootToken }, 'test-stack');
  tf.useConfig(path.join(outdir, 'stacks', 'keyward-it', 'cdk.tf.json'));
  tf.writeOverride();
  tf.init();
  tf.apply();
  await vault.root.ok('POST', 'it/data/app/one', { data: { v: 'one' } });
  await vault.root.ok('POST', 'it/data/app/two', { data: { v: 'two' } });
});

afterAll(async () => {
  matrix.print();
  await vault?.server.stop();
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
