import { policyRuleProblem } from './private/policy';

/**
 * One `path` block of a Vault policy.
 */
export interface VaultPolicyRule {
  /** The Vault API path, e.g. `kv/data/app/db` (a trailing `/*` only for prefix grants). */
  readonly path: string;
  /** Capabilities on that path, e.g. `["read"]`. */
  readonly capabilities: string[];
}

// Vault's own order in its docs; anything unknown sorts after, alphabetically.
const CAPABILITY_ORDER = ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo', 'deny', 'subscribe', 'recover'];

function capabilityRank(c: string): number {
  const i = CAPABILITY_ORDER.indexOf(c);
  return i === -1 ? CAPABILITY_ORDER.length : i;
}

function sortCapabilities(caps: Iterable<string>): string[] {
  return [...caps].sort((a, b) => capabilityRank(a) - capabilityRank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The text of a Vault policy, rendered in TypeScript so that it can be unit-tested and read by whoever made a grant.
 *
 * Rules for the same path are merged (union of capabilities); paths are sorted (plain string order) and
 * capabilities follow Vault's documented order, so the text is the same whatever order grants were made in.
 * Adding a rule is O(1) and rendering is cached until the next change, so a workload granted thousands of
 * paths stays cheap to synthesize.
 */
export class VaultPolicyDocument {
  /** Render a list of rules as policy HCL (merged, sorted). An empty list renders as an empty string. */
  public static renderRules(rules: VaultPolicyRule[]): string {
    const doc = new VaultPolicyDocument();
    for (const r of rules) {
      doc.addRule(r);
    }
    return doc.render();
  }

  private readonly byPath = new Map<string, Set<string>>();
  private cached?: string;

  /** Add a rule (merged with any rule already on the same path). */
  public addRule(rule: VaultPolicyRule): void {
    const problem = policyRuleProblem(rule.path, rule.capabilities);
    if (problem) {
      throw new Error(`${problem} [keyward:policy-rule]`);
    }
    let caps = this.byPath.get(rule.path);
    if (!caps) {
      caps = new Set();
      this.byPath.set(rule.path, caps);
    }
    for (const c of rule.capabilities) {
      if (!caps.has(c)) {
        caps.add(c);
        this.cached = undefined;
      }
    }
  }

  /** Number of distinct paths. */
  public get pathCount(): number {
    return this.byPath.size;
  }

  /** The merged rules, sorted by path. */
  public get rules(): VaultPolicyRule[] {
    return [...this.byPath.keys()].sort().map((path) => ({ path, capabilities: sortCapabilities(this.byPath.get(path)!) }));
  }

  /**
   * The policy HCL: one block per path, separated by a blank line, ending with a newline.
   *
   * ```hcl
   * path "kv/data/app/db" {
   *   capabilities = ["read"]
   * }
   * ```
   */
  public render(): string {
    if (this.cached === undefined) {
      this.cached = this.rules
        .map((r) => `path "${r.path}" {\n  capabilities = [${r.capabilities.map((c) => `"${c}"`).join(', ')}]\n}\n`)
        .join('\n');
    }
    return this.cached;
  }
}
