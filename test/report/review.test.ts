// Findings of an independent review of `keyward report`, each on the input shape the reviewer used (hand-written
// templates and Terraform JSON, minimal copies of the review's inputs).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ACCOUNT, assemblyWriter, REGION } from './util';
import { accessReport, AccessReport } from '../../lib/report';
import { main } from '../../bin/report';

const assembly = assemblyWriter('keyward-report-review-');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-report-review-tf-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;

/** `keyward report --diff old new`: exit code and the JSON result. */
function diff(before: string, after: string): { code: number; result: any } {
  let json = '';
  const code = main(['--diff', before, after, '--json'], (s) => (json += s), (s) => { throw new Error(s); });
  return { code, result: JSON.parse(json) };
}

function readers(report: AccessReport, name: string) {
  const r = report.resources.find((x) => x.name === name);
  if (!r) {
    throw new Error(`no ${name}: ${report.resources.map((x) => x.name).join(', ')}`);
  }
  return r.readers.map((a) => ({ ...a, w: report.workloads.find((w) => w.id === a.workload)! }));
}

const KEY_TO_ACCOUNT = {
  Type: 'AWS::KMS::Key',
  Properties: { KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] } },
};
const LAMBDA_TRUST = { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

/** One secret (under the AWS managed key, or `key`) with a resource policy. */
function secretWithPolicy(statements: any[], extra: { [id: string]: any } = {}, keyed = false): any {
  return {
    Resources: {
      ...(keyed ? { Key: KEY_TO_ACCOUNT } : {}),
      Sec: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'a/star', ...(keyed ? { KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } } : {}) } },
      ...(statements.length > 0 ? { Pol: { Type: 'AWS::SecretsManager::ResourcePolicy', Properties: { SecretId: { Ref: 'Sec' }, ResourcePolicy: { Version: '2012-10-17', Statement: statements } } } } : {}),
      ...extra,
    },
  };
}

describe('1. Principal "*" in a resource policy', () => {
  const STAR_OWN_ACCOUNT = { Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } } };

  test('"*" limited to the own account, AWS managed key: any principal of the account reads; no other account; --diff exits 1', () => {
    const before = assembly({ Star: secretWithPolicy([]) });
    const after = assembly({ Star: secretWithPolicy([STAR_OWN_ACCOUNT]) });
    const r = readers(accessReport([after]), 'a/star');
    expect(r.map((a) => [a.w.kind, a.w.account, a.certainty])).toEqual([['any principal', ACCOUNT, 'yes']]);
    const { code, result } = diff(before, after);
    expect(code).toBe(1);
    expect(result.changes).toEqual([expect.objectContaining({ change: 'added', access: 'read', workload: `*:${ACCOUNT}` })]);
  });

  test('{AWS: "*"} without a condition: any principal of the account and of any other account (the latter only if the key allows)', () => {
    const star = { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'secretsmanager:GetSecretValue', Resource: '*' };
    // Under the AWS managed key, which no other account can use: only the own account.
    expect(readers(accessReport([assembly({ Star: secretWithPolicy([star]) })]), 'a/star').map((a) => a.w.account)).toEqual([ACCOUNT]);
    // Under a key whose policy also names every principal: any other account too, if its own IAM allows.
    const keyForAll = { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' }] } } };
    const open = readers(accessReport([assembly({ Star: secretWithPolicy([star], { Key: keyForAll }, true) })]), 'a/star');
    expect(open.map((a) => a.w.name).sort()).toEqual([`any principal of account ${ACCOUNT} (*, identity unknown)`, `any principal of any account but ${ACCOUNT} (*)`]);
  });

  test('Allow with NotPrincipal is "*"', () => {
    const notPrincipal = { Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::999999999999:role/x' }, Action: 'secretsmanager:GetSecretValue', Resource: '*' };
    const r = readers(accessReport([assembly({ Star: secretWithPolicy([notPrincipal]) })]), 'a/star');
    expect(r.map((a) => a.w.kind)).toEqual(['any principal']);
  });

  test('under a customer managed key delegating to the account root: "maybe" (the account\'s IAM may allow kms:Decrypt), never left out', () => {
    const r = readers(accessReport([assembly({ Star: secretWithPolicy([STAR_OWN_ACCOUNT], {}, true) })]), 'a/star');
    expect(r).toHaveLength(1);
    expect(r[0].w.account).toBe(ACCOUNT);
    expect(r[0].certainty).toBe('maybe');
    expect(r[0].notes.join()).toMatch(/IAM policies allowing kms:Decrypt/);
  });
});

