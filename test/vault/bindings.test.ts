/**
 * Binding inputs that widened a role while passing synth (found by an independent review, its inputs reused here):
 * each now fails at synth with the construct path and the rule id.
 */
import { Construct } from 'constructs';
import { TerraformVariable, Testing } from 'cdktf';
import {
  AppRoleAuthBackend, AppRoleWorkload, AwsAuthBackend, AwsIamWorkload, GitHubActionsWorkload, JwtAuthBackend, JwtWorkload, KubernetesWorkload,
  KvStore, SecretPath, TransitEngine, TransitKey, VaultPolicyDocument, VaultStack,
} from '../../lib/vault';
import { keywardError, newStack, resources } from './util';

const GH = 'https://token.actions.githubusercontent.com';
const PEM = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n';
const AUD = ['https://github.com/acme'];

describe('F1 the GitHub-issuer rules cannot be switched off by how the issuer is written', () => {
  test('an empty boundIssuer is refused unless the key source is GitHub\'s discovery URL', () => {
    const stack = newStack();
    expect(() => new JwtAuthBackend(stack, 'Gh', { jwksUrl: `${GH}/.well-known/jwks`, boundIssuer: '' })).toThrow(keywardError('stack/Gh', 'jwt-bound-issuer'));
    expect(() => new JwtAuthBackend(stack, 'Keys', { path: 'k', jwtValidationPubkeys: [PEM], boundIssuer: '' })).toThrow(keywardError('stack/Keys', 'jwt-bound-issuer'));
    // GitHub's discovery URL checks the issuer itself; the backend is still GitHub's.
    const ok = new JwtAuthBackend(stack, 'Disc', { path: 'd', oidcDiscoveryUrl: GH, boundIssuer: '' });
    expect(ok.trustsGitHubActions).toBe(true);
    expect(() => new JwtWorkload(stack, 'Deploy', { backend: ok, boundAudiences: AUD, boundClaims: { workflow: 'deploy' } }))
      .toThrow(keywardError('stack/Deploy', 'github-repository'));
  });

  test('an unresolved boundIssuer or key source URL is refused', () => {
    const stack = newStack();
    const iss = new TerraformVariable(stack, 'issuer', { type: 'string', default: GH });
    expect(() => new JwtAuthBackend(stack, 'Gh', { jwksUrl: `${GH}/.well-known/jwks`, boundIssuer: iss.stringValue }))
      .toThrow(keywardError('stack/Gh', 'binding-unresolved'));
    expect(() => new JwtAuthBackend(stack, 'Url', { path: 'u', jwksUrl: iss.stringValue, boundIssuer: 'https://ci.example' }))
      .toThrow(keywardError('stack/Url', 'binding-unresolved'));
  });

  test('GitHub-ness is decided from the key source too, in any spelling of the host', () => {
    const stack = newStack();
    const jwks = new JwtAuthBackend(stack, 'Jwks', { path: 'a', jwksUrl: 'https://TOKEN.actions.githubusercontent.com./.well-known/jwks', boundIssuer: 'https://other.example' });
    expect(jwks.trustsGitHubActions).toBe(true);
    expect(() => new JwtWorkload(stack, 'Deploy', { backend: jwks, boundAudiences: AUD, boundClaims: { workflow: 'deploy' } }))
      .toThrow(keywardError('stack/Deploy', 'github-repository'));
    for (const [i, issuer] of ['https://TOKEN.ACTIONS.GITHUBUSERCONTENT.COM', 'HTTPS://token.actions.githubusercontent.com',
      'http://token.actions.githubusercontent.com', 'https://token.actions.githubusercontent.com./'].entries()) {
      expect(new JwtAuthBackend(stack, `Iss${i}`, { path: `iss${i}`, jwtValidationPubkeys: [PEM], boundIssuer: issuer }).trustsGitHubActions).toBe(true);
    }
  });

  test.each([`${GH} `, `${GH}\u00a0`, `${GH}\n`, `\t${GH}`, `${GH}\u200b`])('boundIssuer %j with whitespace or invisible characters is refused', (issuer) => {
    const stack = newStack();
    expect(() => new JwtAuthBackend(stack, 'Gh', { jwtValidationPubkeys: [PEM], boundIssuer: issuer })).toThrow(keywardError('stack/Gh', 'jwt-bound-issuer'));
  });

  test.each([
    ['GitHub Enterprise Cloud custom issuer', `${GH}/acme-enterprise`, {}],
    ['GitHub Enterprise Server (by its issuer path)', 'https://ghes.acme.internal/_services/token', {}],
    ['GitHub Enterprise Server (declared)', 'https://ghes.acme.internal/oidc', { githubActions: true }],
  ])('%s: a role without a literal repository is refused', (_what, issuer, extra) => {
    const stack = newStack();
    const b = new JwtAuthBackend(stack, 'Ghe', { oidcDiscoveryUrl: issuer, boundIssuer: issuer, ...extra });
    expect(b.trustsGitHubActions).toBe(true);
    expect(() => new JwtWorkload(stack, 'Deploy', { backend: b, boundAudiences: AUD, boundClaims: { workflow: 'deploy' } }))
      .toThrow(keywardError('stack/Deploy', 'github-repository'));
  });

  test('githubActions: false cannot switch off a GitHub issuer', () => {
    const stack = newStack();
    expect(() => new JwtAuthBackend(stack, 'Gh', { jwtValidationPubkeys: [PEM], boundIssuer: GH, githubActions: false }))
      .toThrow(keywardError('stack/Gh', 'jwt-github-issuer'));
    expect(new JwtAuthBackend(stack, 'Ci', { path: 'ci', jwtValidationPubkeys: [PEM], boundIssuer: 'https://ci.example', githubActions: false }).trustsGitHubActions).toBe(false);
  });
});

