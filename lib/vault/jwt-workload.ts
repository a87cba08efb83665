import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { fail } from '../core/errors';
import { JwtAuthBackend } from './jwt-auth-backend';
import { VaultWorkload, VaultWorkloadProps } from './workload';

/** A workload that logs in with a JWT (any OIDC issuer). */
export interface JwtWorkloadProps extends VaultWorkloadProps {
  /**
   * The JWT backend to log in through.
   * @default JwtAuthBackend.of(this) — the stack's shared backend at `auth/jwt` (GitHub Actions unless declared otherwise)
   */
  readonly backend?: JwtAuthBackend;
  /** Values the `aud` claim must contain. Required and non-empty. */
  readonly boundAudiences: string[];
  /**
   * Claims the token must carry, e.g. `{ repository: "acme/payments" }`. A value may be a comma-separated list. A value
   * with `*` makes the role use glob matching (`bound_claims_type = "glob"`). At least one claim (or `boundSubject`)
   * is required, and no claim may match anything.
   * @default - none (then `boundSubject` is required)
   */
  readonly boundClaims?: { [claim: string]: string };
  /**
   * Value the `sub` claim must have.
   * @default - not checked (then `boundClaims` is required)
   */
  readonly boundSubject?: string;
  /**
   * Claim that names the Vault entity alias.
   * @default "sub"
   */
  readonly userClaim?: string;
}

const GLOB = /[*?]/;

/** True when a glob pattern matches any value: nothing but `*`, `?` and separators. */
function matchesAnything(pattern: string): boolean {
  return pattern.trim() === '' || /^[*?/:.\-_]*$/.test(pattern.trim()) && pattern.includes('*');
}

/**
 * A workload that logs in with a JWT: a `vault_jwt_auth_backend_role` with `role_type = "jwt"`, bound audiences and
 * bound claims, and its own `vault_policy`.
 */
export class JwtWorkload extends VaultWorkload {
  /** The JWT backend the workload logs in through. */
  public readonly backend: JwtAuthBackend;
  /** The `vault_jwt_auth_backend_role` resource. */
  public readonly role: JwtAuthBackendRole;

  constructor(scope: Construct, id: string, props: JwtWorkloadProps) {
    super(scope, id, props);
    this.backend = props.backend ?? JwtAuthBackend.of(this);
    this._claimRoleName(this.backend.path);

    const audiences = props.boundAudiences ?? [];
    if (audiences.length === 0 || audiences.some((a) => !Token.isUnresolved(a) && a.trim() === '')) {
      fail(this, 'jwt-bound-audiences', 'boundAudiences is required and must not be empty: a role without an audience accepts tokens minted for any service');
    }
    const claims = props.boundClaims ?? {};
    const claimNames = Object.keys(claims);
    if (claimNames.length === 0 && props.boundSubject === undefined) {
      fail(this, 'jwt-bound-claims', 'boundClaims (or boundSubject) is required: a role without bound claims lets any identity of the issuer log in');
    }
    let glob = false;
    for (const name of claimNames.sort()) {
      const value = claims[name];
      if (Token.isUnresolved(value)) {
        continue;
      }
      for (const part of value.split(',')) {
        if (matchesAnything(part)) {
          fail(this, 'jwt-bound-claims', `bound claim ${name}=${JSON.stringify(value)} matches any value`);
        }
      }
      glob = glob || GLOB.test(value);
    }
    if (props.boundSubject !== undefined && !Token.isUnresolved(props.boundSubject) && matchesAnything(props.boundSubject)) {
      fail(this, 'jwt-bound-claims', `boundSubject ${JSON.stringify(props.boundSubject)} matches any subject`);
    }

    this.role = new JwtAuthBackendRole(this, 'Role', {
      backend: this.backend.backendRef,
      roleName: this.roleName,
      roleType: 'jwt',
      userClaim: props.userClaim ?? 'sub',
      boundAudiences: audiences,
      boundClaims: claimNames.length > 0 ? claims : undefined,
      boundClaimsType: glob ? 'glob' : 'string',
      boundSubject: props.boundSubject,
      ...this._tokenConfig,
    });
  }
}