describe('2. trust policies: statements are OR-ed', () => {
  const OIDC = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
  const MAIN = {
    Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: OIDC },
    Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:acme/payments:ref:refs/heads/main' } },
  };
  /** A GitHub deploy role that reads one secret (AWS managed key), with these trust statements. */
  const deployRole = (trust: any[]) => assembly({
    Gh: {
      Resources: {
        Sec: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'gh/secret' } },
        Deploy: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: trust } } },
        Read: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'read', Roles: [{ Ref: 'Deploy' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: 'Sec' } }] } } },
      },
    },
  });
  const base = deployRole([MAIN]);

  test('a second statement accepting any repository widens (exit 1), though it brings a new condition field', () => {
    const { code, result } = diff(base, deployRole([MAIN, { ...MAIN, Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:*' } } }]));
    expect(code).toBe(1);
    expect(result.changes).toEqual([expect.objectContaining({ change: 'widened', access: 'binding', workload: 'Gh/Deploy' })]);
    expect(result.changes[0].details.join()).toContain('repo:*');
  });

  test('a second statement without any condition widens', () => {
    const { code } = diff(base, deployRole([MAIN, { ...MAIN, Condition: undefined }]));
    expect(code).toBe(1);
  });

  test('a statement implied by an existing one is no widening; a condition added to the only statement narrows', () => {
    expect(diff(base, deployRole([MAIN, MAIN])).code).toBe(0);
    const stricter = { ...MAIN, Condition: { StringEquals: { ...MAIN.Condition.StringEquals, 'token.actions.githubusercontent.com:environment': 'production' } } };
    const { code, result } = diff(base, deployRole([stricter]));
    expect(code).toBe(0);
    expect(result.changes).toEqual([expect.objectContaining({ change: 'narrowed', access: 'binding' })]);
  });
});

/** A cdktf.out with stacks (name → resources); each stack gets the KV v2 mount `payments` and secret `db`. */
function vaultOut(stacks: { [stack: string]: { [type: string]: { [id: string]: any } } }, addresses: { [stack: string]: string } = {}): string {
  const dir = path.join(tmp, `tf${n++}`);
  for (const [stack, resources] of Object.entries(stacks)) {
    fs.mkdirSync(path.join(dir, 'stacks', stack), { recursive: true });
    const doc = {
      provider: { vault: [{ address: addresses[stack] ?? 'https://vault.example.com:8200' }] },
      resource: {
        vault_mount: { kv: { path: 'payments', type: 'kv-v2' } },
        vault_kv_secret_v2: { db: { mount: '${vault_mount.kv.path}', name: 'db', data_json_wo: '${var.x}' } },
        vault_jwt_auth_backend: { gh: { path: 'jwt', oidc_discovery_url: 'https://token.actions.githubusercontent.com', bound_issuer: 'https://token.actions.githubusercontent.com' } },
        ...resources,
      },
    };
    fs.writeFileSync(path.join(dir, 'stacks', stack, 'cdk.tf.json'), JSON.stringify(doc));
  }
  return dir;
}

const DEPLOY_ROLE = (extra: any = {}) => ({
  deploy: { backend: '${vault_jwt_auth_backend.gh.path}', role_name: 'deploy', role_type: 'jwt', user_claim: 'sub', bound_audiences: ['https://github.com/acme'], bound_claims: { repository: 'acme/payments' }, token_policies: ['deploy'], ...extra },
});
const DEPLOY_POLICY = { deploy: { name: 'deploy', policy: 'path "payments/data/other" {\n  capabilities = ["read"]\n}\n' } };

const vaultReaders = (dir: string) => accessReport([dir]).resources.find((r) => r.name === 'payments/db')!.readers.map((a) => a.workload);

describe('3. Vault\'s default policy', () => {
  const DEFAULT_WIDENED = { default: { name: 'default', policy: 'path "payments/data/*" {\n  capabilities = ["read"]\n}\n' } };

  test('a `default` policy in the output applies to every role that does not set token_no_default_policy', () => {
    const base = vaultOut({ app: { vault_policy: DEPLOY_POLICY, vault_jwt_auth_backend_role: DEPLOY_ROLE() } });
    const widened = vaultOut({ app: { vault_policy: { ...DEPLOY_POLICY, ...DEFAULT_WIDENED }, vault_jwt_auth_backend_role: DEPLOY_ROLE() } });
    expect(vaultReaders(base)).toEqual([]);
    expect(vaultReaders(widened)).toEqual(['app:auth/jwt/role/deploy']);
    expect(diff(base, widened).code).toBe(1);
  });

  test('token_no_default_policy = true: the default policy does not apply', () => {
    const dir = vaultOut({ app: { vault_policy: { ...DEPLOY_POLICY, ...DEFAULT_WIDENED }, vault_jwt_auth_backend_role: DEPLOY_ROLE({ token_no_default_policy: true }) } });
    expect(vaultReaders(dir)).toEqual([]);
  });
});

describe('4. Vault policy shapes', () => {
  const withPolicy = (text: string) => vaultOut({ app: { vault_policy: { deploy: { name: 'deploy', policy: text } }, vault_jwt_auth_backend_role: DEPLOY_ROLE() } });
  const readsAndWrites = (dir: string) => {
    const r = accessReport([dir]).resources.find((x) => x.name === 'payments/db')!;
    return [r.readers.length, r.writers.length];
  };

  test.each([
    ['read', [1, 0]],
    ['write', [1, 1]],
    ['sudo', [1, 1]],
    ['deny', [0, 0]],
  ])('legacy policy = "%s"', (legacy, expected) => {
    expect(readsAndWrites(withPolicy(`path "payments/data/*" { policy = "${legacy}" }`))).toEqual(expected);
  });

  test('JSON form with `path` as a list, and a body as a list', () => {
    expect(readsAndWrites(withPolicy('{"path": [{"payments/data/*": {"capabilities": ["read", "update"]}}]}'))).toEqual([1, 1]);
    expect(readsAndWrites(withPolicy('{"path": {"payments/data/*": [{"capabilities": ["read"]}]}}'))).toEqual([1, 0]);
  });

  test.each([
    ['an unknown legacy value', 'path "payments/data/*" { policy = "all" }'],
    ['an unknown attribute', 'path "payments/data/*" { capability = ["read"] }'],
    ['an unknown top-level attribute', 'paths = "payments/data/*"'],
    ['an unknown JSON key', '{"paths": {"payments/data/*": {"capabilities": ["read"]}}}'],
    ['a JSON path that is a string', '{"path": "payments/data/*"}'],
  ])('%s: exit 2, never dropped', (_what, text) => {
    let err = '';
    expect(main([withPolicy(text)], () => undefined, (s) => (err += s))).toBe(2);
    expect(err).toMatch(/policy/);
  });
});

describe('5. identity policies attached by name to principals defined outside the output', () => {
  test('Roles: [name], Users: [name] (iam.Role.fromRoleName + a grant) are workloads of their own', () => {
    const read = { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: 'Sec' } };
    const dir = assembly({
      Ext: {
        Resources: {
          Sec: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'ext/secret' } },
          Mp: { Type: 'AWS::IAM::ManagedPolicy', Properties: { Roles: ['ci-deployer'], PolicyDocument: { Statement: [read] } } },
          Pol: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'bob', Users: ['bob'], PolicyDocument: { Statement: [read] } } },
        },
      },
    });
    const r = readers(accessReport([dir]), 'ext/secret');
    expect(r.map((a) => [a.w.kind, a.w.name, a.workload]).sort()).toEqual([
      ['IAM role', 'IAM role ci-deployer (defined outside the output)', `arn:aws:iam::${ACCOUNT}:role/ci-deployer`],
      ['IAM user', 'IAM user bob (defined outside the output)', `arn:aws:iam::${ACCOUNT}:user/bob`],
    ]);
    expect(r.every((a) => a.certainty === 'yes')).toBe(true);
  });
});

