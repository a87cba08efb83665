import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { KeywardValidationError } from '../core/errors';
import { JwtAuthBackend } from './jwt-auth-backend';
import { JwtWorkload } from './jwt-workload';
import { reasonProblem } from '../core/reason';
import { claimValueProblem, githubEnvironmentProblem, githubRefProblem, githubRepositoryProblem } from './private/claims';
import { unresolvedMessage } from './private/unresolved';
import { VaultWorkloadProps } from './workload';

/** A GitHub Actions job that logs in to Vault with its OIDC token. */
export interface GitHubActionsWorkloadProps extends VaultWorkloadProps {
  /**
   * The repository, `owner/name`. The owner must be literal; the name may be a glob (`acme/service-*`) on purpose.
   * Bound as the `repository` claim. A repository name can be recycled (deleted and created again by someone else):
   * bind `repositoryId` too to pin this very repository.
   */
  readonly repository: string;
  /**
   * Git ref the job must run on, fully qualified: `refs/heads/main` (not `main`, which no GitHub token carries: that
   * is an error, not guessed), or a glob with a literal start such as `refs/tags/v*`. Bound as the `ref` claim.
   * One of `gitRef`, `environment` or `anyRefReason` is required.
   * @default - not bound
   */
  readonly gitRef?: string;
  /**
   * GitHub deployment environment the job must run in, e.g. `production`, by its exact name (a `*` is an error:
   * anyone who can push may create a matching environment). Bound as the `environment` claim.
   * One of `gitRef`, `environment` or `anyRefReason` is required.
   * @default - not bound
   */
  readonly environment?: string;
  /**
   * Let every branch, tag, pull-request build and environment of the repository log in, and say why (at least 20
   * visible characters; kept in the construct metadata). Only when neither `gitRef` nor `environment` is set.
   * @default - `gitRef` or `environment` is required
   */
  readonly anyRefReason?: string;
  /**
   * GitHub's numeric id of the repository (`repository_id` claim), e.g. "123456789". Unlike the name it is never
   * reused by another repository.
   * @default - not bound
   */
  readonly repositoryId?: string;
  /**
   * GitHub's numeric id of the repository owner (`repository_owner_id` claim).
   * @default - not bound
   */
  readonly repositoryOwnerId?: string;
  /**
   * The workflow file (and its ref) that must run the job, `job_workflow_ref` claim, e.g.
   * `acme/ci/.github/workflows/deploy.yml@refs/heads/main` for a reusable workflow.
   * @default - not bound
   */
  readonly jobWorkflowRef?: string;
  /**
   * Further claims to bind, e.g. `{ runner_environment: "self-hosted" }`. A claim this workload binds from another
   * prop (`repository`, `gitRef` (claim `ref`), `environment`, `repository_id`, `repository_owner_id`, `job_workflow_ref`) or `aud`
   * (use `boundAudiences`) is an error: it would be dropped or override the binding.
   * @default - none
   */
  readonly extraBoundClaims?: { [claim: string]: string };
  /**
   * Audiences the token must be minted for (the `audience` input of `core.getIDToken()` / `hashicorp/vault-action`'s
   * `jwtGithubAudience`). Any workflow may ask for any audience: the audience is no boundary between repositories.
   * @default ["https://github.com/<owner>"] — GitHub's default audience
   */
  readonly boundAudiences?: string[];
  /**
   * The JWT backend that trusts GitHub's OIDC tokens.
   * @default JwtAuthBackend.of(this) — the stack's shared GitHub Actions backend at `auth/jwt`
   */
  readonly backend?: JwtAuthBackend;
}

/** Claims GitHubActionsWorkload binds from its own props: extraBoundClaims may not name them. */
const BOUND_BY_PROPS = ['repository', 'ref', 'environment', 'repository_id', 'repository_owner_id', 'job_workflow_ref', 'aud'];

/**
 * A GitHub Actions workload: a JWT role bound to one repository and to a ref or an environment (or an explicit,
 * reasoned opt-out). A role that would let any repository log in is an error.
 */
export class GitHubActionsWorkload extends JwtWorkload {
  /** The bound repository. */
  public readonly repository: string;

