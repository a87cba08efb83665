/**
 * Pure checks of the values Keyward binds an identity to (JWT claims, GitHub repositories and refs). Each returns a
 * problem (or undefined) so the caller reports it with its own construct path and rule. Unresolved tokens must be
 * filtered out by the caller.
 */

export { MIN_REASON } from '../../core/reason';

/** True when a glob pattern matches any value: nothing but `*`, `?` and separators. */
export function matchesAnything(pattern: string): boolean {
  return pattern.trim() === '' || (/^[*?/:.\-_]*$/.test(pattern.trim()) && pattern.includes('*'));
}

/**
 * A bound claim value must be one value, written as it is compared. terraform-provider-vault splits every
 * `bound_claims` value on "," unless `disable_bound_claims_parsing` is set (Keyward sets it), and trims the parts: a
 * comma would turn one value into several alternatives, and whitespace would be compared differently from how it
 * was written. Both are refused so the meaning never depends on a provider setting.
 */
export function claimValueProblem(what: string, value: string): string | undefined {
  if (value.includes(',')) {
    return `${what} ${JSON.stringify(value)} contains ",": terraform-provider-vault splits bound claim values on commas, `
      + 'so one value would become several alternatives; bind one value (declare another workload for another value)';
  }
  if (value !== value.trim()) {
    return `${what} ${JSON.stringify(value)} has leading or trailing whitespace, which a token's claim never has`;
  }
  return undefined;
}

/** A GitHub owner (user or organization) name, literal. */
const GITHUB_OWNER = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/**
 * A repository name: letters, digits, `.`, `_`, `-`, and the glob characters `*` and `?`, starting with a literal
 * character: `acme/*a*` or `acme/*-*` would match most of the owner's repositories.
 */
const GITHUB_NAME = /^[A-Za-z0-9._-][A-Za-z0-9._*?-]*$/;

/** Problem with a GitHub `owner/name` repository binding: a literal owner, and a name that starts literally. */
export function githubRepositoryProblem(repo: string): string | undefined {
  const parts = repo.split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    return `repository ${JSON.stringify(repo)} must be "owner/name"`;
  }
  if (!GITHUB_OWNER.test(parts[0]) || !GITHUB_NAME.test(parts[1]) || parts[1].replace(/[*?]/g, '') === '') {
    return `repository ${JSON.stringify(repo)} lets any repository log in: the owner must be literal (letters, digits, "-", "_", ".") `
      + 'and the name must start with a literal character (acme/service-*, not acme/* or acme/*a*)';
  }
  return undefined;
}

/**
 * Problem with a GitHub `ref` binding. Only fully qualified branch or tag refs are accepted, with a literal first
 * character after `refs/heads/` or `refs/tags/`: the `ref` claim of a branch build is `refs/heads/main`, so `main`
 * would lock every genuine token out, and `refs/heads/*` admits every branch (pull-request builds included).
 */
export function githubRefProblem(ref: string): string | undefined {
  if (!ref.startsWith('refs/')) {
    return `ref ${JSON.stringify(ref)} is not fully qualified: GitHub's ref claim is "refs/heads/${ref}" for a branch `
      + `or "refs/tags/${ref}" for a tag; write it that way (Keyward does not guess which)`;
  }
  if (!/^refs\/(heads|tags)\/[A-Za-z0-9._-]/.test(ref)) {
    return `ref ${JSON.stringify(ref)} must be refs/heads/<branch> or refs/tags/<tag> with a literal first character `
      + '(a glob over every branch or tag binds no ref at all; to admit every ref say so with anyRefReason)';
  }
  return undefined;
}

/** Claims that identify a repository (or its owner) in a GitHub Actions token, and what each must look like. */
function githubIdentityClaimProblem(claim: string, value: string): string | undefined {
  switch (claim) {
    case 'repository':
      return githubRepositoryProblem(value);
    case 'repository_owner':
      return GITHUB_OWNER.test(value) ? undefined : `repository_owner ${JSON.stringify(value)} must be a literal owner name`;
    case 'repository_id':
    case 'repository_owner_id':
      return /^[0-9]+$/.test(value) ? undefined : `${claim} ${JSON.stringify(value)} must be GitHub's numeric id (digits only)`;
    case 'job_workflow_ref':
      return /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9._-]+\/[^@*?]+@refs\/(heads|tags)\/[A-Za-z0-9._-]/.test(value)
        ? undefined
        : `job_workflow_ref ${JSON.stringify(value)} must be "<owner>/<repo>/<workflow path>@refs/heads/<branch>" (or refs/tags/), `
          + 'with a literal owner, repository and path';
    default:
      return undefined;
  }
}