describe('F3 values known only at apply are refused in bindings', () => {
  const variable = (stack: Construct, name: string, value: string) => new TerraformVariable(stack, name, { type: 'string', default: value }).stringValue;

  test('GitHubActionsWorkload: ref, repository, environment, ids, extra claims, audiences', () => {
    const cases: Array<[string, (v: string) => object]> = [
      ['gitRef', (v) => ({ repository: 'acme/payments', gitRef: v, environment: 'production' })],
      ['repository', (v) => ({ repository: v, gitRef: 'refs/heads/main' })],
      ['environment', (v) => ({ repository: 'acme/payments', environment: v })],
      ['repositoryId', (v) => ({ repository: 'acme/payments', gitRef: 'refs/heads/main', repositoryId: v })],
      ['jobWorkflowRef', (v) => ({ repository: 'acme/payments', gitRef: 'refs/heads/main', jobWorkflowRef: v })],
      ['extraBoundClaims.workflow', (v) => ({ repository: 'acme/payments', gitRef: 'refs/heads/main', extraBoundClaims: { workflow: v } })],
      ['boundAudiences', (v) => ({ repository: 'acme/payments', ref: 'refs/heads/main', boundAudiences: [v] })],
    ];
    for (const [what, props] of cases) {
      const stack = newStack();
      expect(() => new GitHubActionsWorkload(stack, 'Deploy', props(variable(stack, 'v', '*')) as any))
        .toThrow(new RegExp(`^stack/Deploy: ${what.replace('.', '\\.')} is a Terraform reference .*\\[keyward:binding-unresolved\\]$`));
    }
  });

  test('JwtWorkload: claims, subject, audiences, user claim', () => {
    for (const [what, props] of [
      ['boundClaims.ref', (v: string) => ({ boundAudiences: AUD, boundClaims: { repository: 'acme/payments', ref: v } })],
      ['boundSubject', (v: string) => ({ boundAudiences: AUD, boundSubject: v })],
      ['boundAudiences', (v: string) => ({ boundAudiences: [v], boundClaims: { repository: 'acme/payments', ref: 'refs/heads/main' } })],
      ['userClaim', (v: string) => ({ boundAudiences: AUD, userClaim: v, boundClaims: { repository: 'acme/payments', ref: 'refs/heads/main' } })],
    ] as const) {
      const stack = newStack();
      expect(() => new JwtWorkload(stack, 'Job', props(variable(stack, 'v', '*')))).toThrow(new RegExp(`^stack/Job: ${what.replace('.', '\\.')} .*\\[keyward:binding-unresolved\\]$`));
    }
  });

  test('KubernetesWorkload: "*" names/namespaces and an empty audience from variables', () => {
    for (const which of ['serviceAccountNames', 'namespaces', 'audience']) {
      const stack = newStack();
      const v = variable(stack, 'v', which === 'audience' ? '' : '*');
      const props = { serviceAccountNames: ['api'], namespaces: ['payments'], audience: 'vault', ...(which === 'audience' ? { audience: v } : { [which]: [v] }) };
      expect(() => new KubernetesWorkload(stack, 'Api', props)).toThrow(new RegExp(`^stack/Api: ${which} .*\\[keyward:binding-unresolved\\]$`));
    }
  });

  test('AwsIamWorkload: an ARN from a variable', () => {
    const stack = newStack();
    const arn = variable(stack, 'arn', 'arn:aws:iam::123456789012:role/*');
    expect(() => new AwsIamWorkload(stack, 'Batch', { boundIamPrincipalArns: [arn], resolveAwsUniqueIds: false })).toThrow(keywardError('stack/Batch', 'binding-unresolved'));
  });
});