  constructor(scope: Construct, id: string, props: GitHubActionsWorkloadProps) {
    const path = scope.node.path ? `${scope.node.path}/${id}` : id;
    const repo = props.repository ?? '';
    checkLiteral(path, props);
    checkRepository(path, repo);
    checkRefBinding(path, props);
    const extra = props.extraBoundClaims ?? {};
    const clash = Object.keys(extra).filter((c) => BOUND_BY_PROPS.includes(c));
    if (clash.length > 0) {
      throw new KeywardValidationError(path, 'github-extra-claims', `extraBoundClaims ${JSON.stringify(clash)} would be dropped or `
        + 'override a claim this workload binds; use the props repository, gitRef, environment, repositoryId, repositoryOwnerId, '
        + 'jobWorkflowRef or boundAudiences');
    }
    const owner = repo.split('/')[0];
    const optional: { [claim: string]: string | undefined } = {
      ref: props.gitRef,
      environment: props.environment,
      repository_id: props.repositoryId,
      repository_owner_id: props.repositoryOwnerId,
      job_workflow_ref: props.jobWorkflowRef,
    };
    const bound: { [claim: string]: string } = {};
    for (const [claim, value] of Object.entries(optional)) {
      if (value !== undefined) {
        bound[claim] = value;
      }
    }
    super(scope, id, {
      ...props,
      boundAudiences: props.boundAudiences ?? [`https://github.com/${owner}`],
      boundClaims: { ...extra, repository: repo, ...bound },
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
  const value = claimValueProblem('repository', repo);
  if (value) {
    throw new KeywardValidationError(path, 'jwt-claim-value', value);
  }
  const problem = githubRepositoryProblem(repo);
  if (problem) {
    throw new KeywardValidationError(path, 'github-repository', problem);
  }
}

function checkRefBinding(path: string, props: GitHubActionsWorkloadProps): void {
  const bound = props.gitRef !== undefined || props.environment !== undefined;
  if (props.anyRefReason !== undefined) {
    if (bound) {
      throw new KeywardValidationError(path, 'github-ref', 'anyRefReason is for a workload without gitRef and environment; remove one or the other');
    }
    const problem = reasonProblem('anyRefReason', props.anyRefReason, 'why every ref and environment may log in');
    if (problem) {
      throw new KeywardValidationError(path, 'github-ref', problem);
    }
  } else if (!bound) {
    throw new KeywardValidationError(path, 'github-ref', 'bind a gitRef (e.g. "refs/heads/main") or an environment: without either, every branch, tag, '
      + 'pull-request build and environment of the repository logs in; to allow that on purpose give anyRefReason');
  }
  if (props.gitRef !== undefined && !Token.isUnresolved(props.gitRef)) {
    const valueProblem = claimValueProblem('ref', props.gitRef);
    if (valueProblem) {
      throw new KeywardValidationError(path, 'jwt-claim-value', valueProblem);
    }
    const refProblem = githubRefProblem(props.gitRef);
    if (refProblem) {
      throw new KeywardValidationError(path, 'github-ref', refProblem);
    }
  }
  if (props.environment !== undefined) {
    const problem = claimValueProblem('environment', props.environment);
    if (problem) {
      throw new KeywardValidationError(path, 'jwt-claim-value', problem);
    }
    const glob = githubEnvironmentProblem(props.environment);
    if (glob) {
      throw new KeywardValidationError(path, 'github-ref', glob);
    }
  }
}

/** Every value that binds the identity must be known at synth: a Terraform reference or variable would skip the checks. */
function checkLiteral(path: string, props: GitHubActionsWorkloadProps): void {
  const values: Array<[string, Array<string | undefined>]> = [
    ['repository', [props.repository]], ['gitRef', [props.gitRef]], ['environment', [props.environment]],
    ['repositoryId', [props.repositoryId]], ['repositoryOwnerId', [props.repositoryOwnerId]],
    ['jobWorkflowRef', [props.jobWorkflowRef]], ['anyRefReason', [props.anyRefReason]], ['boundAudiences', props.boundAudiences ?? []],
    ...Object.entries(props.extraBoundClaims ?? {}).map(([k, v]): [string, Array<string | undefined>] => [`extraBoundClaims.${k}`, [v]]),
  ];
  for (const [what, list] of values) {
    if (list.some((v) => v !== undefined && Token.isUnresolved(v))) {
      throw new KeywardValidationError(path, 'binding-unresolved', unresolvedMessage(what));
    }
  }
}