/** The literal `owner/` a `sub` glob keeps, e.g. `repo:acme/payments:ref:*` → `acme/`. */
function subjectOwner(sub: string): string | undefined {
  const m = /^repo:([^/:*?]+)\/([^:]*)/.exec(sub);
  return m && GITHUB_OWNER.test(m[1]) && /^[A-Za-z0-9._-]/.test(m[2]) ? m[1] : undefined;
}

/**
 * Problem with the claims a JWT role binds on GitHub's issuer. Any workflow of any repository can get a token from
 * GitHub's issuer, with any audience it asks for: only a literal repository or owner keeps other owners out. Every
 * identifying claim that is bound must be literal where it names the owner, and at least one must be bound.
 */
export function githubIdentityProblem(claims: { [claim: string]: string }, boundSubject: string | undefined): string | undefined {
  let identified = false;
  for (const [claim, value] of Object.entries(claims)) {
    const problem = githubIdentityClaimProblem(claim, value);
    if (problem) {
      return problem;
    }
    identified = identified || ['repository', 'repository_owner', 'repository_id', 'repository_owner_id'].includes(claim);
  }
  for (const sub of [claims.sub, boundSubject]) {
    if (sub !== undefined) {
      if (sub.startsWith('repo:') && subjectOwner(sub) === undefined) {
        return `sub ${JSON.stringify(sub)} must keep a literal "repo:<owner>/<name>" prefix`;
      }
      identified = identified || subjectOwner(sub) !== undefined;
    }
  }
  if (!identified) {
    return 'a role on GitHub\'s issuer must bind a literal repository or owner (repository, repository_owner, repository_id, '
      + 'repository_owner_id, or sub "repo:<owner>/<name>…"): any workflow of any repository can get a token from GitHub, '
      + 'with any audience it asks for';
  }
  return undefined;
}

/** GitHub Actions' token host (github.com and GitHub Enterprise Cloud) and GitHub Enterprise Server's issuer path. */
const GITHUB_TOKEN_HOST = 'token.actions.githubusercontent.com';

/**
 * True when `url` is GitHub Actions' issuer or key source in any spelling: the host compared without case and
 * trailing dot, any scheme and path (`…/<enterprise-slug>`, `/.well-known/jwks`), or a GHES `/_services/token` path.
 */
export function isGitHubActionsUrl(url: string): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#:]+)(?::\d+)?([^?#]*)/i.exec(url.trim());
  if (!m) {
    return false;
  }
  const host = m[1].toLowerCase().replace(/\.+$/, '');
  return host === GITHUB_TOKEN_HOST || /\/_services\/token\/*$/i.test(m[2]);
}

/** Problem with a GitHub `environment` binding: a literal name (a glob admits environments anyone with write access creates). */
export function githubEnvironmentProblem(environment: string): string | undefined {
  if (environment.includes('*')) {
    return `environment ${JSON.stringify(environment)} is a glob: anyone who can push to the repository can create an environment `
      + 'that matches it (without protection rules) and log in; bind the environment by its exact name';
  }
  return undefined;
}

/**
 * Problem with the ref binding of a role on GitHub's issuer: a literal ref (`refs/heads/…`/`refs/tags/…`) or a
 * literal environment must be bound, as a claim or in a subject `repo:<owner>/<name>:ref:<ref>` /
 * `repo:<owner>/<name>:environment:<name>`; every ref or environment that is bound must have that form. Without it
 * every branch, tag and pull-request build of the repository logs in.
 */
export function githubRefBindingProblem(claims: { [claim: string]: string }, boundSubject: string | undefined): string | undefined {
  let bound = false;
  if (claims.ref !== undefined) {
    const problem = githubRefProblem(claims.ref);
    if (problem) {
      return problem;
    }
    bound = true;
  }
  if (claims.environment !== undefined) {
    const problem = githubEnvironmentProblem(claims.environment);
    if (problem) {
      return problem;
    }
    bound = true;
  }
  for (const sub of [claims.sub, boundSubject]) {
    const m = sub === undefined ? null : /^repo:[^:*?]+:(ref|environment):(.+)$/.exec(sub);
    if (m) {
      const problem = m[1] === 'ref' ? githubRefProblem(m[2]) : githubEnvironmentProblem(m[2]);
      if (problem) {
        return `sub ${JSON.stringify(sub)}: ${problem}`;
      }
      bound = true;
    }
  }
  if (!bound) {
    return 'bind a ref (e.g. "refs/heads/main") or an environment (a ref or environment claim, or a subject '
      + '"repo:<owner>/<name>:ref:<ref>"): without either, every branch, tag, pull-request build and environment of the '
      + 'repository logs in; to allow that on purpose give anyRefReason';
  }
  return undefined;
}