describe('F5 policy and role names are unique across the app\'s Vault stacks', () => {
  test('one explicit policy name in two stacks is refused', () => {
    const app = Testing.app();
    const a = new VaultStack(app, 'payments');
    const b = new VaultStack(app, 'reporting');
    new AppRoleWorkload(a, 'Job', { policyName: 'batch' });
    expect(() => new AppRoleWorkload(b, 'Job', { policyName: 'batch', roleName: 'reporting-batch' })).toThrow(keywardError('reporting/Job', 'duplicate-path'));
    // Case-insensitive, as Vault stores policy names.
    expect(() => new AppRoleWorkload(b, 'Job2', { policyName: 'Batch', roleName: 'reporting-batch2' })).toThrow(keywardError('reporting/Job2', 'duplicate-path'));
  });

  test('one role name on one auth path in two stacks is refused; another path or namespace is fine', () => {
    const app = Testing.app();
    const a = new VaultStack(app, 'payments');
    const b = new VaultStack(app, 'reporting');
    new AppRoleWorkload(a, 'Job', { roleName: 'batch' });
    expect(() => new AppRoleWorkload(b, 'Job', { roleName: 'batch' })).toThrow(keywardError('reporting/Job', 'duplicate-path'));
    new AppRoleWorkload(b, 'Other', { roleName: 'batch', backend: new AppRoleAuthBackend(b, 'Ap', { path: 'approle-reporting' }) });
    const c = new VaultStack(app, 'team', { vaultNamespace: 'team' });
    new AppRoleWorkload(c, 'Job', { roleName: 'batch', policyName: 'payments--job' });
  });

  test('default names of "payments"/"Api-Reader" and "payments-api"/"Reader" differ', () => {
    const app = Testing.app();
    const x = new AppRoleWorkload(new VaultStack(app, 'payments'), 'Api-Reader');
    const y = new AppRoleWorkload(new VaultStack(app, 'payments-api'), 'Reader');
    expect([x.policyName, y.policyName]).toEqual(['payments--api-reader', 'payments-api--reader']);
  });
});

describe('F2 on GitHub\'s issuer every JwtWorkload binds a ref or an environment', () => {
  test.each([
    [{ repository: 'acme/payments' }],
    [{ repository: 'acme/payments', ref: 'refs/*' }],
    [{ repository: 'acme/payments', ref: 'r*' }],
    [{ sub: 'repo:acme/payments:*' }],
    [{ repository_owner: 'acme' }],
    [{ repository: 'acme/payments', environment: 'p*' }],
    [{ sub: 'repo:acme/payments:ref:refs/heads/*' }],
  ])('%j is refused', (boundClaims) => {
    expect(() => new JwtWorkload(newStack(), 'Deploy', { boundAudiences: AUD, boundClaims })).toThrow(keywardError('stack/Deploy', 'github-ref'));
  });

  test('a literal ref or environment (claim or subject), or a written reason, is accepted', () => {
    const stack = newStack();
    new JwtWorkload(stack, 'A', { boundAudiences: AUD, boundClaims: { repository: 'acme/payments', ref: 'refs/heads/main' } });
    new JwtWorkload(stack, 'B', { boundAudiences: AUD, boundClaims: { sub: 'repo:acme/payments:ref:refs/heads/main' } });
    new JwtWorkload(stack, 'C', { boundAudiences: AUD, boundSubject: 'repo:acme/payments:environment:production' });
    const d = new JwtWorkload(stack, 'D', { boundAudiences: AUD, boundClaims: { repository: 'acme/payments' }, anyRefReason: 'read-only cache that every branch build needs' });
    expect(resources(stack, 'vault_jwt_auth_backend_role')).toHaveLength(4);
    expect(d.node.metadata.find((m) => m.type === 'keyward:github-any-ref')?.data).toBe('read-only cache that every branch build needs');
    // Another issuer's roles are not GitHub's: no ref needed.
    const ci = new JwtAuthBackend(stack, 'Ci', { path: 'ci', jwtValidationPubkeys: [PEM], boundIssuer: 'https://ci.example' });
    new JwtWorkload(stack, 'E', { backend: ci, boundAudiences: ['ci'], boundClaims: { project: 'payments' } });
  });
});

