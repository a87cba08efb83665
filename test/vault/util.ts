import 'cdktf/lib/testing/adapters/jest';
import { App, TerraformStack, Testing } from 'cdktf';
import { VaultStack } from '../../lib/vault';

Testing.setupJest();

/** A fresh VaultStack named "stack" in a testing app. */
export function newStack(): TerraformStack {
  return new VaultStack(Testing.app(), 'stack');
}

/** Synthesize a stack and parse it. */
export function synthJson(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack));
}

/** The resources of one type in a synthesized stack, as a list. */
export function resources(stack: TerraformStack, type: string): any[] {
  return Object.values(synthJson(stack).resource?.[type] ?? {});
}

/** A regexp that matches a Keyward error naming `path` and `rule`. */
export function keywardError(path: string, rule: string): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${esc(path)}: .*\\[keyward:${esc(rule)}\\]$`);
}

export { App };
