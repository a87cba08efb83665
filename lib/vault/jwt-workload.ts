import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { fail } from '../core/errors';
import { JwtAuthBackend } from './jwt-auth-backend';
import { reasonProblem } from '../core/reason';
import { claimValueProblem, githubIdentityProblem, githubRefBindingProblem, matchesAnything } from './private/claims';
import { refuseUnresolved } from './private/unresolved';
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
   * Claims the token must carry, e.g. `{ repository: "acme/payments" }`. Each value is one value: a `,` or
   * leading/trailing whitespace is an error, and the role sets `disable_bound_claims_parsing` so the provider never
   * splits a value into alternatives. A value with `*` makes the role use glob matching (`bound_claims_type = "glob"`).
   * At least one claim (or `boundSubject`) is required, and no claim may match anything. On a backend that trusts
   * GitHub Actions' issuer, a literal repository or owner must be bound (see `JwtAuthBackend.trustsGitHubActions`).
   * @default - none (then `boundSubject` is required)
   */
  readonly boundClaims?: { [claim: string]: string };
  /**
   * Value the `sub` claim must have.
   * @default - not checked (then `boundClaims` is required)
   */
  readonly boundSubject?: string;
  /**
   * Claim that names the Vault entity alias. Must not be empty.
   * @default "sub"
   */
  readonly userClaim?: string;
  /**
   * On a backend that trusts GitHub Actions' issuer: let every branch, tag, pull-request build and environment of the
   * bound repository log in, and say why (at least 20 visible characters; kept in the construct metadata).
   * @default - on GitHub's issuer a literal ref or environment must be bound (claim or subject)
   */
  readonly anyRefReason?: string;
}

const GLOB = /[*?]/;

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
    // A value known only at apply would skip every check below: bindings are literal.
    refuseUnresolved(this, 'boundAudiences', audiences);
    refuseUnresolved(this, 'userClaim', [props.userClaim]);
    refuseUnresolved(this, 'boundSubject', [props.boundSubject]);
    for (const [name, value] of Object.entries(props.boundClaims ?? {})) {
      refuseUnresolved(this, `boundClaims.${name}`, [value]);
    }
    if (audiences.length === 0 || audiences.some((a) => !Token.isUnresolved(a) && a.trim() === '')) {
      fail(this, 'jwt-bound-audiences', 'boundAudiences is required and must not be empty: a role without an audience accepts tokens minted for any service');
    }
    for (const a of audiences.filter((x) => !Token.isUnresolved(x))) {
      if (a !== a.trim()) {
        fail(this, 'jwt-bound-audiences', `audience ${JSON.stringify(a)} has leading or trailing whitespace, which a token's aud never has`);
      }
    }
    const userClaim = props.userClaim ?? 'sub';
    if (!Token.isUnresolved(userClaim) && (userClaim.trim() === '' || userClaim !== userClaim.trim())) {
      fail(this, 'jwt-user-claim', `userClaim ${JSON.stringify(userClaim)} must name a claim (e.g. "sub"): Vault refuses a role without one at apply`);
    }
    const claims = props.boundClaims ?? {};
    const claimNames = Object.keys(claims);
    if (claimNames.length === 0 && props.boundSubject === undefined) {
      fail(this, 'jwt-bound-claims', 'boundClaims (or boundSubject) is required: a role without bound claims lets any identity of the issuer log in');
    }
    let glob = false;
    const literal: { [claim: string]: string } = {};
    for (const name of claimNames.sort()) {
      const value = claims[name];
      if (Token.isUnresolved(value)) {
        continue;
      }
      if (name.trim() === '' || name !== name.trim()) {
        fail(this, 'jwt-bound-claims', `bound claim name ${JSON.stringify(name)} is empty or has surrounding whitespace`);
      }
      const problem = claimValueProblem(`bound claim ${name}`, value);
      if (problem) {
        fail(this, 'jwt-claim-value', problem);
      }
      if (matchesAnything(value)) {
        fail(this, 'jwt-bound-claims', `bound claim ${name}=${JSON.stringify(value)} matches any value`);
      }
      glob = glob || GLOB.test(value);
      literal[name] = value;
    }
    const subject = props.boundSubject !== undefined && !Token.isUnresolved(props.boundSubject) ? props.boundSubject : undefined;
    if (subject !== undefined) {
      const problem = claimValueProblem('boundSubject', subject);
      if (problem) {
        fail(this, 'jwt-claim-value', problem);
      }
      if (matchesAnything(subject)) {
        fail(this, 'jwt-bound-claims', `boundSubject ${JSON.stringify(subject)} matches any subject`);
      }
    }
    if (this.backend.trustsGitHubActions) {
      const problem = githubIdentityProblem(literal, subject);
      if (problem) {
        fail(this, 'github-repository', problem);
      }
      if (props.anyRefReason === undefined) {
        const refProblem = githubRefBindingProblem(literal, subject);
        if (refProblem) {
          fail(this, 'github-ref', refProblem);
        }
      }
    }
    if (props.anyRefReason !== undefined) {
      const problem = reasonProblem('anyRefReason', props.anyRefReason, 'why every ref and environment may log in');
      if (problem) {
        fail(this, 'github-ref', problem);
      }
      this.node.addMetadata('keyward:github-any-ref', props.anyRefReason.trim());
    }

    this.role = new JwtAuthBackendRole(this, 'Role', {
      backend: this.backend.backendRef,
      roleName: this.roleName,
      roleType: 'jwt',
      userClaim,
      boundAudiences: audiences,
      boundClaims: claimNames.length > 0 ? claims : undefined,
      boundClaimsType: glob ? 'glob' : 'string',
      // Each value is sent as written: the provider would otherwise split it on "," into alternatives.
      disableBoundClaimsParsing: true,
      boundSubject: props.boundSubject,
      ...this._tokenConfig,
    });
  }
}
