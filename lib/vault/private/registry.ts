import { Construct, IConstruct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { fail } from '../../core/errors';

/**
 * Layout of {@link VaultRegistry}: the fields below are read and written by every copy of Keyward loaded in the app (a
 * `file:` dependency, a monorepo link), so a change to them is a new layout number.
 */
const LAYOUT = 1;
const BRAND = Symbol.for('keyward.vault.VaultRegistry');

/**
 * Bookkeeping of the Vault names Keyward creates, so that duplicates are caught at construction (two mounts at one
 * path, two secrets at one name, two policies with one name) and shared things (auth backends, the transit engine) are
 * found instead of created twice. Maps, not tree walks: lookups stay O(1) with thousands of secrets.
 *
 * It is a child construct of the stack (or, for app-wide names, of the app), found by id and recognised by a
 * `Symbol.for` brand rather than `instanceof`, so a second copy of Keyward in the app shares it. A plain `Construct`:
 * it adds nothing to cdk.tf.json.
 */
export class VaultRegistry extends Construct {
  /** Whether `x` is a registry made by any copy of Keyward (of any layout). */
  public static isVaultRegistry(x: unknown): x is VaultRegistry {
    return x !== null && typeof x === 'object' && BRAND in x;
  }

  /** The registry with `id` under `parent`, if one was created. */
  public static find(parent: IConstruct, id: string): VaultRegistry | undefined {
    const existing = parent.node.tryFindChild(id);
    if (existing === undefined) {
      return undefined;
    }
    if (!VaultRegistry.isVaultRegistry(existing)) {
      fail(existing, 'vault-registry', `the id ${JSON.stringify(id)} is reserved for Keyward's Vault bookkeeping and this construct is not it (a construct of the app, or one an older copy of Keyward made): rename it, or load one version of keyward (npm ls keyward)`);
    }
    const layout = (existing as unknown as { [BRAND]: unknown })[BRAND];
    if (layout !== LAYOUT) {
      fail(existing, 'vault-registry', `Keyward's Vault bookkeeping here has layout ${String(layout)}, made by another version of Keyward; this copy reads layout ${LAYOUT}: load one version of keyward (npm ls keyward)`);
    }
    return existing;
  }

  /** The registry with `id` under `parent`, created on first use. */
  public static of(parent: IConstruct, id: string): VaultRegistry {
    return VaultRegistry.find(parent, id) ?? new VaultRegistry(parent, id);
  }

  /** Constructs by `kind\u0000key` (and, app-wide, `namespace\u0000kind\u0000key`). */
  public readonly names = new Map<string, IConstruct>();
  /** Mount paths by table (`mount`, `auth`). */
  public readonly mounts = new Map<string, Array<{ path: string; owner: IConstruct }>>();
  /** The SOPS files of the stack (`SopsFileVariables`), in the order they were declared. */
  public readonly sopsFiles: Array<IConstruct & { execCommand(terraformCommand: string): string }> = [];

  private constructor(scope: IConstruct, id: string) {
    super(scope as Construct, id);
    Object.defineProperty(this, BRAND, { value: LAYOUT });
  }
}

const STACK_ID = 'KeywardVaultRegistry';
// The id the app-wide names had before this registry: an older copy looks for its `names` map there and shares it.
const APP_ID = 'KeywardVaultNames';

/** The registry of the stack of `scope`, created on first use. */
export function stackRegistry(scope: IConstruct): VaultRegistry {
  return VaultRegistry.of(TerraformStack.of(scope), STACK_ID);
}

/** The registry of the stack of `scope`, if anything was registered in it. */
export function findStackRegistry(scope: IConstruct): VaultRegistry | undefined {
  return VaultRegistry.find(TerraformStack.of(scope), STACK_ID);
}

/** The construct registered under `kind`/`key` in the stack of `scope`, if any. */
export function lookup(scope: IConstruct, kind: string, key: string): IConstruct | undefined {
  return findStackRegistry(scope)?.names.get(`${kind}\u0000${key}`);
}

/** Register `owner` under `kind`/`key`; a second registration fails with `rule`, naming both constructs. */
export function claim(owner: IConstruct, kind: string, key: string, rule: string, what: string): void {
  const reg = stackRegistry(owner).names;
  const k = `${kind}\u0000${key}`;
  const existing = reg.get(k);
  if (existing && existing !== owner) {
    fail(owner, rule, `${what} ${JSON.stringify(key)} is already declared by ${existing.node.path}`);
  }
  reg.set(k, owner);
}

/**
 * Refuse a mount path nested in another one of the same kind (`platform` and `platform/team`): Vault rejects the
 * second mount at apply ("path is already in use"), after the first was created. `kind` separates secrets engines
 * (`mount`) from auth methods (`auth`), which Vault mounts in separate tables.
 */
export function checkNestedMount(owner: IConstruct, kind: string, path: string): void {
  const kinds = stackRegistry(owner).mounts;
  const list = kinds.get(kind) ?? [];
  kinds.set(kind, list);
  for (const other of list) {
    if (other.owner !== owner && other.path !== path && (path.startsWith(`${other.path}/`) || other.path.startsWith(`${path}/`))) {
      const what = kind === 'auth' ? 'auth backend path' : 'mount path';
      fail(owner, 'nested-mount', `${what} ${JSON.stringify(path)} is nested with ${JSON.stringify(other.path)} of ${other.owner.node.path}: `
        + 'Vault refuses a mount inside another mount at apply');
    }
  }
  list.push({ path, owner });
}

/**
 * Register `owner` under `kind`/`key` across every stack of the app that works in the same Vault namespace; a second
 * registration by another construct fails with `rule`, naming both. Policies and roles per auth path are one thing in
 * Vault whichever stack declares them: two Vault stacks of one app usually apply to one Vault, where the later apply
 * silently rewrites the earlier stack's policy or role. Kept in a registry under the app's root.
 */
export function claimInApp(owner: IConstruct, kind: string, key: string, rule: string, what: string): void {
  const stack = TerraformStack.of(owner);
  const namespace = (stack as { vaultNamespace?: string }).vaultNamespace ?? '';
  const reg = VaultRegistry.of(stack.node.root, APP_ID).names;
  const k = `${namespace}\u0000${kind}\u0000${key}`;
  const existing = reg.get(k);
  if (existing && existing !== owner) {
    const where = TerraformStack.of(existing) === stack ? '' : ` (stack ${TerraformStack.of(existing).node.id}: one Vault, so the later apply would rewrite it)`;
    fail(owner, rule, `${what} ${JSON.stringify(key)} is already declared by ${existing.node.path}${where}`);
  }
  reg.set(k, owner);
}
