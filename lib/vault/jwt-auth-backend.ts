import { Construct, IConstruct } from 'constructs';
import { Token } from 'cdktf';
import { JwtAuthBackend as JwtAuthBackendResource } from '@cdktf/provider-vault/lib/jwt-auth-backend';
import { fail } from '../core/errors';
import { claimAuthPath, lifecycleFor, sharedBackend, trimPem } from './private/auth';

/** Settings of a JWT/OIDC auth backend. */
export interface JwtAuthBackendProps {
  /**
   * Where the backend is mounted (`auth/<path>`).
   * @default "jwt"
   */
  readonly path?: string;
  /**
   * Human-readable description of the mount.
   * @default "GitHub Actions OIDC (Keyward)" when GitHub's discovery URL is used, else "JWT auth (Keyward)"
   */
  readonly description?: string;
  /**
   * OIDC discovery URL Vault fetches signing keys from. Mutually exclusive with `jwksUrl` and `jwtValidationPubkeys`.
   * @default "https://token.actions.githubusercontent.com" when neither `jwksUrl` nor `jwtValidationPubkeys` is set
   */
  readonly oidcDiscoveryUrl?: string;
  /**
   * JWKS URL Vault fetches signing keys from, instead of OIDC discovery.
   * @default - not used
   */
  readonly jwksUrl?: string;
  /**
   * PEM public keys that verify tokens locally, without any network call (useful offline and in tests).
   * @default - not used
   */
  readonly jwtValidationPubkeys?: string[];
  /**
   * Value the `iss` claim must have.
   * @default "https://token.actions.githubusercontent.com"
   */
  readonly boundIssuer?: string;
  /**
   * Signing algorithms accepted.
   * @default - Vault's default (RS256)
   */
  readonly jwtSupportedAlgs?: string[];
  /**
   * Allow `terraform destroy` to remove the backend (and every role in it). Off by default: `prevent_destroy` is set.
   * @default false
   */
  readonly allowDestroy?: boolean;
}

/**
 * A JWT/OIDC auth backend (`vault_jwt_auth_backend`), by default trusting GitHub Actions' OIDC tokens.
 *
 * Created once per stack and path: workloads without an explicit `backend` share `JwtAuthBackend.of(scope)`.
 */
export class JwtAuthBackend extends Construct {
  /** GitHub Actions' OIDC issuer and discovery URL. */
  public static readonly GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

  /**
   * The JWT backend declared at `path` in the stack of `scope`, or a new GitHub Actions backend there.
   * @param path where the backend is mounted; default "jwt"
   */
  public static of(scope: IConstruct, path?: string): JwtAuthBackend {
    const p = path ?? 'jwt';
    return sharedBackend(scope, p, JwtAuthBackend, (stack, id) => new JwtAuthBackend(stack, id, { path: p }));
  }

  /** The mount path (`auth/<path>`). */
  public readonly path: string;
  /** The `vault_jwt_auth_backend` resource. */
  public readonly resource: JwtAuthBackendResource;
  /** The value the `iss` claim must have. */
  public readonly boundIssuer: string;
  /**
   * Whether the backend trusts GitHub Actions' issuer (its bound issuer or discovery URL is GitHub's). Every role on
   * such a backend must bind a literal repository or owner: any workflow anywhere can get a token from that issuer.
   */
  public readonly trustsGitHubActions: boolean;

  constructor(scope: Construct, id: string, props: JwtAuthBackendProps = {}) {
    super(scope, id);
    this.path = props.path ?? 'jwt';
    claimAuthPath(this, this.path);

    const sources = [props.oidcDiscoveryUrl, props.jwksUrl, props.jwtValidationPubkeys].filter((s) => s !== undefined);
    if (sources.length > 1) {
      fail(this, 'jwt-validation-source', 'set only one of oidcDiscoveryUrl, jwksUrl and jwtValidationPubkeys');
    }
    // Vault stores PEM keys without surrounding whitespace: trim them, or every plan shows a diff.
    const pubkeys = props.jwtValidationPubkeys?.map(trimPem);
    if (pubkeys && (pubkeys.length === 0 || pubkeys.some((k) => !Token.isUnresolved(k) && !k.includes('-----BEGIN')))) {
      fail(this, 'jwt-validation-source', 'jwtValidationPubkeys must hold at least one PEM public key ("-----BEGIN PUBLIC KEY-----")');
    }
    const discovery = sources.length === 0 ? JwtAuthBackend.GITHUB_ACTIONS_ISSUER : props.oidcDiscoveryUrl;
    const github = discovery === JwtAuthBackend.GITHUB_ACTIONS_ISSUER;
    this.boundIssuer = props.boundIssuer ?? JwtAuthBackend.GITHUB_ACTIONS_ISSUER;
    this.trustsGitHubActions = github || this.boundIssuer.replace(/\/+$/, '') === JwtAuthBackend.GITHUB_ACTIONS_ISSUER;

    this.resource = new JwtAuthBackendResource(this, 'Resource', {
      path: this.path,
      type: 'jwt',
      description: props.description ?? (github ? 'GitHub Actions OIDC (Keyward)' : 'JWT auth (Keyward)'),
      oidcDiscoveryUrl: discovery,
      jwksUrl: props.jwksUrl,
      jwtValidationPubkeys: pubkeys,
      boundIssuer: this.boundIssuer,
      jwtSupportedAlgs: props.jwtSupportedAlgs,
      lifecycle: lifecycleFor(props.allowDestroy),
    });
  }

  /** The mount path as a Terraform reference: roles using it are created after the backend. */
  public get backendRef(): string {
    return this.resource.path;
  }
}
