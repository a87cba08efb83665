import * as path from 'path';
import * as cdktf from 'cdktf';
import { Construct } from 'constructs';
import { TerraformVariable } from 'cdktf';
import * as vault from '../../lib/vault';
import { KubernetesAuthBackend, KvStore, SecretPath } from '../../lib/vault';
import { keywardError, newStack, resources, synthJson } from './util';

// A second copy of a package is what an app gets from a `file:` dependency, a monorepo link or two cdktf versions
// side by side: the same classes, loaded twice, so `instanceof` and module-level maps of one copy miss the other's.
// `jest.isolateModules` loads the package (and everything it imports: cdktf, constructs) afresh.

function secondCdktf(): typeof cdktf {
  let copy: typeof cdktf | undefined;
  jest.isolateModules(() => {
    // A fresh require inside isolateModules is what loads the second copy.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    copy = require('cdktf');
  });
  // Really another copy: its classes are other objects than the ones Keyward imported.
  expect(copy!.TerraformVariable).not.toBe(cdktf.TerraformVariable);
  return copy!;
}

function secondKeyward(): typeof vault {
  let copy: typeof vault | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    copy = require('../../lib/vault');
  });
  expect(copy!.KvStore).not.toBe(vault.KvStore);
  expect(copy!.TransitEngine).not.toBe(vault.TransitEngine);
  return copy!;
}

describe('a second copy of cdktf', () => {
  test('its sensitive variable without a default is a write-only value; a non-sensitive one or one with a default is refused', () => {
    const other = secondCdktf();
    const stack = newStack();
    const store = new KvStore(stack, 'Kv', { path: 'kv' });
    const map = new other.TerraformVariable(stack, 'db', { type: 'map(string)', sensitive: true });
    const str = new other.TerraformVariable(stack, 'api', { type: 'string', sensitive: true });
    expect(map).not.toBeInstanceOf(TerraformVariable);
    new SecretPath(stack, 'Db', { store, name: 'app/db', writeOnlyValue: map, writeOnlyValueVersion: 2 });
    new SecretPath(stack, 'Api', { store, name: 'app/api', writeOnlyValue: str });
    expect(resources(stack, 'vault_kv_secret_v2').map(s => [s.name, s.data_json_wo, s.data_json_wo_version]).sort()).toEqual([
      ['app/api', '${var.api}', 1],
      ['app/db', '${jsonencode(var.db)}', 2],
    ]);

    const plain = new other.TerraformVariable(stack, 'plain', { type: 'map(string)' });
    expect(() => new SecretPath(stack, 'A', { store, name: 'a', writeOnlyValue: plain })).toThrow(keywardError('stack/A', 'write-only-sensitive'));
    expect(() => new SecretPath(stack, 'B', { store, name: 'b', writeOnlyValue: plain })).toThrow(/variable stack\/plain is not sensitive/);
    const withDefault = new other.TerraformVariable(stack, 'tok', { type: 'string', sensitive: true, default: '{"k":"v"}' });
    expect(() => new SecretPath(stack, 'C', { store, name: 'c', writeOnlyValue: withDefault })).toThrow(keywardError('stack/C', 'write-only-sensitive'));
    expect(() => new SecretPath(stack, 'D', { store, name: 'd', writeOnlyValue: withDefault })).toThrow(/has a default.*TF_VAR_tok/);
    const list = new other.TerraformVariable(stack, 'list', { type: 'list(string)', sensitive: true });
    expect(() => new SecretPath(stack, 'E', { store, name: 'e', writeOnlyValue: list })).toThrow(/has type list\(string\)/);
  });

  test('what is not a variable of either copy stays refused as a literal', () => {
    const other = secondCdktf();
    const stack = newStack();
    const store = new KvStore(stack, 'Kv', { path: 'kv' });
    // An object that looks like a sensitive variable, and another element of the second copy (a local).
    const lookAlike = { sensitive: true, type: 'string', stringValue: 'hunter2', node: stack.node } as unknown as TerraformVariable;
    const local = new other.TerraformLocal(stack, 'loc', 'x') as unknown as TerraformVariable;
    for (const [id, value] of [['A', lookAlike], ['B', local]] as const) {
      expect(() => new SecretPath(stack, id, { store, name: id, writeOnlyValue: value })).toThrow(keywardError(`stack/${id}`, 'write-only-sensitive'));
      expect(() => new SecretPath(stack, `${id}2`, { store, name: `${id}2`, writeOnlyValue: value })).toThrow(/never a literal value/);
    }
  });

  test('its sensitive string variable is a token reviewer JWT; a non-sensitive one is refused', () => {
    const other = secondCdktf();
    const stack = newStack();
    const host = 'https://k8s.example:6443';
    const jwt = new other.TerraformVariable(stack, 'reviewer', { type: 'string', sensitive: true });
    new KubernetesAuthBackend(stack, 'K8s', { kubernetesHost: host, tokenReviewerJwt: jwt });
    const config: any = Object.values(synthJson(stack).resource.vault_kubernetes_auth_backend_config)[0];
    expect(config.token_reviewer_jwt_wo).toBe('${var.reviewer}');
    const plain = new other.TerraformVariable(stack, 'plain', { type: 'string' });
    expect(() => new KubernetesAuthBackend(stack, 'A', { path: 'a', kubernetesHost: host, tokenReviewerJwt: plain })).toThrow(keywardError('stack/A', 'write-only-sensitive'));
    expect(() => new KubernetesAuthBackend(stack, 'B', { path: 'b', kubernetesHost: host, tokenReviewerJwt: plain })).toThrow(/variable stack\/plain is not sensitive/);
  });
});

