import { Construct, IConstruct } from 'constructs';
import { TerraformStack, TerraformVariable } from 'cdktf';
import { fail } from '../core/errors';
import { KubernetesAuthBackendConfig } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-config';
import { AuthBackendBase, AuthBackendBaseProps } from './auth-backend';
import { sharedBackend, trimPem } from './private/auth';
import { brand } from './private/brand';
import { isTerraformVariable } from './private/terraform-types';

/** Settings of a Kubernetes auth backend. */
export interface KubernetesAuthBackendProps extends AuthBackendBaseProps {
  /**
   * Address of the Kubernetes API server Vault sends TokenReview requests to. When set, Keyward also declares the
   * backend's `vault_kubernetes_auth_backend_config`.
   * @default - the backend is configured out of band (e.g. by the cluster's Vault installer)
   */
  readonly kubernetesHost?: string;
  /**
   * PEM CA certificate of the API server.
   * @default - Vault's local CA when it runs in the cluster
   */
  readonly kubernetesCaCert?: string;
  /**
   * PEM public keys that verify service account tokens.
   * @default - none
   */
  readonly pemKeys?: string[];
  /**
   * Expected `iss` of service account tokens.
   * @default - not checked
   */
  readonly issuer?: string;
  /**
   * Do not use Vault's own service account token and CA (set when Vault runs outside the cluster: otherwise Vault
   * looks for `/var/run/secrets/kubernetes.io/serviceaccount/ca.crt` and fails).
   * @default false
   */
  readonly disableLocalCaJwt?: boolean;
  /**
   * The JWT Vault presents to the API server for TokenReview (a service account allowed `system:auth-delegator`),
   * when Vault runs outside the cluster. A credential, so only a `TerraformVariable` declared with `sensitive: true`,
   * type `string` and no default is accepted; it is written to the write-only `token_reviewer_jwt_wo` (never in
   * `cdk.tf.json`, plan or state; needs terraform-provider-vault >= 5.7.0, which the stack then requires).
   * @default - none: Vault in the cluster uses its own service account, otherwise each client's JWT reviews itself
   */
  readonly tokenReviewerJwt?: TerraformVariable;
  /**
   * Version of `tokenReviewerJwt`: Terraform writes the write-only value again only when this number changes.
   * @default 1
   */
  readonly tokenReviewerJwtVersion?: number;
}

/**
 * A Kubernetes auth backend (`vault_auth_backend` of type `kubernetes`, plus its config when `kubernetesHost` is set).
 * Created once per stack and path: workloads without an explicit `backend` share `KubernetesAuthBackend.of(scope)`.
 *
 * A token reviewer JWT is taken only as a sensitive variable into a write-only attribute: it is a credential.
 */
export class KubernetesAuthBackend extends AuthBackendBase {
  /**
   * The Kubernetes backend declared at `path` in the stack of `scope`, or a new (unconfigured) one there.
   * @param path where the backend is mounted; default "kubernetes"
   */
  public static of(scope: IConstruct, path?: string): KubernetesAuthBackend {
    const p = path ?? 'kubernetes';
    return sharedBackend(scope, p, 'KubernetesAuthBackend', (stack, id) => new KubernetesAuthBackend(stack, id, { path: p }));
  }

  /** The backend config, when `kubernetesHost` was given. */
  public readonly config?: KubernetesAuthBackendConfig;

  constructor(scope: Construct, id: string, props: KubernetesAuthBackendProps = {}) {
    super(scope, id, 'kubernetes', 'Kubernetes auth (Keyward)', props);
    brand(this, 'KubernetesAuthBackend');
    const configOnly = (['kubernetesCaCert', 'pemKeys', 'issuer', 'disableLocalCaJwt', 'tokenReviewerJwt', 'tokenReviewerJwtVersion'] as const)
      .filter((k) => props[k] !== undefined);
    if (props.kubernetesHost === undefined && configOnly.length > 0) {
      fail(this, 'k8s-backend-config', `${configOnly.join(', ')} configure the backend and need kubernetesHost; without it nothing is configured`);
    }
    if (props.kubernetesHost !== undefined) {
      this.config = new KubernetesAuthBackendConfig(this, 'Config', {
        backend: this.resource.path,
        kubernetesHost: props.kubernetesHost,
        kubernetesCaCert: props.kubernetesCaCert === undefined ? undefined : trimPem(props.kubernetesCaCert),
        pemKeys: props.pemKeys?.map(trimPem),
        issuer: props.issuer,
        disableLocalCaJwt: props.disableLocalCaJwt,
      });
      if (props.tokenReviewerJwt !== undefined) {
        this.writeTokenReviewerJwt(props.tokenReviewerJwt, props.tokenReviewerJwtVersion ?? 1);
      } else if (props.tokenReviewerJwtVersion !== undefined) {
        fail(this, 'k8s-backend-config', 'tokenReviewerJwtVersion is only meaningful with tokenReviewerJwt');
      }
    }
  }

  private writeTokenReviewerJwt(jwt: TerraformVariable, version: number): void {
    if (!isTerraformVariable(jwt)) {
      fail(this, 'write-only-sensitive', 'tokenReviewerJwt must be a TerraformVariable declared with sensitive: true, never a literal value');
    }
    if (jwt.sensitive !== true) {
      fail(this, 'write-only-sensitive', `tokenReviewerJwt variable ${jwt.node.path} is not sensitive; declare it with sensitive: true`);
    }
    if (jwt.default !== undefined) {
      fail(this, 'write-only-sensitive', `tokenReviewerJwt variable ${jwt.node.path} has a default, which would put a credential in cdk.tf.json`);
    }
    if (jwt.type !== 'string') {
      fail(this, 'write-only-sensitive', `tokenReviewerJwt variable ${jwt.node.path} has type ${jwt.type}; declare it with type "string"`);
    }
    if (!Number.isInteger(version) || version < 1) {
      fail(this, 'k8s-backend-config', `tokenReviewerJwtVersion must be a whole number >= 1, got ${version}`);
    }
    // The provider bindings (hashicorp/vault 5.6.0) predate the write-only attribute: write it by name.
    this.config!.addOverride('token_reviewer_jwt_wo', jwt.stringValue);
    this.config!.addOverride('token_reviewer_jwt_wo_version', version);
    TerraformStack.of(this).addOverride('terraform.required_providers.vault.version', '>= 5.7.0');
  }

  /** The mount path as a Terraform reference: roles using it are created after the backend (and its config). */
  public override get backendRef(): string {
    return this.config ? this.config.backend : this.resource.path;
  }
}