describe('6. the trust anchor of an auth backend is part of the binding', () => {
  const POLICY = { deploy: { name: 'deploy', policy: 'path "payments/data/db" {\n  capabilities = ["read"]\n}\n' } };
  const withJwt = (backend: any) => vaultOut({ app: { vault_policy: POLICY, vault_jwt_auth_backend: { gh: { path: 'jwt', ...backend } }, vault_jwt_auth_backend_role: DEPLOY_ROLE() } });
  const GITHUB = { oidc_discovery_url: 'https://token.actions.githubusercontent.com', bound_issuer: 'https://token.actions.githubusercontent.com' };

  test.each([
    ['oidc_discovery_url', { ...GITHUB, oidc_discovery_url: 'https://evil.example.com' }],
    ['bound_issuer', { ...GITHUB, bound_issuer: 'https://evil.example.com' }],
    ['jwks_url', { ...GITHUB, jwks_url: 'https://evil.example.com/keys' }],
    ['jwt_validation_pubkeys', { bound_issuer: GITHUB.bound_issuer, jwt_validation_pubkeys: ['-----BEGIN PUBLIC KEY-----\nMFkw...\n-----END PUBLIC KEY-----'] }],
  ])('a changed %s widens the JWT role\'s binding (exit 1)', (field, backend) => {
    const { code, result } = diff(withJwt(GITHUB), withJwt(backend));
    expect(code).toBe(1);
    expect(result.changes).toEqual([expect.objectContaining({ change: 'widened', access: 'binding' })]);
    expect(result.changes[0].details.join()).toContain(`trust ${field}`);
  });

  test('public keys are reported by digest, never as text', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nMFkw...\n-----END PUBLIC KEY-----';
    const w = accessReport([withJwt({ jwt_validation_pubkeys: [pem] })]).workloads[0];
    expect(w.binding['trust jwt_validation_pubkeys']).toEqual([expect.stringMatching(/^sha256:[0-9a-f]{16}$/)]);
  });

  test('Kubernetes: a changed host or CA certificate widens the role\'s binding', () => {
    const k8s = (config: any) => vaultOut({
      app: {
        vault_policy: POLICY,
        vault_auth_backend: { k8s: { path: 'kubernetes', type: 'kubernetes' } },
        vault_kubernetes_auth_backend_config: { c: { backend: '${vault_auth_backend.k8s.path}', ...config } },
        vault_kubernetes_auth_backend_role: { api: { backend: '${vault_auth_backend.k8s.path}', role_name: 'api', bound_service_account_names: ['api'], bound_service_account_namespaces: ['payments'], token_policies: ['deploy'] } },
      },
    });
    const base = k8s({ kubernetes_host: 'https://k8s.internal:6443', kubernetes_ca_cert: 'CA-1' });
    expect(diff(base, k8s({ kubernetes_host: 'https://k8s.evil:6443', kubernetes_ca_cert: 'CA-1' })).code).toBe(1);
    expect(diff(base, k8s({ kubernetes_host: 'https://k8s.internal:6443', kubernetes_ca_cert: 'CA-2' })).code).toBe(1);
    expect(diff(base, base).code).toBe(0);
  });
});