describe('two copies of Keyward in one app', () => {
  test('duplicate mount paths, nested mounts, secret paths and policy names are refused across copies', () => {
    const b = secondKeyward();
    const stack = newStack();
    const store = new vault.KvStore(stack, 'A', { path: 'kv' });
    expect(() => new b.KvStore(stack, 'B', { path: 'kv' })).toThrow(keywardError('stack/B', 'duplicate-path'));
    expect(() => new b.KvStore(stack, 'B2', { path: 'kv' })).toThrow(/mount path "kv" is already declared by stack\/A/);
    expect(() => new b.TransitEngine(stack, 'T', { path: 'kv/transit' })).toThrow(keywardError('stack/T', 'nested-mount'));
    new vault.SecretPath(stack, 'S', { store, name: 'app/db' });
    expect(() => new b.SecretPath(stack, 'S2', { store, name: 'app/db' })).toThrow(keywardError('stack/S2', 'duplicate-path'));
    new vault.AppRoleWorkload(stack, 'JobA', { policyName: 'shared' });
    expect(() => new b.AppRoleWorkload(stack, 'JobB', { policyName: 'shared' })).toThrow(keywardError('stack/JobB', 'duplicate-path'));
    expect(() => new b.AppRoleWorkload(stack, 'JobC', { policyName: 'shared' })).toThrow(/policy name "shared" is already declared by stack\/JobA/);
  });

  test('in the other order too, and across the stacks of one app', () => {
    const b = secondKeyward();
    const app = cdktf.Testing.app();
    const one = new b.VaultStack(app, 'one');
    const two = new vault.VaultStack(app, 'two');
    new b.AppRoleWorkload(one, 'Job', { policyName: 'batch', roleName: 'batch-one' });
    expect(() => new vault.AppRoleWorkload(two, 'Job', { policyName: 'batch', roleName: 'batch-two' })).toThrow(keywardError('two/Job', 'duplicate-path'));
    new b.KvStore(one, 'Kv', { path: 'platform' });
    expect(() => new vault.KvStore(one, 'Team', { path: 'platform/team' })).toThrow(keywardError('one/Team', 'nested-mount'));
  });

  test('shared auth backends and transit engines are found, not created twice; a wrong kind at the path is an error', () => {
    const b = secondKeyward();
    const stack = newStack();
    const jwt = vault.JwtAuthBackend.of(stack);
    expect(b.JwtAuthBackend.of(stack)).toBe(jwt);
    const transit = b.TransitEngine.of(stack);
    expect(vault.TransitEngine.of(stack)).toBe(transit);
    new b.AppRoleWorkload(stack, 'Job');
    new vault.AppRoleWorkload(stack, 'Job2');
    expect(resources(stack, 'vault_auth_backend').map(r => r.type)).toEqual(['approle']);
    expect(resources(stack, 'vault_jwt_auth_backend')).toHaveLength(1);
    expect(resources(stack, 'vault_mount').map(r => r.path)).toEqual(['transit']);

    new vault.AppRoleAuthBackend(stack, 'Batch', { path: 'batch' });
    expect(() => b.KubernetesAuthBackend.of(stack, 'batch')).toThrow(keywardError('stack', 'auth-backend-type'));
    expect(() => b.KubernetesAuthBackend.of(stack, 'batch')).toThrow(/already used by stack\/Batch, which is not a KubernetesAuthBackend/);
    new b.KvStore(stack, 'Kv', { path: 'kv' });
    expect(() => vault.TransitEngine.of(stack, 'kv')).toThrow(keywardError('stack', 'duplicate-path'));
  });

  test('the apply command of a stack runs the SOPS files of both copies', () => {
    const b = secondKeyward();
    const api = path.join(__dirname, '..', 'fixtures', 'sops', 'api.enc.env');
    const stack = newStack();
    new vault.SopsFileVariables(stack, 'PaymentApi', { path: api, keys: ['PAYMENT_API_KEY'] });
    new b.SopsFileVariables(stack, 'Webhook', { path: api, keys: ['PAYMENT_WEBHOOK_SECRET'] });
    const expected = `sops exec-env ${api} 'TF_VAR_payment_api_PAYMENT_API_KEY="$PAYMENT_API_KEY" sops exec-env ${api} '\\''TF_VAR_webhook_PAYMENT_WEBHOOK_SECRET="$PAYMENT_WEBHOOK_SECRET" terraform plan'\\'''`;
    expect(vault.SopsFileVariables.execCommandFor(stack, 'terraform plan')).toBe(expected);
    expect(b.SopsFileVariables.execCommandFor(stack, 'terraform plan')).toBe(expected);
  });

  test('an app built from both copies synthesizes what the same app from one copy does', () => {
    const build = (kv: typeof vault, workloads: typeof vault) => {
      const stack = new kv.VaultStack(cdktf.Testing.app(), 'stack');
      const store = new kv.KvStore(stack, 'Kv', { path: 'kv' });
      const secret = new kv.SecretPath(stack, 'Db', { store, name: 'app/db' });
      const job = new workloads.AppRoleWorkload(stack, 'Job', { policyName: 'job' });
      secret.grantRead(job);
      new workloads.TransitKey(stack, 'Key', { name: 'payments' });
      return synthJson(stack);
    };
    const b = secondKeyward();
    const mixed = build(vault, b);
    expect(mixed.resource.vault_policy).toBeDefined();
    expect(mixed).toEqual(build(vault, vault));
  });
});