describe('F4 written reasons count visible characters only', () => {
  const zw = '\u200b'.repeat(20);
  test.each([zw, '\u00a0'.repeat(25), '\u2060'.repeat(30), ' a '.repeat(15)])('reason %j is refused', (reason) => {
    expect(() => new GitHubActionsWorkload(newStack(), 'Deploy', { repository: 'acme/payments', anyRefReason: reason })).toThrow(keywardError('stack/Deploy', 'github-ref'));
    expect(() => new JwtWorkload(newStack(), 'Jwt', { boundAudiences: AUD, boundClaims: { repository: 'acme/payments' }, anyRefReason: reason })).toThrow(keywardError('stack/Jwt', 'github-ref'));
    expect(() => new AppRoleWorkload(newStack(), 'Job', { defaultPolicyReason: reason })).toThrow(keywardError('stack/Job', 'default-policy'));
  });

  test('a Transit key\'s rotation reason must be visible too', () => {
    const stack = newStack();
    const engine = new TransitEngine(stack, 'Transit');
    expect(() => new TransitKey(stack, 'Key', { engine, name: 'pii', autoRotationDisabledReason: zw })).toThrow(keywardError('stack/Key', 'transit-rotation'));
  });
});

describe('F6 environments are exact names', () => {
  test.each(['p*', '*', 'prod*'])('environment %j is refused', (environment) => {
    expect(() => new GitHubActionsWorkload(newStack(), 'Deploy', { repository: 'acme/payments', environment })).toThrow(keywardError('stack/Deploy', 'github-ref'));
  });
});

describe('F10 policy rules and store mount paths are checked before they are rendered', () => {
  test.each([
    'kv/data/app" {\n  capabilities = ["read"]\n}\npath "*',
    'kv/data/app"', 'kv/data/{app}', 'kv/data/app\n', 'kv/data/a\u0000', 'kv/*/db', '*', '+/data/db', 'kv/data/a b', '/kv/data/a', 'kv//a', 'kv/../sys',
  ])('path %j is refused', (path) => {
    const stack = newStack();
    const w = new AppRoleWorkload(stack, 'Job');
    expect(() => w.addToPolicy({ path, capabilities: ['read'] })).toThrow(keywardError('stack/Job', 'policy-rule'));
    expect(() => new VaultPolicyDocument().addRule({ path, capabilities: ['read'] })).toThrow(/\[keyward:policy-rule\]$/);
  });

  test('capabilities must be Vault\'s; prefix globs and "+" segments are accepted', () => {
    const stack = newStack();
    const w = new AppRoleWorkload(stack, 'Job');
    expect(() => w.addToPolicy({ path: 'kv/data/app', capabilities: ['read', 'root'] })).toThrow(keywardError('stack/Job', 'policy-rule'));
    expect(() => w.addToPolicy({ path: 'kv/data/app', capabilities: [] })).toThrow(keywardError('stack/Job', 'policy-rule'));
    w.addToPolicy({ path: 'kv/data/app/*', capabilities: ['read'] });
    w.addToPolicy({ path: 'kv/data/+/db', capabilities: ['read'] });
    w.addToPolicy({ path: 'kv/metadata/app*', capabilities: ['list'] });
    expect(w.policyDocument.pathCount).toBe(3);
  });

  test('a custom IKvStore with mount path "+" is refused by SecretPath', () => {
    const stack = newStack();
    const store = Object.assign(new Construct(stack, 'Fake'), {
      mountPath: '+', mountRef: 'kv', casRequired: false, grantReadPrefix: () => undefined, grantWritePrefix: () => undefined,
    });
    expect(() => new SecretPath(stack, 'S', { store: store as any, name: 'db' })).toThrow(keywardError('stack/S', 'vault-name'));
    new SecretPath(stack, 'Ok', { store: new KvStore(stack, 'Kv'), name: 'db' });
  });
});

