import { IConstruct } from 'constructs';
import { Aspects, IAspect, TerraformStack } from 'cdktf';
import { Finding } from './finding';
import { formatFinding } from './private/format';
import { TERRAFORM_DATA_LOSS_RULES, TERRAFORM_PLAINTEXT_RULES } from './private/packs';
import { GuardRule, TfBlock } from './private/rule';
import { checkTerraform } from './private/terraform-check';

/** Options of the Terraform guard. */
export interface TerraformGuardProps {
  /**
   * Report plaintext secrets in the synthesized Terraform JSON.
   * @default true
   */
  readonly plaintext?: boolean;
  /**
   * Report Vault mounts, KV secrets and transit keys without lifecycle.prevent_destroy.
   * @default true
   */
  readonly dataLoss?: boolean;
}

/**
 * Keyward's synth-time guard for CDK for Terraform: an aspect that, on every TerraformStack it visits, adds a
 * validation over the stack's synthesized Terraform JSON (every string attribute of resources, data sources,
 * providers, backends, modules, variable defaults, outputs and locals, and the string literals inside `${...}`
 * expressions, base64decode'd literals decoded; Vault KV `data_json` / `data_json_wo`; Vault mounts, secrets and
 * transit keys without prevent_destroy). Asset files are read by `keyward scan cdktf.out`. Findings fail `app.synth()`; acknowledge one per construct with
 * `GuardAcknowledgements.acknowledge(construct, ruleId, reason)`.
 *
 * cdktf runs aspects per stack, starting at the stack: add the guard to each stack (aspects added to the App are not
 * invoked by cdktf 0.21), or call `TerraformGuard.applyTo(app)` once all stacks exist.
 *
 * @example
 * Aspects.of(stack).add(new TerraformGuard());
 */
export class TerraformGuard implements IAspect {
  /**
   * Add a guard to `scope` if it is a stack, or to every stack under it (call after the stacks are created).
   * @returns the guard
   */
  public static applyTo(scope: IConstruct, props: TerraformGuardProps = {}): TerraformGuard {
    const guard = new TerraformGuard(props);
    for (const c of [scope, ...scope.node.findAll()]) {
      if (TerraformStack.isStack(c)) {
        Aspects.of(c).add(guard);
      }
    }
    return guard;
  }

  /** Check a stack now and return its unacknowledged findings (what the validation would report). */
  public static check(stack: TerraformStack, props: TerraformGuardProps = {}): Finding[] {
    return checkTerraform(stack.toTerraform(), rulesFor(props), stack.node.root, stack.node.path).findings;
  }

  private readonly rules: GuardRule<TfBlock>[];
  private readonly guarded = new Set<TerraformStack>();

  constructor(props: TerraformGuardProps = {}) {
    this.rules = rulesFor(props);
  }

  /** Aspect entry point: adds the validation to each TerraformStack once. */
  public visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node) || this.guarded.has(node)) {
      return;
    }
    this.guarded.add(node);
    const rules = this.rules;
    node.node.addValidation({
      validate: () => checkTerraform(node.toTerraform(), rules, node.node.root, node.node.path).findings.map(formatFinding),
    });
  }
}

function rulesFor(props: TerraformGuardProps): GuardRule<TfBlock>[] {
  return [...(props.plaintext ?? true ? TERRAFORM_PLAINTEXT_RULES : []), ...(props.dataLoss ?? true ? TERRAFORM_DATA_LOSS_RULES : [])];
}
