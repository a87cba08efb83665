import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { KubernetesAuthBackendRole } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-role';
import { fail } from '../core/errors';
import { KubernetesAuthBackend } from './kubernetes-auth-backend';
import { refuseUnresolved } from './private/unresolved';
import { VaultWorkload, VaultWorkloadProps } from './workload';

/** A Kubernetes pod that logs in with its service account token. */
export interface KubernetesWorkloadProps extends VaultWorkloadProps {
  /**
   * The Kubernetes backend to log in through.
   * @default KubernetesAuthBackend.of(this) — the stack's shared backend at `auth/kubernetes`
   */
  readonly backend?: KubernetesAuthBackend;
  /** Service account names allowed to log in. Required and non-empty; no `*` unless `allowWildcards`. */
  readonly serviceAccountNames: string[];
  /** Namespaces those service accounts live in. Required and non-empty; no `*` unless `allowWildcards`. */
  readonly namespaces: string[];
  /**
   * Allow `*` (or globs such as `team-*`) in service account names and namespaces. An explicit opt-in: a wildcard
   * lets every matching pod read the workload's secrets.
   * @default false
   */
  readonly allowWildcards?: boolean;
  /**
   * Audience the service account token must be minted for (a projected token with `audience: vault`). Must not be
   * empty: a role without an audience accepts the token every pod has mounted by default (minted for the API server)
   * and tokens minted for any other service. The API server's own audiences (`https://kubernetes.default.svc.cluster.local`,
   * `https://kubernetes.default.svc`, `kubernetes`, …) are refused for the same reason.
   * @default "vault"
   */
  readonly audience?: string;
}

/** Audiences of the Kubernetes API server (`--api-audiences`, the issuer's defaults): every default token carries one. */
const API_SERVER_AUDIENCES = [
  'https://kubernetes.default.svc.cluster.local', 'https://kubernetes.default.svc', 'https://kubernetes.default', 'https://kubernetes',
  'kubernetes.default.svc.cluster.local', 'kubernetes.default.svc', 'kubernetes.default', 'kubernetes',
];

/**
 * A Kubernetes workload: a `vault_kubernetes_auth_backend_role` bound to service account names and namespaces and to
 * its own `vault_policy`.
 */
export class KubernetesWorkload extends VaultWorkload {
  /** The Kubernetes backend the workload logs in through. */
  public readonly backend: KubernetesAuthBackend;
  /** The `vault_kubernetes_auth_backend_role` resource. */
  public readonly role: KubernetesAuthBackendRole;

  constructor(scope: Construct, id: string, props: KubernetesWorkloadProps) {
    super(scope, id, props);
    this.backend = props.backend ?? KubernetesAuthBackend.of(this);
    this._claimRoleName(this.backend.path);
    const names = props.serviceAccountNames ?? [];
    const namespaces = props.namespaces ?? [];
    refuseUnresolved(this, 'serviceAccountNames', names);
    refuseUnresolved(this, 'namespaces', namespaces);
    refuseUnresolved(this, 'audience', [props.audience]);
    for (const [what, list] of [['serviceAccountNames', names], ['namespaces', namespaces]] as const) {
      if (list.length === 0 || list.some((v) => !Token.isUnresolved(v) && v.trim() === '')) {
        fail(this, 'k8s-bound-names', `${what} is required and must not be empty or contain empty names`);
      }
      const wild = list.filter((v) => !Token.isUnresolved(v) && v.includes('*'));
      if (wild.length > 0 && props.allowWildcards !== true) {
        fail(this, 'k8s-wildcard', `${what} ${JSON.stringify(wild)} contains a wildcard; set allowWildcards: true if every matching service account should read this workload's secrets`);
      }
    }
    const audience = props.audience ?? 'vault';
    if (!Token.isUnresolved(audience) && (audience.trim() === '' || audience !== audience.trim())) {
      fail(this, 'k8s-audience', `audience ${JSON.stringify(audience)} must be a non-empty audience without surrounding whitespace: `
        + 'without one, tokens minted for the API server or any other service log in');
    }
    if (API_SERVER_AUDIENCES.includes(audience.toLowerCase().replace(/\/+$/, ''))) {
      fail(this, 'k8s-audience', `audience ${JSON.stringify(audience)} is the API server's own: the token every pod has mounted by `
        + 'default carries it, so every pod of the bound service accounts logs in without a projected token; use an audience of '
        + 'Vault\'s own (e.g. "vault")');
    }
    this.role = new KubernetesAuthBackendRole(this, 'Role', {
      backend: this.backend.backendRef,
      roleName: this.roleName,
      boundServiceAccountNames: names,
      boundServiceAccountNamespaces: namespaces,
      audience,
      ...this._tokenConfig,
    });
  }
}