describe('F7 repository names start with a literal character', () => {
  test.each(['acme/*a*', 'acme/*-*', 'acme/*.*', 'acme/*e', 'acme/?x'])('%s is refused', (repository) => {
    expect(() => new GitHubActionsWorkload(newStack(), 'Deploy', { repository, gitRef: 'refs/heads/main' })).toThrow(keywardError('stack/Deploy', 'github-repository'));
    expect(() => new JwtWorkload(newStack(), 'Jwt', { boundAudiences: AUD, boundClaims: { repository, ref: 'refs/heads/main' } })).toThrow(keywardError('stack/Jwt', 'github-repository'));
  });
  test('a subject glob over the repository name needs a literal start too', () => {
    expect(() => new JwtWorkload(newStack(), 'Jwt', { boundAudiences: AUD, boundClaims: { sub: 'repo:acme/*a*:ref:refs/heads/main' } })).toThrow(keywardError('stack/Jwt', 'github-repository'));
    new GitHubActionsWorkload(newStack(), 'Ok', { repository: 'acme/service-*', gitRef: 'refs/heads/main' });
  });
});

describe('F11 the API server\'s own audiences are refused for Kubernetes', () => {
  test.each(['https://kubernetes.default.svc.cluster.local', 'https://kubernetes.default.svc', 'kubernetes', 'https://Kubernetes.default.svc/'])('%s', (audience) => {
    expect(() => new KubernetesWorkload(newStack(), 'Api', { serviceAccountNames: ['api'], namespaces: ['payments'], audience })).toThrow(keywardError('stack/Api', 'k8s-audience'));
  });
});

describe('F8 AWS IAM ARNs: real partitions, "*" last, no wildcard assumed-role', () => {
  test.each([
    'arn:aws:iam::123456789012:role/a*b',
    'arn:aws:iam::123456789012:role/a*/x',
    'arn:awsfoo:iam::123456789012:role/x',
    'arn:aws-cn2:iam::123456789012:role/x',
    'arn:aws:sts::123456789012:assumed-role/a*',
    'arn:aws:sts::123456789012:assumed-role/deploy/*',
  ])('%s is refused', (arn) => {
    expect(() => new AwsIamWorkload(newStack(), 'Batch', { boundIamPrincipalArns: [arn], resolveAwsUniqueIds: false })).toThrow(keywardError('stack/Batch', 'aws-principal-arns'));
  });
  test.each([
    'arn:aws:iam::123456789012:role/a*', 'arn:aws:iam::123456789012:role/a/*', 'arn:aws-us-gov:iam::123456789012:role/a*',
    'arn:aws-iso-f:iam::123456789012:user/x', 'arn:aws-eusc:iam::123456789012:role/x', 'arn:aws-cn:sts::123456789012:assumed-role/deploy/session-1',
  ])('%s is accepted', (arn) => {
    const stack = newStack();
    new AwsIamWorkload(stack, 'Batch', { boundIamPrincipalArns: [arn], resolveAwsUniqueIds: false });
    expect(resources(stack, 'vault_aws_auth_backend_role')[0].bound_iam_principal_arns).toEqual([arn]);
  });
});

describe('F8 AWS backend: the IAM server ID header', () => {
  test('iamServerIdHeaderValue declares the backend client with that header only', () => {
    const stack = newStack();
    const b = new AwsAuthBackend(stack, 'Aws', { iamServerIdHeaderValue: 'vault.acme.internal' });
    new AwsIamWorkload(stack, 'Batch', { backend: b, boundIamPrincipalArns: ['arn:aws:iam::123456789012:role/batch'] });
    const client = resources(stack, 'vault_aws_auth_backend_client');
    expect(client).toHaveLength(1);
    expect(client[0]).toEqual({ backend: expect.stringMatching(/^\$\{vault_auth_backend\./), iam_server_id_header_value: 'vault.acme.internal' });
    expect(resources(newStack(), 'vault_aws_auth_backend_client')).toHaveLength(0);
  });
  test.each(['', ' vault'])('header %j is refused', (header) => {
    expect(() => new AwsAuthBackend(newStack(), 'Aws', { iamServerIdHeaderValue: header })).toThrow(keywardError('stack/Aws', 'aws-server-id-header'));
  });
});
