import { IConstruct } from 'constructs';
import { Aspects, TerraformLocal, TerraformOutput, TerraformProvider, TerraformStack, TerraformVariable } from 'cdktf';
import { sortFinding } from './acknowledgements';
import { runRules, toFinding } from './evaluate';
import { Finding, formatFinding } from './finding';
import { TERRAFORM_DATA_LOSS_RULES, TERRAFORM_PLAINTEXT_RULES } from './packs';
import { GuardRule, TfBlock } from './rule';

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

/** Every block of a Terraform JSON document, as rules see it. */
export function terraformBlocks(doc: { [key: string]: any }): TfBlock[] {
  const out: TfBlock[] = [];
  for (const kind of ['resource', 'data'] as const) {
    for (const [type, byName] of Object.entries(doc[kind] ?? {})) {
      for (const [name, body] of Object.entries(byName as object)) {
        out.push({ kind, type, name, address: `${kind === 'data' ? 'data.' : ''}${type}.${name}`, body: body as any, document: doc });
      }
    }
  }
  for (const [type, configs] of Object.entries(doc.provider ?? {})) {
    (Array.isArray(configs) ? configs : [configs]).forEach((body: any, i: number) =>
      out.push({ kind: 'provider', type, name: body?.alias ?? String(i), address: `provider.${type}${body?.alias ? `.${body.alias}` : ''}`, body, document: doc }),
    );
  }
  for (const [type, body] of Object.entries(doc.terraform?.backend ?? {})) {
    out.push({ kind: 'backend', type, name: type, address: `terraform.backend.${type}`, body: body as any, document: doc });
  }
  for (const kind of ['variable', 'output'] as const) {
    for (const [name, body] of Object.entries(doc[kind] ?? {})) {
      out.push({ kind, name, address: `${kind === 'variable' ? 'var' : 'output'}.${name}`, body: body as any, document: doc });
    }
  }
  for (const [name, value] of Object.entries(doc.locals ?? {})) {
    out.push({ kind: 'locals', name, address: `local.${name}`, body: { [name]: value }, document: doc });
  }
  return out;
}

/**
 * Check one Terraform JSON document. Construct paths come from the `//` metadata cdktf writes on every block;
 * acknowledgements are looked up on that construct (found under `root`) and its ancestors.
 */
export function checkTerraform(doc: { [key: string]: any }, rules: readonly GuardRule<TfBlock>[], root: IConstruct | undefined, stackPath: string): { findings: Finding[]; acknowledged: Finding[] } {
  const byPath = new Map<string, IConstruct>();
  for (const c of root?.node.findAll() ?? []) {
    byPath.set(c.node.path, c);
  }
  const out = { findings: [] as Finding[], acknowledged: [] as Finding[] };
  for (const { element, rule, hit } of runRules(terraformBlocks(doc), rules)) {
    const metaPath: string | undefined = element.body?.['//']?.metadata?.path ?? elementPath(root, element);
    const constructPath = metaPath ?? `${stackPath}/${element.address}`;
    const construct = (metaPath ? byPath.get(metaPath) : undefined) ?? (root ? byPath.get(stackPath) : undefined);
    const finding = toFinding(rule as GuardRule<unknown>, hit, constructPath, element.address);
    sortFinding(finding, construct, out);
  }
  return out;
}

/**
 * Keyward's synth-time guard for CDK for Terraform: an aspect that, on every TerraformStack it visits, adds a
 * validation over the stack's synthesized Terraform JSON (every string attribute of resources, data sources,
 * providers, backends, variable defaults, outputs and locals; Vault KV `data_json` / `data_json_wo`; Vault mounts,
 * secrets and transit keys without prevent_destroy). Findings fail `app.synth()`; acknowledge one per construct with
 * `GuardAcknowledgements.acknowledge(construct, ruleId, reason)`.
 *
 * cdktf runs aspects per stack, starting at the stack: add the guard to each stack (aspects added to the App are not
 * invoked by cdktf 0.21), or call `TerraformGuard.applyTo(app)` once all stacks exist.
 *
 * @example
 * Aspects.of(stack).add(new TerraformGuard());
 */
export class TerraformGuard {
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

/** cdktf writes no `//` metadata on providers, variables, outputs and locals: find their constructs. */
function elementPath(root: IConstruct | undefined, block: TfBlock): string | undefined {
  const matches = (c: IConstruct): boolean => {
    switch (block.kind) {
      case 'provider':
        return c instanceof TerraformProvider && c.terraformResourceType === block.type && (c.alias ?? '0') === (block.body?.alias ?? '0');
      case 'variable':
        return c instanceof TerraformVariable && c.friendlyUniqueId === block.name;
      case 'output':
        return c instanceof TerraformOutput && c.friendlyUniqueId === block.name;
      case 'locals':
        return c instanceof TerraformLocal && c.friendlyUniqueId === block.name;
      default:
        return false;
    }
  };
  return root?.node.findAll().find(matches)?.node.path;
}

function rulesFor(props: TerraformGuardProps): GuardRule<TfBlock>[] {
  return [...(props.plaintext ?? true ? TERRAFORM_PLAINTEXT_RULES : []), ...(props.dataLoss ?? true ? TERRAFORM_DATA_LOSS_RULES : [])];
}