describe('7. --diff: conditions and Denies that stop applying', () => {
  const ROLE_READS = {
    Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: LAMBDA_TRUST } },
    Read: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'read', Roles: [{ Ref: 'Role' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: 'Sec' } }] } } },
  };
  const VPCE_DENY = { Sid: 'DenyOutsideVpce', Effect: 'Deny', Principal: '*', Action: 'secretsmanager:*', Resource: '*', Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-0123' } } };

  test('a Deny-unless-aws:SourceVpce removed from the resource policy widens (exit 1)', () => {
    const { code, result } = diff(assembly({ S: secretWithPolicy([VPCE_DENY], ROLE_READS) }), assembly({ S: secretWithPolicy([], ROLE_READS) }));
    expect(code).toBe(1);
    expect(result.changes).toEqual([expect.objectContaining({ change: 'widened', access: 'read', workload: 'S/Role' })]);
    expect(result.changes[0].details.join()).toContain('aws:SourceVpce');
  });

  test('a changed condition of an Allow (aws:PrincipalOrgID to another organization) widens (exit 1)', () => {
    const org = (id: string) => ({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': id } } });
    const keyForPartner = { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'kms:Decrypt', Resource: '*' }] } } };
    const before = assembly({ S: secretWithPolicy([org('o-ourorg')], { Key: keyForPartner }, true) });
    const after = assembly({ S: secretWithPolicy([org('o-evilorg')], { Key: keyForPartner }, true) });
    const { code, result } = diff(before, after);
    expect(code).toBe(1);
    expect(result.changes).toEqual(expect.arrayContaining([expect.objectContaining({ change: 'widened', access: 'read', workload: 'account:222222222222' })]));
  });
});

