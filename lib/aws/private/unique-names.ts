// Internal: names that must be unique per account and region (secret names, key aliases) across every stack of one app.
import { Stack, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { fail } from '../../core/errors';

const REGISTRY_ID = 'KeywardUniqueNames';

/**
 * The names claimed in one app, kept in the construct tree (a child of the root) rather than in a module-level map,
 * so that two copies of the package in one app still see each other's names.
 */
export class UniqueNames extends Construct {
  public static of(scope: IConstruct): UniqueNames {
    const root = scope.node.root;
    return (root.node.tryFindChild(REGISTRY_ID) as UniqueNames | undefined) ?? new UniqueNames(root as Construct, REGISTRY_ID);
  }

  /** `<kind>|<account>|<region>|<name>` → path of the construct that claimed it. */
  public readonly claims = new Map<string, string>();
  /** Access ids (workloads and groups) in lower case → the id as given and who has it. */
  public readonly accessIds = new Map<string, { id: string; owner: string }>();
  /** Keyward secrets of the app (for the CodeBuild aspect). */
  public readonly secrets: IConstruct[] = [];
  /** Whether the CodeBuild aspect was added to the app. */
  public codeBuildAspect = false;
}

/** Where a name lives: the account and region of `scope`'s stack, or another region of that account (a replica). */
export function whereOf(scope: IConstruct, region?: string): { account: string; region: string } {
  const stack = Stack.of(scope);
  return { account: stack.account, region: region ?? stack.region };
}

/**
 * Claim `name` of kind `kind` in the account and region of `scope` (or `region`); throws with `rule` when another
 * construct of the app has it. An env-agnostic account or region counts as one unknown value: two env-agnostic stacks
 * of one app are usually deployed to the same account, so their names clash too.
 */
export function claimUniqueName(scope: IConstruct, kind: string, name: string, rule: string, region?: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  const where = whereOf(scope, region);
  const shown = (v: string) => (Token.isUnresolved(v) ? '(env-agnostic)' : v);
  const key = [kind, shown(where.account), shown(where.region), name].join('|');
  const registry = UniqueNames.of(scope);
  const other = registry.claims.get(key);
  if (other !== undefined && other !== scope.node.path) {
    fail(scope, rule, `${kind} "${name}" is already used by ${other} in account ${shown(where.account)}, region ${shown(where.region)}; `
      + `a ${kind} is unique per account and region, so the second would fail to deploy`);
  }
  registry.claims.set(key, scope.node.path);
}
