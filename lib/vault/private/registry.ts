import { IConstruct } from 'constructs';
import { TerraformStack } from 'cdktf';
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
