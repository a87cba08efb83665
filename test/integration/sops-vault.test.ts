/**
 * SecretPath.sopsFile on real engines: a dotenv file encrypted by the real sops binary with an age key generated here,
 * a test stack applied on OpenBao with Terraform run through the `sops exec-env` command Keyward generates. The granted
 * workload reads the file's values; state, plan output, and a saved plan file do not hold them; a re-plan is empty;
 * editing the file with sops plans exactly one in-place update.
 */
import { App } from 'cdktf';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AppRoleWorkload, KvStore, SecretPath, SopsFileVariables, VaultStack } from '../../lib/vault';
import { engines, Engines } from './support/engines';
import { run, RunResult } from './support/process';
import { newAgeKey, sopsEncrypt, SopsTools, sopsTools } from './support/sops';
import { TerraformDir } from './support/terraform';
import { DevVault, startDevVault, VaultClient } from './support/vault';

// Test data, encrypted by sops into the file; it may reach OpenBao's KV store and nothing else.
const API_KEY = `sk_live_${Date.now().toString(36)}SopsVaultOnly`;
const API_KEY_2 = `sk_live_${Date.now().toString(36)}EditedWithSops`;
const WEBHOOK = 'whsec_integration_8Xq"quote\'s';

let eng: Engines;
let tools: SopsTools;
let vault: DevVault;
let tf: TerraformDir;
let dir: string;
let file: string;
let age: { keyFile: string; recipient: string };

/** Synthesize the test stack for the file as it is now; returns the command and the cdk.tf.json path. */
function synth(): { command: (terraform: string) => string; tfJson: string; roleName: string } {
  const outdir = fs.mkdtempSync(path.join(dir, 'cdktf-'));
  const app = new App({ outdir });
  const stack = new VaultStack(app, 'sops-it');
  const store = new KvStore(stack, 'Store', { path: 'sopsit', allowDestroy: true });
  const sops = new SopsFileVariables(stack, 'PaymentProvider', { path: file });
  const secret = new SecretPath(stack, 'ApiKey', { store, name: 'payment/api', sopsFile: sops, allowDestroy: true });
  const billing = new AppRoleWorkload(stack, 'Billing', { secretIdTtlSeconds: 600 });
  secret.grantRead(billing);
  app.synth();
  const tfJson = path.join(outdir, 'stacks', 'sops-it', 'cdk.tf.json');
  const roleName = Object.values<any>(JSON.parse(fs.readFileSync(tfJson, 'utf8')).resource.vault_approle_auth_backend_role)[0].role_name;
  return { command: (terraform) => SopsFileVariables.execCommandFor(stack, terraform), tfJson, roleName };
}

/** Run `terraform <args>` in the scratch dir through the generated `sops exec-env` command. */
function throughSops(command: (terraform: string) => string, args: string): RunResult {
  const terraform = `${eng.terraform} -chdir=${tf.dir} ${args}`;
  return run('/bin/sh', ['-c', command(terraform)], {
    env: { PATH: `${path.dirname(tools.sops)}:${process.env.PATH}`, SOPS_AGE_KEY_FILE: age.keyFile, TF_IN_AUTOMATION: '1', VAULT_ADDR: vault.addr, VAULT_TOKEN: vault.rootToken },
  });
}

async function workloadRead(roleName: string): Promise<any> {
  const roleId = (await vault.root.ok('GET', `auth/approle/role/${roleName}/role-id`)).body.data.role_id;
  const secretId = (await vault.root.ok('POST', `auth/approle/role/${roleName}/secret-id`)).body.data.secret_id;
  const { client, response } = await new VaultClient(vault.addr).login('approle', { role_id: roleId, secret_id: secretId });
  if (!client) throw new Error(`approle login failed: ${response.status}`);
  return (await client.ok('GET', 'sopsit/data/payment/api')).body.data;
}

function expectNoValue(where: string, text: string): void {
  for (const v of [API_KEY, API_KEY_2, 'whsec_integration']) {
    if (text.includes(v)) throw new Error(`${where} holds a value of the SOPS file`);
  }
}

