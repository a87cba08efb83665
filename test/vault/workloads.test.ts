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
import { keywardError, newStack, resources } from './util';

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
      role_name: 'stack-deploy',
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
    new GitHubActionsWorkload(stack, 'A', { repository: 'acme/a' });
    new GitHubActionsWorkload(stack, 'B', { repository: 'acme/b' });
    new JwtWorkload(stack, 'C', { boundAudiences: ['x'], boundClaims: { sub: 'y' } });
    expect(resources(stack, 'vault_jwt_auth_backend')).toHaveLength(1);
    expect(resources(stack, 'vault_jwt_auth_backend_role')).toHaveLength(3);
    expect(resources(stack, 'vault_policy')).toHaveLength(3);
  });

  test('validation source is overridable (local public keys for tests, or a JWKS URL)', () => {
    const stack = newStack();
    const backend = new JwtAuthBackend(stack, 'Test', { path: 'jwt-test', jwtValidationPubkeys: [PEM], boundIssuer: 'https://issuer.test' });
    new GitHubActionsWorkload(stack, 'Deploy', { backend, repository: 'acme/payments' });
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
    expect(() => new JwtWorkload(stack, 'A', { boundAudiences: [], boundClaims: { sub: 'x' } })).toThrow(keywardError('stack/A', 'jwt-bound-audiences'));
    expect(() => new GitHubActionsWorkload(stack, 'B', { repository: 'acme/a', boundAudiences: [] })).toThrow(keywardError('stack/B', 'jwt-bound-audiences'));
  });

  test('missing or match-anything bound claims is an error', () => {
    const stack = newStack();
    expect(() => new JwtWorkload(stack, 'A', { boundAudiences: ['x'] })).toThrow(keywardError('stack/A', 'jwt-bound-claims'));
    expect(() => new JwtWorkload(stack, 'B', { boundAudiences: ['x'], boundClaims: {} })).toThrow(keywardError('stack/B', 'jwt-bound-claims'));
    expect(() => new JwtWorkload(stack, 'C', { boundAudiences: ['x'], boundClaims: { repository: '*' } })).toThrow(/bound claim repository="\*" matches any value/);
    expect(() => new JwtWorkload(stack, 'D', { boundAudiences: ['x'], boundClaims: { repository: 'acme/a,*/*' } })).toThrow(keywardError('stack/D', 'jwt-bound-claims'));
    expect(() => new JwtWorkload(stack, 'E', { boundAudiences: ['x'], boundSubject: '*' })).toThrow(keywardError('stack/E', 'jwt-bound-claims'));
    expect(() => new JwtWorkload(stack, 'F', { boundAudiences: ['x'], boundSubject: 'repo:acme/a:ref:refs/heads/main' })).not.toThrow();
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
    new GitHubActionsWorkload(stack, 'Prod', { repository: 'acme/prod', roleName: 'deploy' });
    expect(() => new GitHubActionsWorkload(stack, 'Sandbox', { repository: 'acme/sandbox', roleName: 'deploy' }))
      .toThrow(keywardError('stack/Sandbox', 'duplicate-path'));
    expect(() => new GitHubActionsWorkload(stack, 'Upper', { repository: 'acme/x', roleName: 'DEPLOY' })).toThrow(/role name in auth\/jwt/);
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
    expect(out).toHaveResourceWithProperties(ApproleAuthBackendRole, { role_name: 'stack-batch', bind_secret_id: true, secret_id_ttl: 3600, secret_id_num_uses: 1, token_ttl: 900, token_max_ttl: 3600 });
    expect(out).toHaveResourceWithProperties(ApproleAuthBackendRole, { role_name: 'stack-other', secret_id_ttl: 120, secret_id_num_uses: 3, secret_id_bound_cidrs: ['192.168.0.0/24'] });
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
      role_name: 'stack-api', bound_service_account_names: ['api'], bound_service_account_namespaces: ['payments'], audience: 'vault', token_ttl: 900,
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

  test('wildcards need an explicit opt-in', () => {
    const stack = newStack();
    expect(() => new KubernetesWorkload(stack, 'A', { serviceAccountNames: ['*'], namespaces: ['p'] })).toThrow(keywardError('stack/A', 'k8s-wildcard'));
    expect(() => new KubernetesWorkload(stack, 'B', { serviceAccountNames: ['api'], namespaces: ['team-*'] })).toThrow(keywardError('stack/B', 'k8s-wildcard'));
    new KubernetesWorkload(stack, 'C', { serviceAccountNames: ['*'], namespaces: ['payments'], allowWildcards: true, audience: 'https://kubernetes.default.svc' });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(KubernetesAuthBackendRole, { bound_service_account_names: ['*'], audience: 'https://kubernetes.default.svc' });
  });
});

describe('AWS IAM workload', () => {
  test('iam auth type, bound principal ARNs, unique ID resolution on by default', () => {
    const stack = newStack();
    new AwsIamWorkload(stack, 'Lambda', { boundIamPrincipalArns: ['arn:aws:iam::123456789012:role/payments-api'] });
    const out = Testing.synth(stack);
    expect(out).toHaveResourceWithProperties(AuthBackend, { type: 'aws', path: 'aws' });
    expect(out).toHaveResourceWithProperties(AwsAuthBackendRole, {
      role: 'stack-lambda', auth_type: 'iam', bound_iam_principal_arns: ['arn:aws:iam::123456789012:role/payments-api'], resolve_aws_unique_ids: true, token_ttl: 900,
    });
  });

  test('accepts ARNs known only to Terraform (variables, references)', () => {
    const stack = newStack();
    const arn = new TerraformVariable(stack, 'role_arn', { type: 'string' });
    new AwsIamWorkload(stack, 'W', { boundIamPrincipalArns: [arn.stringValue] });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(AwsAuthBackendRole, { bound_iam_principal_arns: ['${var.role_arn}'] });
  });

  test('ARN rules', () => {
    const stack = newStack();
    expect(() => new AwsIamWorkload(stack, 'A', { boundIamPrincipalArns: [] })).toThrow(keywardError('stack/A', 'aws-principal-arns'));
    expect(() => new AwsIamWorkload(stack, 'B', { boundIamPrincipalArns: ['payments-api'] })).toThrow(keywardError('stack/B', 'aws-principal-arns'));
    expect(() => new AwsIamWorkload(stack, 'C', { boundIamPrincipalArns: ['arn:aws:iam::123456789012:role/app-*'] })).toThrow(/only accepts with resolveAwsUniqueIds: false/);
    expect(() => new AwsIamWorkload(stack, 'D', { boundIamPrincipalArns: ['arn:aws:iam::123456789012:role/*'], resolveAwsUniqueIds: false })).toThrow(/every principal/);
    new AwsIamWorkload(stack, 'E', { boundIamPrincipalArns: ['arn:aws:iam::123456789012:role/app-*'], resolveAwsUniqueIds: false });
  });
});

describe('one policy per workload', () => {
  test('a workload with no grants still gets a valid, empty policy', () => {
    const stack = newStack();
    new AppRoleWorkload(stack, 'Idle');
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Policy, { name: 'stack-idle', policy: '# no grants\n' });
  });
});
