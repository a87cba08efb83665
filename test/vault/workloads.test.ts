import { Testing, TerraformVariable } from 'cdktf';
import { ApproleAuthBackendRole } from '@cdktf/provider-vault/lib/approle-auth-backend-role';
import { AuthBackend } from '@cdktf/provider-vault/lib/auth-backend';
import { AwsAuthBackendRole } from '@cdktf/provider-vault/lib/aws-auth-backend-role';
import { JwtAuthBackend as JwtAuthBackendResource } from '@cdktf/provider-vault/lib/jwt-auth-backend';
import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { KubernetesAuthBackendConfig } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-config';
import { KubernetesAuthBackendRole } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-role';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import {
  AppRoleAuthBackend, AppRoleWorkload, AwsIamWorkload, GitHubActionsWorkload, JwtAuthBackend, JwtWorkload,
  KubernetesAuthBackend, KubernetesWorkload,
} from '../../lib/vault';
import { keywardError, newStack, resources, synthJson } from './util';

const PEM = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n';

describe('GitHub Actions / JWT workloads', () => {
  test('GitHub Actions defaults: discovery URL, issuer, audience, claims, short tokens', () => {
    const stack = newStack();
    new GitHubActionsWorkload(stack, 'Deploy', { repository: 'acme/payments', gitRef: 'refs/heads/main', environment: 'production' });
    const out = Testing.synth(stack);
    expect(out).toHaveResourceWithProperties(JwtAuthBackendResource, {
      path: 'jwt',
      type: 'jwt',
      oidc_discovery_url: 'https://token.actions.githubusercontent.com',
      bound_issuer: 'https://token.actions.githubusercontent.com',
      lifecycle: { prevent_destroy: true },
    });
    expect(out).toHaveResourceWithProperties(JwtAuthBackendRole, {
      role_name: 'stack--deploy',
      role_type: 'jwt',
      user_claim: 'repository',
      bound_audiences: ['https://github.com/acme'],
      bound_claims: { repository: 'acme/payments', ref: 'refs/heads/main', environment: 'production' },
      bound_claims_type: 'string',
      token_ttl: 900,
      token_max_ttl: 3600,
    });
    const role = resources(stack, 'vault_jwt_auth_backend_role')[0];
    expect(role.token_policies).toEqual([expect.stringMatching(/^\$\{vault_policy\.Deploy_Policy_[0-9A-F]+\.name\}$/)]);
    expect(role.backend).toMatch(/^\$\{vault_jwt_auth_backend\./);
  });

  test('the JWT backend is created once per stack and shared', () => {
    const stack = newStack();
    new GitHubActionsWorkload(stack, 'A', { repository: 'acme/a', gitRef: 'refs/heads/main' });
    new GitHubActionsWorkload(stack, 'B', { repository: 'acme/b', environment: 'production' });
    new JwtWorkload(stack, 'C', { boundAudiences: ['x'], boundClaims: { sub: 'repo:acme/c:ref:refs/heads/main' } });
    expect(resources(stack, 'vault_jwt_auth_backend')).toHaveLength(1);
    expect(resources(stack, 'vault_jwt_auth_backend_role')).toHaveLength(3);
    expect(resources(stack, 'vault_policy')).toHaveLength(3);
  });

  test('validation source is overridable (local public keys for tests, or a JWKS URL)', () => {
    const stack = newStack();
    const backend = new JwtAuthBackend(stack, 'Test', { path: 'jwt-test', jwtValidationPubkeys: [PEM], boundIssuer: 'https://issuer.test' });
    new GitHubActionsWorkload(stack, 'Deploy', { backend, repository: 'acme/payments', gitRef: 'refs/heads/main' });
    const out = Testing.synth(stack);
    // Stored trimmed, as Vault keeps it: an untrimmed key would show a diff on every plan.
    expect(out).toHaveResourceWithProperties(JwtAuthBackendResource, { path: 'jwt-test', jwt_validation_pubkeys: [PEM.trim()], bound_issuer: 'https://issuer.test' });
    const b = resources(stack, 'vault_jwt_auth_backend')[0];
    expect(b.oidc_discovery_url).toBeUndefined();
    expect(JwtAuthBackend.of(stack, 'jwt-test')).toBe(backend);
    const jwks = new JwtAuthBackend(newStack(), 'J', { jwksUrl: 'https://issuer.test/jwks' });
    expect(jwks.resource.oidcDiscoveryUrlInput).toBeUndefined();
  });

  test('backend validation source rules', () => {
    const stack = newStack();
    expect(() => new JwtAuthBackend(stack, 'Two', { jwksUrl: 'https://x/jwks', jwtValidationPubkeys: [PEM] })).toThrow(keywardError('stack/Two', 'jwt-validation-source'));
    expect(() => new JwtAuthBackend(stack, 'Bad', { path: 'jwt2', jwtValidationPubkeys: ['not a key'] })).toThrow(keywardError('stack/Bad', 'jwt-validation-source'));
    new JwtAuthBackend(stack, 'One', { path: 'jwt3' });
    expect(() => new JwtAuthBackend(stack, 'Again', { path: 'jwt3' })).toThrow(keywardError('stack/Again', 'duplicate-path'));
  });

  test('glob claims switch bound_claims_type to glob', () => {
    const stack = newStack();
    new GitHubActionsWorkload(stack, 'Release', { repository: 'acme/payments', gitRef: 'refs/tags/v*' });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(JwtAuthBackendRole, { bound_claims_type: 'glob', bound_claims: { repository: 'acme/payments', ref: 'refs/tags/v*' } });
  });

  test.each(['*', '*/*', '*/payments', 'acme/*', 'acme', 'acme/payments/x', '?cme/payments'])('repository %j that lets any repository log in is an error', (repository) => {
    const stack = newStack();
    expect(() => new GitHubActionsWorkload(stack, 'Deploy', { repository })).toThrow(keywardError('stack/Deploy', 'github-repository'));
  });

  test('missing bound audiences is an error', () => {
    const stack = newStack();
    expect(() => new JwtWorkload(stack, 'A', { boundAudiences: [], boundClaims: { repository: 'acme/x' } })).toThrow(keywardError('stack/A', 'jwt-bound-audiences'));
    expect(() => new GitHubActionsWorkload(stack, 'B', { repository: 'acme/a', gitRef: 'refs/heads/main', boundAudiences: [] })).toThrow(keywardError('stack/B', 'jwt-bound-audiences'));
  });

  test('missing or match-anything bound claims is an error', () => {
    const stack = newStack();
    expect(() => new JwtWorkload(stack, 'A', { boundAudiences: ['x'] })).toThrow(keywardError('stack/A', 'jwt-bound-claims'));
    expect(() => new JwtWorkload(stack, 'B', { boundAudiences: ['x'], boundClaims: {} })).toThrow(keywardError('stack/B', 'jwt-bound-claims'));
    expect(() => new JwtWorkload(stack, 'C', { boundAudiences: ['x'], boundClaims: { repository: '*' } })).toThrow(/bound claim repository="\*" matches any value/);
    expect(() => new JwtWorkload(stack, 'D', { boundAudiences: ['x'], boundClaims: { repository: 'acme/a,*/*' } })).toThrow(keywardError('stack/D', 'jwt-claim-value'));
    expect(() => new JwtWorkload(stack, 'E', { boundAudiences: ['x'], boundSubject: '*' })).toThrow(keywardError('stack/E', 'jwt-bound-claims'));
    expect(() => new JwtWorkload(stack, 'F', { boundAudiences: ['x'], boundSubject: 'repo:acme/a:ref:refs/heads/main' })).not.toThrow();
  });
});

describe('bound claim values are single values, sent unsplit', () => {
  const other = () => {
    const stack = newStack();
    return { stack, backend: new JwtAuthBackend(stack, 'Ci', { path: 'ci', jwtValidationPubkeys: [PEM], boundIssuer: 'https://ci.example' }) };
  };

  test('every JWT role sets disable_bound_claims_parsing', () => {
    const { stack, backend } = other();
    new JwtWorkload(stack, 'Job', { backend, boundAudiences: ['vault'], boundClaims: { project: 'payments' } });
    new GitHubActionsWorkload(stack, 'Deploy', { repository: 'acme/payments', gitRef: 'refs/heads/main' });
    const roles = resources(stack, 'vault_jwt_auth_backend_role');
    expect(roles).toHaveLength(2);
    for (const role of roles) expect(role.disable_bound_claims_parsing).toBe(true);
  });

  test.each([
    ['a comma', 'acme/payments,*a*'],
    ['a comma between literals', 'payments,orders'],
    ['leading whitespace', ' payments'],
    ['trailing whitespace', 'payments '],
  ])('a bound claim value with %s is an error (jwt-claim-value)', (_label, value) => {
    const { stack, backend } = other();
    expect(() => new JwtWorkload(stack, 'Job', { backend, boundAudiences: ['vault'], boundClaims: { project: value } }))
      .toThrow(keywardError('stack/Job', 'jwt-claim-value'));
    expect(() => new JwtWorkload(stack, 'Sub', { backend, boundAudiences: ['vault'], boundSubject: value }))
      .toThrow(keywardError('stack/Sub', 'jwt-claim-value'));
  });

  test('GitHub repository, ref and environment are checked for commas and whitespace too', () => {
    const stack = newStack();
    expect(() => new GitHubActionsWorkload(stack, 'Repo', { repository: 'acme/payments,*a*', gitRef: 'refs/heads/main' }))
      .toThrow(keywardError('stack/Repo', 'jwt-claim-value'));
    expect(() => new GitHubActionsWorkload(stack, 'Ref', { repository: 'acme/payments', gitRef: 'refs/heads/main,refs/heads/*' }))
      .toThrow(keywardError('stack/Ref', 'jwt-claim-value'));
    expect(() => new GitHubActionsWorkload(stack, 'Env', { repository: 'acme/payments', environment: 'production,staging' }))
      .toThrow(keywardError('stack/Env', 'jwt-claim-value'));
    expect(() => new GitHubActionsWorkload(stack, 'Extra', { repository: 'acme/payments', environment: 'production', extraBoundClaims: { workflow: 'a,b' } }))
      .toThrow(keywardError('stack/Extra', 'jwt-claim-value'));
  });

  test('audiences and user claim', () => {
    const { stack, backend } = other();
    expect(() => new JwtWorkload(stack, 'Aud', { backend, boundAudiences: ['vault '], boundClaims: { project: 'p' } })).toThrow(keywardError('stack/Aud', 'jwt-bound-audiences'));
    expect(() => new JwtWorkload(stack, 'User', { backend, boundAudiences: ['vault'], boundClaims: { project: 'p' }, userClaim: '' })).toThrow(keywardError('stack/User', 'jwt-user-claim'));
    expect(() => new JwtWorkload(stack, 'Blank', { backend, boundAudiences: ['vault'], boundClaims: { project: 'p' }, userClaim: ' ' })).toThrow(keywardError('stack/Blank', 'jwt-user-claim'));
  });
});

describe('GitHub Actions bindings', () => {
  test('a ref or an environment is required, or an opt-out with a written reason', () => {
    const stack = newStack();
    expect(() => new GitHubActionsWorkload(stack, 'None', { repository: 'acme/payments' })).toThrow(keywardError('stack/None', 'github-ref'));
    expect(() => new GitHubActionsWorkload(stack, 'Short', { repository: 'acme/payments', anyRefReason: 'because' })).toThrow(keywardError('stack/Short', 'github-ref'));
    expect(() => new GitHubActionsWorkload(stack, 'Both', { repository: 'acme/payments', gitRef: 'refs/heads/main', anyRefReason: 'a reason that is long enough' }))
      .toThrow(keywardError('stack/Both', 'github-ref'));
    const w = new GitHubActionsWorkload(stack, 'Any', { repository: 'acme/payments', anyRefReason: 'read-only lint cache, every branch needs it' });
    expect(w.node.metadata.map((m) => m.data)).toContain('read-only lint cache, every branch needs it');
    new GitHubActionsWorkload(stack, 'Env', { repository: 'acme/payments', environment: 'production' });
    const roles = resources(stack, 'vault_jwt_auth_backend_role');
    expect(roles.map((r) => r.bound_claims)).toEqual([{ repository: 'acme/payments' }, { repository: 'acme/payments', environment: 'production' }]);
  });

  test.each(['main', 'heads/main', 'refs/heads/*', 'refs/*', 'refs/tags/*', 'refs/pull/1/merge', 'refs/heads/'])('ref %j is an error (not fully qualified, or any ref)', (ref) => {
    const stack = newStack();
    expect(() => new GitHubActionsWorkload(stack, 'Deploy', { repository: 'acme/payments', gitRef: ref })).toThrow(keywardError('stack/Deploy', 'github-ref'));
  });

  test('"main" fails with the fully qualified ref in the message', () => {
    expect(() => new GitHubActionsWorkload(newStack(), 'Deploy', { repository: 'acme/payments', gitRef: 'main' })).toThrow(/"refs\/heads\/main" for a branch/);
  });

  test('optional repository_id, repository_owner_id and job_workflow_ref bindings', () => {
    const stack = newStack();
    new GitHubActionsWorkload(stack, 'Deploy', {
      repository: 'acme/payments', environment: 'production', repositoryId: '123456789', repositoryOwnerId: '42',
      jobWorkflowRef: 'acme/ci/.github/workflows/deploy.yml@refs/heads/main',
    });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(JwtAuthBackendRole, {
      bound_claims: {
        repository: 'acme/payments', environment: 'production', repository_id: '123456789', repository_owner_id: '42',
        job_workflow_ref: 'acme/ci/.github/workflows/deploy.yml@refs/heads/main',
      },
      bound_claims_type: 'string',
    });
    expect(() => new GitHubActionsWorkload(stack, 'Id', { repository: 'acme/x', environment: 'p', repositoryId: 'acme' })).toThrow(keywardError('stack/Id', 'github-repository'));
    expect(() => new GitHubActionsWorkload(stack, 'Owner', { repository: 'acme/x', environment: 'p', repositoryOwnerId: '4*' })).toThrow(keywardError('stack/Owner', 'github-repository'));
    expect(() => new GitHubActionsWorkload(stack, 'Wf', { repository: 'acme/x', environment: 'p', jobWorkflowRef: '*/ci/.github/workflows/d.yml@refs/heads/main' }))
      .toThrow(keywardError('stack/Wf', 'github-repository'));
  });

  test.each(['repository', 'ref', 'environment', 'repository_id', 'repository_owner_id', 'job_workflow_ref', 'aud'])(
    'extraBoundClaims naming %j (dropped or overriding a binding) is an error', (claim) => {
      const stack = newStack();
      expect(() => new GitHubActionsWorkload(stack, 'Deploy', { repository: 'acme/payments', gitRef: 'refs/heads/main', extraBoundClaims: { [claim]: 'x' } }))
        .toThrow(keywardError('stack/Deploy', 'github-extra-claims'));
    });

  test('other extra claims are bound as given', () => {
    const stack = newStack();
    new GitHubActionsWorkload(stack, 'Deploy', { repository: 'acme/payments', gitRef: 'refs/heads/main', extraBoundClaims: { runner_environment: 'github-hosted' } });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(JwtAuthBackendRole, {
      bound_claims: { runner_environment: 'github-hosted', repository: 'acme/payments', ref: 'refs/heads/main' },
    });
  });

  test.each([
    ['sub: repo:*', { sub: 'repo:*' }],
    ['repository: *a*', { repository: '*a*' }],
    ['repository: */payments', { repository: '*/payments' }],
    ['repository glob without owner prefix', { repository: 'a*/payments' }],
    ['repository_owner glob', { repository_owner: 'ac*' }],
    ['only a workflow name', { workflow: 'deploy' }],
    ['sub glob without literal owner', { sub: 'repo:*/payments:ref:refs/heads/main' }],
    ['sub with only a glob name', { sub: 'repo:acme/*' }],
  ])('on GitHub\'s issuer a JwtWorkload binding %s is an error', (_label, boundClaims) => {
    const stack = newStack();
    expect(() => new JwtWorkload(stack, 'Job', { boundAudiences: ['https://github.com/acme'], boundClaims })).toThrow(keywardError('stack/Job', 'github-repository'));
  });

  test('on GitHub\'s issuer a literal repository, owner or repo: subject (globs keep owner/) is accepted', () => {
    const stack = newStack();
    const aud = ['https://github.com/acme'];
    new JwtWorkload(stack, 'A', { boundAudiences: aud, boundClaims: { repository: 'acme/service-*', ref: 'refs/heads/main' } });
    new JwtWorkload(stack, 'B', { boundAudiences: aud, boundClaims: { repository_owner: 'acme', environment: 'production' } });
    new JwtWorkload(stack, 'C', { boundAudiences: aud, boundSubject: 'repo:acme/payments:environment:production' });
    new JwtWorkload(stack, 'D', { boundAudiences: aud, boundClaims: { repository_id: '123', workflow: 'deploy', ref: 'refs/tags/v*' } });
    expect(resources(stack, 'vault_jwt_auth_backend_role')).toHaveLength(4);
    // Backends with GitHub's issuer but local keys (tests) are GitHub backends too; other issuers are not.
    expect(new JwtAuthBackend(stack, 'Local', { path: 'gh-local', jwtValidationPubkeys: [PEM] }).trustsGitHubActions).toBe(true);
    expect(new JwtAuthBackend(stack, 'Other', { path: 'ci', jwtValidationPubkeys: [PEM], boundIssuer: 'https://ci.example' }).trustsGitHubActions).toBe(false);
  });
});

describe('token_no_default_policy', () => {
  test('every role Keyward creates carries only its own policy', () => {
    const stack = newStack();
    new GitHubActionsWorkload(stack, 'Deploy', { repository: 'acme/payments', gitRef: 'refs/heads/main' });
    new AppRoleWorkload(stack, 'Batch');
    new KubernetesWorkload(stack, 'Api', { serviceAccountNames: ['api'], namespaces: ['payments'] });
    new AwsIamWorkload(stack, 'Lambda', { boundIamPrincipalArns: ['arn:aws:iam::123456789012:role/payments-api'] });
    for (const type of ['vault_jwt_auth_backend_role', 'vault_approle_auth_backend_role', 'vault_kubernetes_auth_backend_role', 'vault_aws_auth_backend_role']) {
      const [role] = resources(stack, type);
      expect({ type, no_default: role.token_no_default_policy, policies: role.token_policies.length }).toEqual({ type, no_default: true, policies: 1 });
    }
  });

  test('opting out takes a written reason', () => {
    const stack = newStack();
    const w = new AppRoleWorkload(stack, 'Batch', { defaultPolicyReason: 'uses response wrapping for handover' });
    expect(w.attachesDefaultPolicy).toBe(true);
    expect(w.node.metadata.map((m) => m.data)).toContain('uses response wrapping for handover');
    expect(Testing.synth(stack)).toHaveResourceWithProperties(ApproleAuthBackendRole, { token_no_default_policy: false });
    expect(() => new AppRoleWorkload(stack, 'Short', { defaultPolicyReason: 'needed' })).toThrow(keywardError('stack/Short', 'default-policy'));
  });
});

describe('token TTLs', () => {
  test('ttl > max ttl is an error', () => {
    const stack = newStack();
    expect(() => new AppRoleWorkload(stack, 'A', { tokenTtlSeconds: 7200 })).toThrow(keywardError('stack/A', 'token-ttl'));
    expect(() => new AppRoleWorkload(stack, 'B', { tokenTtlSeconds: 600, tokenMaxTtlSeconds: 300 })).toThrow(/token ttl 600s is longer than token max ttl 300s/);
    expect(() => new AppRoleWorkload(stack, 'C', { tokenTtlSeconds: 0 })).toThrow(keywardError('stack/C', 'token-ttl'));
  });

  test('custom TTLs and token CIDRs are rendered', () => {
    const stack = newStack();
    new AppRoleWorkload(stack, 'A', { tokenTtlSeconds: 300, tokenMaxTtlSeconds: 600, tokenBoundCidrs: ['10.0.0.0/8'] });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(ApproleAuthBackendRole, { token_ttl: 300, token_max_ttl: 600, token_bound_cidrs: ['10.0.0.0/8'] });
    expect(() => new AppRoleWorkload(stack, 'B', { tokenBoundCidrs: ['nope'] })).toThrow(keywardError('stack/B', 'cidr'));
  });

  test('policy and role names are unique and valid', () => {
    const stack = newStack();
    new AppRoleWorkload(stack, 'A', { policyName: 'shared' });
    expect(() => new AppRoleWorkload(stack, 'B', { policyName: 'shared' })).toThrow(keywardError('stack/B', 'duplicate-path'));
    expect(() => new AppRoleWorkload(stack, 'C', { policyName: 'a/b' })).toThrow(keywardError('stack/C', 'vault-name'));
    // Vault lowercases policy names: "SHARED" is the policy "shared".
    expect(() => new AppRoleWorkload(stack, 'D', { policyName: 'SHARED' })).toThrow(keywardError('stack/D', 'duplicate-path'));
  });

  test('a workload policy cannot replace Vault\'s built-in default or root policy', () => {
    const stack = newStack();
    // "default" is attached to almost every token: a workload policy by that name would hand its grants to everyone.
    for (const [id, name] of [['D', 'default'], ['E', 'Default'], ['R', 'root']]) {
      expect(() => new AppRoleWorkload(stack, id, { policyName: name })).toThrow(keywardError(`stack/${id}`, 'vault-name'));
    }
    expect(() => new AppRoleWorkload(stack, 'Z', { policyName: 'default' })).toThrow(/built-in "default" policy/);
    // Derived names are fine: a workload whose construct id is "default" gets "<stack>-default".
    expect(new AppRoleWorkload(stack, 'default').policyName).not.toBe('default');
  });

  test('role names are unique per auth backend (one Vault role per name)', () => {
    const stack = newStack();
    const ref = 'refs/heads/main';
    new GitHubActionsWorkload(stack, 'Prod', { repository: 'acme/prod', gitRef: ref, roleName: 'deploy' });
    expect(() => new GitHubActionsWorkload(stack, 'Sandbox', { repository: 'acme/sandbox', gitRef: ref, roleName: 'deploy' }))
      .toThrow(keywardError('stack/Sandbox', 'duplicate-path'));
    expect(() => new GitHubActionsWorkload(stack, 'Upper', { repository: 'acme/x', gitRef: ref, roleName: 'DEPLOY' })).toThrow(/role name in auth\/jwt/);
    // The same role name in another backend is another role.
    new AppRoleWorkload(stack, 'Batch', { roleName: 'deploy' });
    new KubernetesWorkload(stack, 'Api', { roleName: 'deploy', serviceAccountNames: ['api'], namespaces: ['payments'] });
  });
});

describe('AppRole workload', () => {
  test('short-lived single-use secret IDs by default, backend shared', () => {
    const stack = newStack();
    new AppRoleWorkload(stack, 'Batch');
    new AppRoleWorkload(stack, 'Other', { secretIdTtlSeconds: 120, secretIdNumUses: 3, secretIdBoundCidrs: ['192.168.0.0/24'] });
    const out = Testing.synth(stack);
    expect(out).toHaveResourceWithProperties(AuthBackend, { type: 'approle', path: 'approle', lifecycle: { prevent_destroy: true } });
    expect(resources(stack, 'vault_auth_backend')).toHaveLength(1);
    expect(out).toHaveResourceWithProperties(ApproleAuthBackendRole, { role_name: 'stack--batch', bind_secret_id: true, secret_id_ttl: 3600, secret_id_num_uses: 1, token_ttl: 900, token_max_ttl: 3600 });
    expect(out).toHaveResourceWithProperties(ApproleAuthBackendRole, { role_name: 'stack--other', secret_id_ttl: 120, secret_id_num_uses: 3, secret_id_bound_cidrs: ['192.168.0.0/24'] });
  });

  test('secret ID bounds are validated', () => {
    const stack = newStack();
    expect(() => new AppRoleWorkload(stack, 'A', { secretIdTtlSeconds: 0 })).toThrow(keywardError('stack/A', 'approle-secret-id'));
    expect(() => new AppRoleWorkload(stack, 'B', { secretIdNumUses: -1 })).toThrow(keywardError('stack/B', 'approle-secret-id'));
    expect(() => new AppRoleWorkload(stack, 'C', { secretIdBoundCidrs: ['10.0.0.1'] })).toThrow(keywardError('stack/C', 'cidr'));
  });

  test('an explicit backend on another path, and duplicate role names in it', () => {
    const stack = newStack();
    const backend = new AppRoleAuthBackend(stack, 'Batch', { path: 'approle-batch' });
    new AppRoleWorkload(stack, 'A', { backend, roleName: 'job' });
    expect(AppRoleAuthBackend.of(stack, 'approle-batch')).toBe(backend);
    expect(Testing.synth(stack)).toHaveResourceWithProperties(AuthBackend, { path: 'approle-batch' });
    expect(() => KubernetesAuthBackend.of(stack, 'approle-batch')).toThrow(/auth-backend-type/);
  });
});

describe('Kubernetes workload', () => {
  test('service accounts, namespaces and audience; backend config when a host is given', () => {
    const stack = newStack();
    new KubernetesAuthBackend(stack, 'K8s', { kubernetesHost: 'https://127.0.0.1:6443', disableLocalCaJwt: true, kubernetesCaCert: `\n${PEM}`, pemKeys: [PEM] });
    new KubernetesWorkload(stack, 'Api', { serviceAccountNames: ['api'], namespaces: ['payments'] });
    const out = Testing.synth(stack);
    expect(out).toHaveResourceWithProperties(KubernetesAuthBackendConfig, {
      kubernetes_host: 'https://127.0.0.1:6443', disable_local_ca_jwt: true, kubernetes_ca_cert: PEM.trim(), pem_keys: [PEM.trim()],
    });
    expect(out).toHaveResourceWithProperties(KubernetesAuthBackendRole, {
      role_name: 'stack--api', bound_service_account_names: ['api'], bound_service_account_namespaces: ['payments'], audience: 'vault', token_ttl: 900,
    });
    // The role waits for the config (its backend is read from the config resource).
    expect(resources(stack, 'vault_kubernetes_auth_backend_role')[0].backend).toMatch(/vault_kubernetes_auth_backend_config\./);
    expect(resources(stack, 'vault_auth_backend')).toHaveLength(1);
  });

  test('missing names or namespaces is an error', () => {
    const stack = newStack();
    expect(() => new KubernetesWorkload(stack, 'A', { serviceAccountNames: [], namespaces: ['p'] })).toThrow(keywardError('stack/A', 'k8s-bound-names'));
    expect(() => new KubernetesWorkload(stack, 'B', { serviceAccountNames: ['a'], namespaces: [] })).toThrow(keywardError('stack/B', 'k8s-bound-names'));
  });

  test('an empty audience is an error (tokens minted for the API server or any service would log in)', () => {
    const stack = newStack();
    expect(() => new KubernetesWorkload(stack, 'A', { serviceAccountNames: ['api'], namespaces: ['p'], audience: '' })).toThrow(keywardError('stack/A', 'k8s-audience'));
    expect(() => new KubernetesWorkload(stack, 'B', { serviceAccountNames: ['api'], namespaces: ['p'], audience: ' vault' })).toThrow(keywardError('stack/B', 'k8s-audience'));
  });

  test('Vault outside the cluster: CA, no local CA/JWT, and the token reviewer JWT as a write-only sensitive variable', () => {
    const stack = newStack();
    const reviewer = new TerraformVariable(stack, 'token_reviewer_jwt', { type: 'string', sensitive: true });
    new KubernetesAuthBackend(stack, 'K8s', {
      kubernetesHost: 'https://k8s.example:6443', kubernetesCaCert: PEM, disableLocalCaJwt: true, tokenReviewerJwt: reviewer, tokenReviewerJwtVersion: 2,
    });
    const json = synthJson(stack);
    const config: any = Object.values(json.resource.vault_kubernetes_auth_backend_config)[0];
    expect(config).toMatchObject({
      kubernetes_host: 'https://k8s.example:6443', kubernetes_ca_cert: PEM.trim(), disable_local_ca_jwt: true,
      token_reviewer_jwt_wo: '${var.token_reviewer_jwt}', token_reviewer_jwt_wo_version: 2,
    });
    expect(config.token_reviewer_jwt).toBeUndefined();
    // The write-only attribute exists from hashicorp/vault 5.7.0 on.
    expect(json.terraform.required_providers.vault.version).toBe('>= 5.7.0');
    expect(json.variable.token_reviewer_jwt).toEqual({ type: 'string', sensitive: true });
  });

  test('token reviewer JWT rules; backend settings without a host are an error', () => {
    const stack = newStack();
    const plain = new TerraformVariable(stack, 'plain', { type: 'string' });
    const withDefault = new TerraformVariable(stack, 'dflt', { type: 'string', sensitive: true, default: 'x' });
    const map = new TerraformVariable(stack, 'map', { type: 'map(string)', sensitive: true });
    const ok = new TerraformVariable(stack, 'ok', { type: 'string', sensitive: true });
    const host = 'https://k8s.example:6443';
    expect(() => new KubernetesAuthBackend(stack, 'A', { path: 'a', kubernetesHost: host, tokenReviewerJwt: plain })).toThrow(keywardError('stack/A', 'write-only-sensitive'));
    expect(() => new KubernetesAuthBackend(stack, 'B', { path: 'b', kubernetesHost: host, tokenReviewerJwt: withDefault })).toThrow(keywardError('stack/B', 'write-only-sensitive'));
    expect(() => new KubernetesAuthBackend(stack, 'C', { path: 'c', kubernetesHost: host, tokenReviewerJwt: map })).toThrow(keywardError('stack/C', 'write-only-sensitive'));
    expect(() => new KubernetesAuthBackend(stack, 'D', { path: 'd', kubernetesHost: host, tokenReviewerJwt: ok, tokenReviewerJwtVersion: 0 })).toThrow(keywardError('stack/D', 'k8s-backend-config'));
    expect(() => new KubernetesAuthBackend(stack, 'E', { path: 'e', kubernetesHost: host, tokenReviewerJwtVersion: 2 })).toThrow(keywardError('stack/E', 'k8s-backend-config'));
    expect(() => new KubernetesAuthBackend(stack, 'F', { path: 'f', disableLocalCaJwt: true })).toThrow(keywardError('stack/F', 'k8s-backend-config'));
    expect(() => new KubernetesAuthBackend(stack, 'G', { path: 'g', tokenReviewerJwt: ok })).toThrow(keywardError('stack/G', 'k8s-backend-config'));
  });

  test('wildcards need an explicit opt-in', () => {
    const stack = newStack();
    expect(() => new KubernetesWorkload(stack, 'A', { serviceAccountNames: ['*'], namespaces: ['p'] })).toThrow(keywardError('stack/A', 'k8s-wildcard'));
    expect(() => new KubernetesWorkload(stack, 'B', { serviceAccountNames: ['api'], namespaces: ['team-*'] })).toThrow(keywardError('stack/B', 'k8s-wildcard'));
    new KubernetesWorkload(stack, 'C', { serviceAccountNames: ['*'], namespaces: ['payments'], allowWildcards: true, audience: 'vault-payments' });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(KubernetesAuthBackendRole, { bound_service_account_names: ['*'], audience: 'vault-payments' });
  });
});

describe('AWS IAM workload', () => {
  test('iam auth type, bound principal ARNs, unique ID resolution on by default', () => {
    const stack = newStack();
    new AwsIamWorkload(stack, 'Lambda', { boundIamPrincipalArns: ['arn:aws:iam::123456789012:role/payments-api'] });
    const out = Testing.synth(stack);
    expect(out).toHaveResourceWithProperties(AuthBackend, { type: 'aws', path: 'aws' });
    expect(out).toHaveResourceWithProperties(AwsAuthBackendRole, {
      role: 'stack--lambda', auth_type: 'iam', bound_iam_principal_arns: ['arn:aws:iam::123456789012:role/payments-api'], resolve_aws_unique_ids: true, token_ttl: 900,
    });
  });

  test('refuses ARNs known only to Terraform (variables, references): they would skip every ARN rule', () => {
    const stack = newStack();
    const arn = new TerraformVariable(stack, 'role_arn', { type: 'string', default: 'arn:aws:iam::123456789012:role/*' });
    expect(() => new AwsIamWorkload(stack, 'W', { boundIamPrincipalArns: [arn.stringValue], resolveAwsUniqueIds: false }))
      .toThrow(keywardError('stack/W', 'binding-unresolved'));
  });

  test('ARN rules', () => {
    const stack = newStack();
    expect(() => new AwsIamWorkload(stack, 'A', { boundIamPrincipalArns: [] })).toThrow(keywardError('stack/A', 'aws-principal-arns'));
    expect(() => new AwsIamWorkload(stack, 'B', { boundIamPrincipalArns: ['payments-api'] })).toThrow(keywardError('stack/B', 'aws-principal-arns'));
    expect(() => new AwsIamWorkload(stack, 'C', { boundIamPrincipalArns: ['arn:aws:iam::123456789012:role/app-*'] })).toThrow(/only accepts with resolveAwsUniqueIds: false/);
    expect(() => new AwsIamWorkload(stack, 'D', { boundIamPrincipalArns: ['arn:aws:iam::123456789012:role/*'], resolveAwsUniqueIds: false })).toThrow(/every principal/);
    new AwsIamWorkload(stack, 'E', { boundIamPrincipalArns: ['arn:aws:iam::123456789012:role/app-*'], resolveAwsUniqueIds: false });
    new AwsIamWorkload(stack, 'F', { boundIamPrincipalArns: ['arn:aws:iam::123456789012:role/service-role/app-*', 'arn:aws:iam::123456789012:user/ci'], resolveAwsUniqueIds: false });
  });

  test.each([
    'arn:aws:iam::123456789012:*', 'arn:aws:iam::123456789012:role/**', 'arn:aws:iam::123456789012:role*', 'arn:aws:iam::123456789012:*/*',
    'arn:aws:iam::123456789012:role/*', 'arn:aws:iam::123456789012:user/*', 'arn:aws:iam::123456789012:role/*admin', 'arn:aws:iam::123456789012:role//x',
    'arn:aws:iam::*:role/payments', 'arn:aws:iam::123456789012:group/payments', 'arn:aws:iam::123456789012:policy/x',
  ])('ARN %j (no literal name after role/ or user/) is refused, also with resolveAwsUniqueIds: false', (arn) => {
    const stack = newStack();
    expect(() => new AwsIamWorkload(stack, 'W', { boundIamPrincipalArns: [arn], resolveAwsUniqueIds: false })).toThrow(keywardError('stack/W', 'aws-principal-arns'));
  });
});

describe('one policy per workload', () => {
  test('a workload with no grants still gets a valid, empty policy', () => {
    const stack = newStack();
    new AppRoleWorkload(stack, 'Idle');
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Policy, { name: 'stack--idle', policy: '# no grants\n' });
  });
});
