import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { KeywardValidationError } from '../core/errors';
import { JwtAuthBackend } from './jwt-auth-backend';
import { JwtWorkload } from './jwt-workload';
import { VaultWorkloadProps } from './workload';

/** A GitHub Actions job that logs in to Vault with its OIDC token. */
export interface GitHubActionsWorkloadProps extends VaultWorkloadProps {
  /**
   * The repository, `owner/name`. The owner must be literal; the name may be a glob (`acme/service-*`) on purpose.
   * Bound as the `repository` claim.
   */
  readonly repository: string;
  /**
   * Git ref the job must run on, e.g. `refs/heads/main` (globs allowed: `refs/tags/v*`). Bound as the `ref` claim.
   * @default - any ref
   */
  readonly gitRef?: string;
  /**
   * GitHub deployment environment the job must run in, e.g. `production`. Bound as the `environment` claim.
   * @default - any environment, or none
   */
  readonly environment?: string;
  /**
   * Further claims to bind, e.g. `{ job_workflow_ref: "acme/ci/.github/workflows/deploy.yml@refs/heads/main" }`.
   * @default - none
   */
  readonly extraBoundClaims?: { [claim: string]: string };
  /**
   * Audiences the token must be minted for (the `audience` input of `core.getIDToken()` / `hashicorp/vault-action`'s
   * `jwtGithubAudience`).
   * @default ["https://github.com/<owner>"] — GitHub's default audience
   */
  readonly boundAudiences?: string[];
  /**
   * The JWT backend that trusts GitHub's OIDC tokens.
   * @default JwtAuthBackend.of(this) — the stack's shared GitHub Actions backend at `auth/jwt`
   */
  readonly backend?: JwtAuthBackend;
}

/**
 * A GitHub Actions workload: a JWT role bound to one repository (and optionally a ref and an environment).
 * A role that would let any repository log in is an error.
 */
export class GitHubActionsWorkload extends JwtWorkload {
  /** The bound repository. */
  public readonly repository: string;

  constructor(scope: Construct, id: string, props: GitHubActionsWorkloadProps) {
    const repo = props.repository ?? '';
    checkRepository(scope.node.path ? `${scope.node.path}/${id}` : id, repo);
    const owner = repo.split('/')[0];
    super(scope, id, {
      ...props,
      boundAudiences: props.boundAudiences ?? [`https://github.com/${owner}`],
      boundClaims: {
        ...props.extraBoundClaims,
        repository: repo,
        ...(props.gitRef !== undefined ? { ref: props.gitRef } : {}),
        ...(props.environment !== undefined ? { environment: props.environment } : {}),
      },
      userClaim: 'repository',
    });
    this.repository = repo;
  }
}

// Runs before the role exists (and before the generic JWT checks) so the message speaks of repositories.
function checkRepository(path: string, repo: string): void {
  if (Token.isUnresolved(repo)) {
    return;
  }
  const parts = repo.split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw new KeywardValidationError(path, 'github-repository', `repository ${JSON.stringify(repo)} must be "owner/name"`);
  }
  if (/[*?,[\]{}]/.test(parts[0]) || parts[1].replace(/[*?]/g, '') === '') {
    throw new KeywardValidationError(path, 'github-repository', `repository ${JSON.stringify(repo)} lets any repository log in: the owner must be literal and the name must not be only a glob`);
  }
}
