import { IConstruct } from 'constructs';
import { TerraformStack, Token } from 'cdktf';
import { fail, failOnProblems } from '../../core/errors';
import { validateVaultPath } from '../../core/vault-names';
import { hasBrand } from './brand';
import { checkNestedMount, claim, lookup } from './registry';

/** Validate an auth backend path and claim it in the stack (auth paths are their own namespace in Vault). */
export function claimAuthPath(owner: IConstruct, path: string): void {
  failOnProblems(owner, 'vault-name', validateVaultPath('auth backend path', path));
  claim(owner, 'auth', path, 'duplicate-path', 'auth backend path');
  checkNestedMount(owner, 'auth', path);
}

/**
 * The backend already declared at `path` in the stack of `scope`, or a new one with defaults at the stack root: auth
 * backends are created once per stack and path, and shared by every workload that logs in through them. `className`
 * is the backend's class, recognised by its brand, so a backend made by another copy of Keyward is found too.
 */
export function sharedBackend<T extends IConstruct>(
  scope: IConstruct,
  path: string,
  className: string,
  create: (stack: TerraformStack, id: string) => T,
): T {
  const existing = lookup(scope, 'auth', path);
  if (existing) {
    if (!hasBrand(existing, className)) {
      fail(scope, 'auth-backend-type', `auth path ${JSON.stringify(path)} is already used by ${existing.node.path}, which is not a ${className}`);
    }
    return existing as T;
  }
  const stack = TerraformStack.of(scope);
  return create(stack, `${className}-${path.replace(/\//g, '-')}`);
}

/** A lifecycle block that prevents destroying, unless the caller opted out by name. */
export function lifecycleFor(allowDestroy: boolean | undefined): { preventDestroy: boolean } {
  return { preventDestroy: allowDestroy !== true };
}

/** A PEM block as Vault stores it, without leading or trailing whitespace (else every plan shows a diff). */
export function trimPem(pem: string): string {
  return Token.isUnresolved(pem) ? pem : pem.trim();
}