beforeAll(async () => {
  eng = engines();
  tools = sopsTools();
  vault = await startDevVault(eng.bao);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-sops-vault-'));
  age = newAgeKey(tools, dir);
  file = path.join(dir, 'payment-provider.enc.env');
  sopsEncrypt(tools, `PAYMENT_API_KEY=${API_KEY}\nPAYMENT_WEBHOOK_SECRET=${WEBHOOK}\n`, file, 'dotenv', ['--age', age.recipient]);
  tf = new TerraformDir(eng, { VAULT_ADDR: vault.addr, VAULT_TOKEN: vault.rootToken }, 'sops');
});

afterAll(async () => {
  await vault?.server.stop();
  tf?.remove();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('sops exec-env → ephemeral variables → data_json_wo on OpenBao', () => {
  let first: ReturnType<typeof synth>;

  test('apply through the generated command; the granted workload reads exactly the file\'s values', async () => {
    first = synth();
    expectNoValue('cdk.tf.json', fs.readFileSync(first.tfJson, 'utf8'));
    tf.useConfig(first.tfJson);
    tf.writeOverride();
    tf.init();
    // Without the file's values Terraform refuses to plan: the variables have no default.
    const bare = tf.tf(['plan', '-input=false', '-no-color']);
    expect(bare.status).toBe(1);
    expect(bare.stderr + bare.stdout).toMatch(/No value for required variable/);
    const r = throughSops(first.command, 'apply -input=false -no-color -auto-approve');
    if (r.status !== 0) throw new Error(`apply failed (${r.status})\n${r.stdout}\n${r.stderr}`);
    expectNoValue('apply output', r.stdout + r.stderr);
    const read = await workloadRead(first.roleName);
    expect(read.data).toEqual({ PAYMENT_API_KEY: API_KEY, PAYMENT_WEBHOOK_SECRET: WEBHOOK });
  });

  test('state, plan output, the saved plan file and its JSON do not hold a value; the re-plan is empty', () => {
    expectNoValue('terraform.tfstate', tf.stateText());
    const plan = throughSops(first.command, 'plan -input=false -no-color -detailed-exitcode -out=plan.bin');
    expect(plan.status).toBe(0);
    expectNoValue('plan output', plan.stdout + plan.stderr);
    const planFile = fs.readFileSync(path.join(tf.dir, 'plan.bin'));
    expectNoValue('saved plan file', planFile.toString('latin1'));
    // The plan file is a zip: its entries, inflated, are what `terraform show` reads.
    const show = tf.tfOk(['show', '-json', 'plan.bin']);
    expectNoValue('terraform show -json plan.bin', show.stdout);
    const unzip = run('python3', ['-c', 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); sys.stdout.buffer.write(b"".join(z.read(n) for n in z.namelist()))', path.join(tf.dir, 'plan.bin')]);
    expect(unzip.status).toBe(0);
    expectNoValue('saved plan file (inflated)', unzip.stdout);
  });

  test('editing the file with sops: exactly one in-place update, then the workload reads the new value', async () => {
    const set = run(tools.sops, ['set', file, '["PAYMENT_API_KEY"]', JSON.stringify(API_KEY_2)], { env: { SOPS_AGE_KEY_FILE: age.keyFile } });
    expect(set.status).toBe(0);
    const second = synth();
    tf.useConfig(second.tfJson);
    const plan = throughSops(second.command, 'plan -input=false -no-color -detailed-exitcode -out=plan.bin');
    expect(plan.status).toBe(2);
    expectNoValue('plan output', plan.stdout + plan.stderr);
    const changes = JSON.parse(tf.tfOk(['show', '-json', 'plan.bin']).stdout).resource_changes
      .filter((c: any) => !(c.change.actions.length === 1 && c.change.actions[0] === 'no-op'));
    expect(changes.map((c: any) => [c.type, c.change.actions])).toEqual([['vault_kv_secret_v2', ['update']]]);
    const apply = throughSops(second.command, 'apply -input=false -no-color -auto-approve');
    if (apply.status !== 0) throw new Error(`apply failed (${apply.status})\n${apply.stdout}\n${apply.stderr}`);
    const read = await workloadRead(second.roleName);
    expect(read.data).toEqual({ PAYMENT_API_KEY: API_KEY_2, PAYMENT_WEBHOOK_SECRET: WEBHOOK });
    expect(read.metadata.version).toBe(2);
    expectNoValue('terraform.tfstate', tf.stateText());
    expect(throughSops(second.command, 'plan -input=false -no-color -detailed-exitcode').status).toBe(0);
  });
});