// The ids and the brand below are the contract between copies of Keyward: each copy looks for them in the tree.
describe("Keyward's Vault bookkeeping in the construct tree", () => {
  const STACK_ID = 'KeywardVaultRegistry';

  test('is a child of the stack that adds nothing to cdk.tf.json; reading the SOPS command does not create it', () => {
    const stack = newStack();
    expect(vault.SopsFileVariables.execCommandFor(stack, 'terraform plan')).toBe('terraform plan');
    expect(stack.node.tryFindChild(STACK_ID)).toBeUndefined();
    new KvStore(stack, 'Kv', { path: 'kv' });
    expect(stack.node.tryFindChild(STACK_ID)).toBeDefined();
    const json = synthJson(stack);
    expect(Object.keys(json.resource).sort()).toEqual(['vault_kv_secret_backend_v2', 'vault_mount']);
    expect(JSON.stringify(json)).not.toContain('KeywardVault');
  });

  test('an id taken by another construct, or bookkeeping of another layout, is an error naming it', () => {
    const taken = newStack();
    new Construct(taken, STACK_ID);
    expect(() => new KvStore(taken, 'Kv', { path: 'kv' })).toThrow(keywardError(`stack/${STACK_ID}`, 'vault-registry'));
    expect(() => new KvStore(taken, 'Kv2', { path: 'kv' })).toThrow(/is reserved for Keyward's Vault bookkeeping/);

    const newer = newStack();
    Object.defineProperty(new Construct(newer, STACK_ID), Symbol.for('keyward.vault.VaultRegistry'), { value: 2 });
    expect(() => new KvStore(newer, 'Kv', { path: 'kv' })).toThrow(keywardError(`stack/${STACK_ID}`, 'vault-registry'));
    expect(() => new KvStore(newer, 'Kv2', { path: 'kv' })).toThrow(/has layout 2, made by another version of Keyward; this copy reads layout 1/);
  });
});
