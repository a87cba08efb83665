import { IConstruct } from 'constructs';
import { Construct } from 'constructs';
import { App, TerraformStack } from 'cdktf';
import { fail } from '../../core/errors';

/**
 * Per-stack bookkeeping of the Vault names Keyward creates, so that duplicates are caught at construction (two mounts
 * at one path, two secrets at one name, two policies with one name) and shared things (auth backends, the transit
 * engine) are found instead of created twice. Maps, not tree walks: lookups stay O(1) with thousands of secrets.
 */
const registries = new WeakMap<TerraformStack, Map<string, IConstruct>>();

function registryOf(scope: IConstruct): Map<string, IConstruct> {
  const stack = TerraformStack.of(scope);
  let reg = registries.get(stack);
  if (!reg) {
    reg = new Map();
    registries.set(stack, reg);
  }
  return reg;
}

/** The construct registered under `kind`/`key` in the stack of `scope`, if any. */
export function lookup(scope: IConstruct, kind: string, key: string): IConstruct | undefined {
  return registryOf(scope).get(`${kind}\u0000${key}`);
}

/** Register `owner` under `kind`/`key`; a second registration fails with `rule`, naming both constructs. */
export function claim(owner: IConstruct, kind: string, key: string, rule: string, what: string): void {
  const reg = registryOf(owner);
  const k = `${kind}\u0000${key}`;
  const existing = reg.get(k);
  if (existing && existing !== owner) {
    fail(owner, rule, `${what} ${JSON.stringify(key)} is already declared by ${existing.node.path}`);
  }
  reg.set(k, owner);
}

const mountPaths = new WeakMap<TerraformStack, Map<string, Array<{ path: string; owner: IConstruct }>>>();

/**
 * Refuse a mount path nested in another one of the same kind (`platform` and `platform/team`): Vault rejects the
 * second mount at apply ("path is already in use"), after the first was created. `kind` separates secrets engines
 * (`mount`) from auth methods (`auth`), which Vault mounts in separate tables.
 */
export function checkNestedMount(owner: IConstruct, kind: string, path: string): void {
  const stack = TerraformStack.of(owner);
  let kinds = mountPaths.get(stack);
  if (!kinds) {
    kinds = new Map();
    mountPaths.set(stack, kinds);
  }
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
 * Names that are one thing in Vault whichever stack declares them: policies, and roles per auth path. Two Vault stacks
 * of one app usually apply to one Vault, where the later apply silently rewrites the earlier stack's policy or role.
 * Kept in a singleton child of the App (found by id, so a second copy of this package shares it), keyed by the
 * stack's Vault namespace.
 */
class AppVaultNames extends Construct {
  public readonly names = new Map<string, IConstruct>();
}

const APP_NAMES_ID = 'KeywardVaultNames';

function appNames(scope: IConstruct): Map<string, IConstruct> {
  const stack = TerraformStack.of(scope);
  const root = stack.node.scope ? App.of(stack) : stack;
  const existing = root.node.tryFindChild(APP_NAMES_ID) as { names?: Map<string, IConstruct> } | undefined;
  if (existing?.names instanceof Map) {
    return existing.names;
  }
  return new AppVaultNames(root, APP_NAMES_ID).names;
}

/**
 * Register `owner` under `kind`/`key` across every stack of the app that works in the same Vault namespace; a second
 * registration by another construct fails with `rule`, naming both.
 */
export function claimInApp(owner: IConstruct, kind: string, key: string, rule: string, what: string): void {
  const stack = TerraformStack.of(owner);
  const namespace = (stack as { vaultNamespace?: string }).vaultNamespace ?? '';
  const reg = appNames(owner);
  const k = `${namespace}\u0000${kind}\u0000${key}`;
  const existing = reg.get(k);
  if (existing && existing !== owner) {
    const where = TerraformStack.of(existing) === stack ? '' : ` (stack ${TerraformStack.of(existing).node.id}: one Vault, so the later apply would rewrite it)`;
    fail(owner, rule, `${what} ${JSON.stringify(key)} is already declared by ${existing.node.path}${where}`);
  }
  reg.set(k, owner);
}
