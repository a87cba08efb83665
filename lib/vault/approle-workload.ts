import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { ApproleAuthBackendRole } from '@cdktf/provider-vault/lib/approle-auth-backend-role';
import { fail, failOnProblems } from '../core/errors';
import { validateCidr, validatePositiveSeconds } from '../core/vault-names';
import { AppRoleAuthBackend } from './approle-auth-backend';
import { VaultWorkload, VaultWorkloadProps } from './workload';

/** A workload that logs in with an AppRole role ID and secret ID (batch jobs, servers outside any platform identity). */
export interface AppRoleWorkloadProps extends VaultWorkloadProps {
  /**
   * The AppRole backend to log in through.
   * @default AppRoleAuthBackend.of(this) — the stack's shared backend at `auth/approle`
   */
  readonly backend?: AppRoleAuthBackend;
  /**
   * How long a secret ID stays valid, in seconds. Must be positive: secret IDs that never expire are not offered.
   * @default 3600 (1 hour)
   */
  readonly secretIdTtlSeconds?: number;
  /**
   * How many logins one secret ID allows; 0 means unlimited.
   * @default 1 — each run gets a fresh secret ID
   */
  readonly secretIdNumUses?: number;
  /**
   * CIDR blocks secret IDs may be used from.
   * @default - any address
   */
  readonly secretIdBoundCidrs?: string[];
}

/**
 * An AppRole workload: a `vault_approle_auth_backend_role` bound to its own `vault_policy`, with short-lived,
 * single-use secret IDs by default. The role ID and secret IDs are issued out of band
 * (`bao read auth/approle/role/<role>/role-id`, `bao write -f auth/approle/role/<role>/secret-id`): they are
 * credentials and never appear in Terraform.
 */
export class AppRoleWorkload extends VaultWorkload {
  /** The AppRole backend the workload logs in through. */
  public readonly backend: AppRoleAuthBackend;
  /** The `vault_approle_auth_backend_role` resource. */
  public readonly role: ApproleAuthBackendRole;

  constructor(scope: Construct, id: string, props: AppRoleWorkloadProps = {}) {
    super(scope, id, props);
    this.backend = props.backend ?? AppRoleAuthBackend.of(this);
    this._claimRoleName(this.backend.path);
    const secretIdTtl = props.secretIdTtlSeconds ?? 3600;
    const numUses = props.secretIdNumUses ?? 1;
    failOnProblems(this, 'approle-secret-id', validatePositiveSeconds('secretIdTtlSeconds', secretIdTtl));
    if (!Number.isInteger(numUses) || numUses < 0) {
      fail(this, 'approle-secret-id', `secretIdNumUses must be a whole number >= 0, got ${numUses}`);
    }
    const cidrs = props.secretIdBoundCidrs;
    if (cidrs) {
      failOnProblems(this, 'cidr', cidrs.filter((c) => !Token.isUnresolved(c)).flatMap(validateCidr));
    }
    this.role = new ApproleAuthBackendRole(this, 'Role', {
      backend: this.backend.backendRef,
      roleName: this.roleName,
      bindSecretId: true,
      secretIdTtl,
      secretIdNumUses: numUses,
      secretIdBoundCidrs: cidrs,
      ...this._tokenConfig,
    });
  }
}
