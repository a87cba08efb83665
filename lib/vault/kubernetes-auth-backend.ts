import { Construct, IConstruct } from 'constructs';
import { KubernetesAuthBackendConfig } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-config';
import { AuthBackendBase, AuthBackendBaseProps } from './auth-backend';
import { sharedBackend, trimPem } from './private/auth';

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
   * Do not use Vault's own service account token and CA (set when Vault runs outside the cluster).
   * @default false
   */
  readonly disableLocalCaJwt?: boolean;
}

/**
 * A Kubernetes auth backend (`vault_auth_backend` of type `kubernetes`, plus its config when `kubernetesHost` is set).
 * Created once per stack and path: workloads without an explicit `backend` share `KubernetesAuthBackend.of(scope)`.
 *
 * No token reviewer JWT is taken here: it is a credential, and would land in Terraform state. Vault running in the
 * cluster uses its own service account; otherwise each client's JWT reviews itself.
 */
export class KubernetesAuthBackend extends AuthBackendBase {
  /**
   * The Kubernetes backend declared at `path` in the stack of `scope`, or a new (unconfigured) one there.
   * @param path where the backend is mounted; default "kubernetes"
   */
  public static of(scope: IConstruct, path?: string): KubernetesAuthBackend {
    const p = path ?? 'kubernetes';
    return sharedBackend(scope, p, KubernetesAuthBackend, (stack, id) => new KubernetesAuthBackend(stack, id, { path: p }));
  }

  /** The backend config, when `kubernetesHost` was given. */
  public readonly config?: KubernetesAuthBackendConfig;

  constructor(scope: Construct, id: string, props: KubernetesAuthBackendProps = {}) {
    super(scope, id, 'kubernetes', 'Kubernetes auth (Keyward)', props);
    if (props.kubernetesHost !== undefined) {
      this.config = new KubernetesAuthBackendConfig(this, 'Config', {
        backend: this.resource.path,
        kubernetesHost: props.kubernetesHost,
        kubernetesCaCert: props.kubernetesCaCert === undefined ? undefined : trimPem(props.kubernetesCaCert),
        pemKeys: props.pemKeys?.map(trimPem),
        issuer: props.issuer,
        disableLocalCaJwt: props.disableLocalCaJwt,
      });
    }
  }

  /** The mount path as a Terraform reference: roles using it are created after the backend (and its config). */
  public override get backendRef(): string {
    return this.config ? this.config.backend : this.resource.path;
  }
}