describe('8. --diff: something new that is not evaluated', () => {
  test('an unknown customer managed policy attached to a reader: exit 1, listed as not evaluated', () => {
    const role = (arns: string[]) => ({
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: LAMBDA_TRUST, ManagedPolicyArns: arns } },
    });
    const before = assembly({ S: secretWithPolicy([], role([])) });
    const after = assembly({ S: secretWithPolicy([], role([`arn:aws:iam::${ACCOUNT}:policy/ops-read-all-secrets`])) });
    const { code, result } = diff(before, after);
    expect(code).toBe(1);
    expect(result.changes).toEqual([]);
    expect(result.newlyNotEvaluated).toEqual([expect.stringContaining('policy/ops-read-all-secrets')]);
    let text = '';
    main(['--diff', before, after], (s) => (text += s), () => undefined);
    expect(text).toContain('not evaluated (new)');
  });
});

describe('9. Fn::If and policy documents written as JSON strings', () => {
  const READ = { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: 'Sec' } };
  const withRole = (props: any, extra: any = {}) => assembly({
    S: secretWithPolicy([], { Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: LAMBDA_TRUST, ...props } }, ...extra }),
  });
  const access = (dir: string) => readers(accessReport([dir]), 'a/star').map((a) => [a.workload, a.certainty]);

  test('Fn::If around a statement, and around the actions of one: both branches, as "maybe"', () => {
    const aroundStatement = { PolicyName: 'p', Roles: [{ Ref: 'Role' }], PolicyDocument: { Statement: [{ 'Fn::If': ['IsProd', READ, { Ref: 'AWS::NoValue' }] }] } };
    expect(access(withRole({}, { P: { Type: 'AWS::IAM::Policy', Properties: aroundStatement } }))).toEqual([['S/Role', 'maybe']]);
    const aroundAction = { PolicyName: 'p', Roles: [{ Ref: 'Role' }], PolicyDocument: { Statement: [{ ...READ, Action: { 'Fn::If': ['IsProd', 'sqs:SendMessage', 'secretsmanager:*'] } }] } };
    const r = readers(accessReport([withRole({}, { P: { Type: 'AWS::IAM::Policy', Properties: aroundAction } })]), 'a/star');
    expect(r.map((a) => a.certainty)).toEqual(['maybe']);
    expect(r[0].notes.join()).toContain('Fn::If IsProd');
  });

  test('Fn::If choosing AdministratorAccess in ManagedPolicyArns: both branches', () => {
    const arns = [{ 'Fn::If': ['X', 'arn:aws:iam::aws:policy/AdministratorAccess', { Ref: 'AWS::NoValue' }] }];
    expect(access(withRole({ ManagedPolicyArns: arns }))).toEqual([['S/Role', 'maybe']]);
  });

  test('a PolicyDocument that is a JSON string is parsed (literal or Fn::Sub)', () => {
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }] });
    expect(access(withRole({}, { P: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'str', Roles: [{ Ref: 'Role' }], PolicyDocument: text } } }))).toEqual([['S/Role', 'yes']]);
    expect(access(withRole({}, { P: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'str', Roles: [{ Ref: 'Role' }], PolicyDocument: { 'Fn::Sub': text } } } }))).toEqual([['S/Role', 'yes']]);
  });

  test('a PolicyDocument string that is not JSON is reported as not evaluated', () => {
    const report = accessReport([withRole({}, { P: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'str', Roles: [{ Ref: 'Role' }], PolicyDocument: 'Statement: *' } } })]);
    expect(report.warnings).toEqual([expect.stringContaining('not JSON: not evaluated')]);
  });
});

