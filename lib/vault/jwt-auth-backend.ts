import { Construct, IConstruct } from 'constructs';
import { Token } from 'cdktf';
import { JwtAuthBackend as JwtAuthBackendResource } from '@cdktf/provider-vault/lib/jwt-auth-backend';
import { fail } from '../core/errors';
import { claimAuthPath, lifecycleFor, sharedBackend, trimPem } from './private/auth';
import { brand } from './private/brand';
import { isGitHubActionsUrl } from './private/claims';

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
   * Value the `iss` claim must have. Must be a concrete, non-empty value without whitespace or invisible characters:
   * without it any issuer whose tokens the keys verify logs in. Empty is accepted only with GitHub's discovery URL
   * (`oidcDiscoveryUrl: "https://token.actions.githubusercontent.com"`), whose issuer is checked by discovery.
   * @default "https://token.actions.githubusercontent.com"
   */
  readonly boundIssuer?: string;
  /**
   * The issuer is GitHub Actions, for an issuer Keyward cannot recognise by its URL (GitHub Enterprise Server,
   * `https://<host>/_services/token`). Then every role on the backend must bind a literal repository or owner and a
   * ref or environment, as on github.com. Backends whose issuer, discovery or JWKS URL is on
   * `token.actions.githubusercontent.com` (including an enterprise's `…/<enterprise-slug>` issuer) or ends in
   * `/_services/token` are GitHub's without this setting; `false` cannot switch that off.
   * @default - decided from the URLs
   */
  readonly githubActions?: boolean;
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
    return sharedBackend(scope, p, 'JwtAuthBackend', (stack, id) => new JwtAuthBackend(stack, id, { path: p }));
  }

  /** The mount path (`auth/<path>`). */
  public readonly path: string;
  /** The `vault_jwt_auth_backend` resource. */
  public readonly resource: JwtAuthBackendResource;
  /** The value the `iss` claim must have. */
  public readonly boundIssuer: string;
  /**
   * Whether the backend trusts GitHub Actions' issuer: its bound issuer, discovery or JWKS URL is on
   * `token.actions.githubusercontent.com` (any case, any path: an enterprise's `…/<slug>` issuer too) or ends in
   * `/_services/token` (GitHub Enterprise Server), or `githubActions` is set. Every role on such a backend must bind a
   * literal repository or owner and a ref or environment: any workflow anywhere can get a token from that issuer.
   */
  public readonly trustsGitHubActions: boolean;

  constructor(scope: Construct, id: string, props: JwtAuthBackendProps = {}) {
    super(scope, id);
    brand(this, 'JwtAuthBackend');
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
    for (const [what, url] of [['oidcDiscoveryUrl', discovery], ['jwksUrl', props.jwksUrl]] as const) {
      if (url !== undefined && Token.isUnresolved(url)) {
        fail(this, 'binding-unresolved', `${what} is a Terraform reference or variable: Keyward cannot tell whether it is GitHub's `
          + '(whose roles must bind a repository and a ref); give the URL as a literal');
      }
    }
    const githubDiscovery = discovery === JwtAuthBackend.GITHUB_ACTIONS_ISSUER;
    this.boundIssuer = props.boundIssuer ?? JwtAuthBackend.GITHUB_ACTIONS_ISSUER;
    if (Token.isUnresolved(this.boundIssuer)) {
      fail(this, 'binding-unresolved', 'boundIssuer is a Terraform reference or variable: the issuer decides which tokens log in '
        + 'and whether GitHub\'s rules apply; give it as a literal');
    }
    if (this.boundIssuer === '' && !githubDiscovery) {
      fail(this, 'jwt-bound-issuer', 'boundIssuer is empty: without it every issuer whose tokens the keys verify logs in '
        + '(with GitHub\'s keys: any repository); bind the issuer (empty is accepted only with GitHub\'s discovery URL)');
    }
    if (/[\p{Cf}\p{Z}\p{Cc}\s]/u.test(this.boundIssuer)) {
      fail(this, 'jwt-bound-issuer', `boundIssuer ${JSON.stringify(this.boundIssuer)} contains whitespace or invisible characters, `
        + 'which a token\'s iss never has');
    }
    const detected = [discovery, props.jwksUrl, this.boundIssuer].some((u) => u !== undefined && isGitHubActionsUrl(u));
    if (props.githubActions === false && detected) {
      fail(this, 'jwt-github-issuer', 'githubActions is false but the issuer or key source is GitHub Actions\': its rules cannot be '
        + 'switched off (any workflow of any repository gets tokens from it)');
    }
    this.trustsGitHubActions = detected || props.githubActions === true;
    const github = githubDiscovery;

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