describe('10. the AWS managed key by alias', () => {
  test.each(['alias/aws/secretsmanager', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/aws/secretsmanager`])('KmsKeyId %s is the AWS managed key: same-account readers read', (keyId) => {
    const dir = assembly({
      B: {
        Resources: {
          Sec: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'b/alias', KmsKeyId: keyId } },
          Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: LAMBDA_TRUST } },
          P: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', Roles: [{ Ref: 'Role' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: 'Sec' } }] } } },
        },
      },
    });
    const report = accessReport([dir]);
    expect(readers(report, 'b/alias').map((a) => [a.workload, a.certainty])).toEqual([['B/Role', 'yes']]);
    expect(report.resources[0].key).toBe('aws/secretsmanager (AWS managed key)');
  });
});

describe('11. Vault stacks that talk to the same server', () => {
  const OPS = {
    vault_policy: { all: { name: 'ops-all', policy: 'path "payments/data/*" {\n  capabilities = ["read"]\n}\n' } },
    vault_approle_auth_backend_role: { ops: { backend: 'approle', role_name: 'ops', token_policies: ['ops-all'] } },
  };
  const platformOnly = (r: AccessReport) => r.resources.filter((x) => x.id.startsWith('payments:')).flatMap((x) => x.readers.map((a) => a.workload));

  test('a role and policy of another stack with the same provider config read this stack\'s paths', () => {
    const report = accessReport([vaultOut({ payments: {}, platform: OPS })]);
    expect(platformOnly(report)).toEqual(['platform:auth/approle/role/ops']);
  });

  test('stacks with different provider addresses are different servers', () => {
    const report = accessReport([vaultOut({ payments: {}, platform: OPS }, { platform: 'https://other-vault.example.com:8200' })]);
    expect(platformOnly(report)).toEqual([]);
  });
});

describe('14. writers', () => {
  test('secretsmanager:UpdateSecret alone is a write', () => {
    const dir = assembly({
      W: secretWithPolicy([], {
        Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: LAMBDA_TRUST } },
        P: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', Roles: [{ Ref: 'Role' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'secretsmanager:UpdateSecret', Resource: { Ref: 'Sec' } }] } } },
      }),
    });
    const r = accessReport([dir]).resources[0];
    expect(r.readers).toEqual([]);
    expect(r.writers.map((a) => [a.workload, a.certainty])).toEqual([['W/Role', 'yes']]);
  });
});

describe('13. IAM group members', () => {
  const GROUP_READS = {
    Readers: { Type: 'AWS::IAM::Group', Properties: { GroupName: 'readers' } },
    GroupPol: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'g', Groups: [{ Ref: 'Readers' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:*:*:secret:*' }] } } },
  };
  const people = (r: AccessReport) => readers(r, 'a/star').filter((a) => a.w.kind === 'IAM user').map((a) => a.workload);

  test('a user added to a group that reads (Groups on the user) reads; --diff exits 1', () => {
    const before = assembly({ G: secretWithPolicy([], { ...GROUP_READS, Alice: { Type: 'AWS::IAM::User', Properties: {} } }) });
    const after = assembly({ G: secretWithPolicy([], { ...GROUP_READS, Alice: { Type: 'AWS::IAM::User', Properties: { Groups: [{ Ref: 'Readers' }] } } }) });
    expect(people(accessReport([before]))).toEqual([]);
    expect(people(accessReport([after]))).toEqual(['G/Alice']);
    expect(diff(before, after).code).toBe(1);
  });

  test('AWS::IAM::UserToGroupAddition makes the user a member', () => {
    const dir = assembly({
      G: secretWithPolicy([], {
        ...GROUP_READS,
        Bob: { Type: 'AWS::IAM::User', Properties: { UserName: 'bob' } },
        Add: { Type: 'AWS::IAM::UserToGroupAddition', Properties: { GroupName: { Ref: 'Readers' }, Users: [{ Ref: 'Bob' }] } },
      }),
    });
    expect(people(accessReport([dir]))).toEqual(['G/Bob']);
  });
});

describe('12. Vault resources that give policies outside auth roles', () => {
  const base = () => vaultOut({ app: { vault_policy: DEPLOY_POLICY, vault_jwt_auth_backend_role: DEPLOY_ROLE() } });
  test.each([
    ['vault_identity_group', { g: { name: 'admins', policies: ['root-ish'], member_entity_ids: ['e1'] } }],
    ['vault_identity_group_policies', { g: { group_id: 'x', policies: ['root-ish'] } }],
    ['vault_identity_entity_policies', { e: { entity_id: 'x', policies: ['root-ish'] } }],
    ['vault_generic_endpoint', { r: { path: 'auth/jwt/role/backdoor', data_json: '{"token_policies":["deploy"]}' } }],
    ['vault_generic_endpoint', { r: { path: 'sys/policy/default', data_json: '{"policy":"path \\"*\\" {capabilities=[\\"read\\"]}"}' } }],
  ])('%s: reported as not evaluated; new in --diff: exit 1', (type, resources) => {
    const after = vaultOut({ app: { vault_policy: DEPLOY_POLICY, vault_jwt_auth_backend_role: DEPLOY_ROLE(), [type]: resources } });
    expect(accessReport([after]).warnings).toEqual([expect.stringContaining(type)]);
    const { code, result } = diff(base(), after);
    expect(code).toBe(1);
    expect(result.newlyNotEvaluated).toHaveLength(1);
  });
});

describe('15. ways to grant itself access, and permissions boundaries', () => {
  const ROLE = (name: string, trust: any = LAMBDA_TRUST, extra: any = {}) => ({ Type: 'AWS::IAM::Role', Properties: { RoleName: name, AssumeRolePolicyDocument: trust, ...extra } });
  const POLICY = (role: string, statements: any[]) => ({ Type: 'AWS::IAM::Policy', Properties: { PolicyName: role, Roles: [{ Ref: role }], PolicyDocument: { Statement: statements } } });
  const escalation = (r: AccessReport, id: string) => r.workloads.find((w) => w.id === id)?.escalation ?? [];

  test('role chaining to a role that trusts the account root, and kms:CreateGrant, PutResourcePolicy, iam:Put*/Attach* on itself', () => {
    const dir = assembly({
      E: secretWithPolicy([], {
        A: ROLE('a'),
        B: ROLE('b', { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] }),
        PA: POLICY('A', [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: { 'Fn::GetAtt': ['B', 'Arn'] } },
          { Effect: 'Allow', Action: ['kms:CreateGrant', 'secretsmanager:PutResourcePolicy'], Resource: '*' },
          { Effect: 'Allow', Action: 'iam:PutRolePolicy', Resource: { 'Fn::GetAtt': ['A', 'Arn'] } },
        ]),
      }, true),
    });
    const e = escalation(accessReport([dir]), 'E/A');
    expect(e).toEqual(expect.arrayContaining([
      expect.stringMatching(/^sts:AssumeRole of E\/B \(role chaining/),
      expect.stringMatching(/^kms:CreateGrant on E\/Key/),
      'secretsmanager:PutResourcePolicy on a/star',
      'iam:PutRolePolicy on itself',
    ]));
    expect(e).toHaveLength(4);
  });

  test('a new way to grant itself access fails --diff (exit 1)', () => {
    const base = { A: ROLE('a'), B: ROLE('b', { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] }) };
    const before = assembly({ E: secretWithPolicy([], base) });
    const after = assembly({ E: secretWithPolicy([], { ...base, PA: POLICY('A', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]) }) });
    const { code, result } = diff(before, after);
    expect(code).toBe(1);
    expect(result.changes).toEqual([expect.objectContaining({ change: 'widened', access: 'escalation', workload: 'E/A' })]);
  });

  test('TagResource counts only where grants match resource tags', () => {
    const tagging = POLICY('A', [{ Effect: 'Allow', Action: 'secretsmanager:TagResource', Resource: '*' }]);
    expect(escalation(accessReport([assembly({ E: secretWithPolicy([], { A: ROLE('a'), PA: tagging }) })]), 'E/A')).toEqual([]);
    const tagGrant = POLICY('R', [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/keyward:access': 'r' } } }]);
    const e = escalation(accessReport([assembly({ E: secretWithPolicy([], { A: ROLE('a'), PA: tagging, R: ROLE('r'), PR: tagGrant }) })]), 'E/A');
    expect(e).toEqual(['secretsmanager:TagResource on a/star (can match tag-mode grants)']);
  });

  test('a permissions boundary in the output narrows identity grants; one outside it is noted', () => {
    const read = POLICY('L', [{ Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*' }]);
    const boundary = { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] } } };
    const bounded = assembly({ E: secretWithPolicy([], { L: ROLE('l', LAMBDA_TRUST, { PermissionsBoundary: { Ref: 'Boundary' } }), PL: read, Boundary: boundary }) });
    expect(readers(accessReport([bounded]), 'a/star')).toEqual([]);
    const outside = assembly({ E: secretWithPolicy([], { L: ROLE('l', LAMBDA_TRUST, { PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/boundary` }), PL: read }) });
    const r = readers(accessReport([outside]), 'a/star');
    expect(r.map((a) => a.workload)).toEqual(['E/L']);
    expect(r[0].notes.join()).toContain('permissions boundary');
  });
});

test('15. kms:CreateGrant given to a role by the key policy alone (no kms:Decrypt anywhere) is a way to grant itself access', () => {
  const dir = assembly({
    D: {
      Resources: {
        Granter: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'granter', AssumeRolePolicyDocument: LAMBDA_TRUST } },
        Key: {
          Type: 'AWS::KMS::Key',
          Properties: { KeyPolicy: { Statement: [KEY_TO_ACCOUNT.Properties.KeyPolicy.Statement[0], { Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': ['Granter', 'Arn'] } }, Action: 'kms:CreateGrant', Resource: '*' }] } },
        },
        Sec: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'd/grant', KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
        P: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', Roles: [{ Ref: 'Granter' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: 'Sec' } }] } } },
      },
    },
  });
  const report = accessReport([dir]);
  expect(readers(report, 'd/grant')).toEqual([]);
  expect(report.workloads.find((w) => w.id === 'D/Granter')!.escalation).toEqual(['kms:CreateGrant on D/Key']);
});
