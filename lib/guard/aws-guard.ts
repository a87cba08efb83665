import * as fs from 'fs';
import * as path from 'path';
import { IPolicyValidationContext, IPolicyValidationPlugin, NestedStack, PolicyValidationPluginReport, PolicyViolation, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { checkTemplate } from './private/aws-check';
import { checkOutputFiles } from './private/file-check';
import { nestedTemplates } from './private/loss/load';
import { Finding } from './finding';
import { ALL_RULE_IDS, AWS_DATA_LOSS_RULES, AWS_PLAINTEXT_RULES } from './private/packs';
import { CfnElement, GuardRule } from './private/rule';

/** Options of the AWS guard. */
export interface AwsGuardProps {
  /**
   * Report plaintext secrets in the synthesized templates.
   * @default true
   */
  readonly plaintext?: boolean;
  /**
   * Report secrets and keys synthesized with DeletionPolicy Delete.
   * @default true
   */
  readonly dataLoss?: boolean;
  /**
   * Also read every other file of the cloud assembly (asset manifests incl. Docker build arguments, stack metadata,
   * manifest.json, staged asset files and directories) for plaintext secrets. Only with `plaintext`.
   * @default true
   */
  readonly assemblyFiles?: boolean;
}

/**
 * Keyward's synth-time guard for AWS CDK apps: a CDK validation plugin (like cdk-nag 3) that inspects every synthesized
 * template for plaintext secrets (Lambda/ECS/CodeBuild environments, user data, parameter defaults incl. NoEcho ones,
 * outputs, tags, SSM String parameters, SecretString literals, custom resources, any other property, descriptions,
 * metadata and mappings, literal arguments of every non-reference intrinsic), every other file of the cloud assembly
 * (asset manifests incl. Docker build arguments, metadata, staged assets), and for secrets and keys that would be
 * deleted with the stack. docs/detection.md says exactly what is and is not read. Findings fail synth; acknowledge one per construct with
 * `Validations.of(construct).acknowledge({ id, reason })` or `GuardAcknowledgements.acknowledge(...)`.
 *
 * @example
 * Validations.of(app).addPlugins(new AwsGuard());
 */
export class AwsGuard implements IPolicyValidationPlugin {
  /** Shown in the validation report; acknowledgements may also use the `Keyward::<rule id>` form. */
  public readonly name = 'Keyward';
  public readonly version?: string = '0.1.0';
  public readonly ruleIds?: string[] = ALL_RULE_IDS;

  private readonly rules: GuardRule<CfnElement>[];
  private readonly assemblyFiles: boolean;
  private lastFindings: Finding[] = [];
  private lastAcknowledged: Finding[] = [];

  constructor(props: AwsGuardProps = {}) {
    this.rules = [...(props.plaintext ?? true ? AWS_PLAINTEXT_RULES : []), ...(props.dataLoss ?? true ? AWS_DATA_LOSS_RULES : [])];
    this.assemblyFiles = (props.plaintext ?? true) && (props.assemblyFiles ?? true);
  }

  /** Unacknowledged findings of the last validation (including reasonless acknowledgements). */
  public get findings(): Finding[] {
    return [...this.lastFindings];
  }

  /** Findings of the last validation that were acknowledged with a reason. */
  public get acknowledged(): Finding[] {
    return [...this.lastAcknowledged];
  }

  /** Called by the CDK at synth with every stack's template. */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const findings: Finding[] = [];
    const acknowledged: Finding[] = [];
    for (const st of context.stackTemplates) {
      const stack = findStack(context.appConstruct, st.stackConstructPath);
      const template = JSON.parse(fs.readFileSync(st.templatePath, 'utf-8'));
      for (const t of withNested(st.templatePath, template, stack, st.stackConstructPath)) {
        const result = checkTemplate(t.template, this.rules, t.stack, t.stackPath);
        findings.push(...result.findings);
        acknowledged.push(...result.acknowledged);
      }
    }
    if (this.assemblyFiles) {
      // The plugin runs once the assembly is written: every template's directory holds the assets and manifests.
      for (const dir of new Set(context.stackTemplates.map((st) => path.dirname(st.templatePath)))) {
        const result = checkOutputFiles(dir, context.appConstruct);
        findings.push(...result.findings);
        acknowledged.push(...result.acknowledged);
      }
    }
    this.lastFindings = findings;
    this.lastAcknowledged = acknowledged;
    return { success: findings.length === 0, violations: toViolations(findings), pluginVersion: this.version };
  }
}

/**
 * A stack's template and those of its nested stacks (recursively): the CDK hands validation plugins only top-level
 * templates, but every NestedStack (a Keyward SecretCatalog shard) is written as `<...>.nested.template.json` next to
 * its parent and deployed with it. Each nested template is checked against its own NestedStack construct, so
 * findings carry the nested resource's construct path and acknowledgements inside the nested stack apply.
 */
function withNested(
  templatePath: string,
  template: { [key: string]: any },
  stack: Stack | undefined,
  stackPath: string,
): { template: { [key: string]: any }; stack: Stack | undefined; stackPath: string }[] {
  const out = [{ template, stack, stackPath }];
  // The nested stack constructs of this template, by the logical id of their AWS::CloudFormation::Stack resource.
  const byResource = new Map<string, NestedStack>();
  if (stack) {
    for (const c of ownNestedStacks(stack)) {
      if (c.nestedStackParent === stack && c.nestedStackResource) {
        byResource.set(stack.getLogicalId(c.nestedStackResource), c);
      }
    }
  }
  for (const nested of nestedTemplates(templatePath, template)) {
    const construct = byResource.get(nested.logicalId);
    const nestedPath = construct?.node.path ?? nested.constructPath?.replace(/\.NestedStack\/[^/]*\.NestedStackResource$/, '') ?? `${stackPath}/${nested.logicalId}`;
    const doc = JSON.parse(fs.readFileSync(nested.file, 'utf-8'));
    out.push(...withNested(nested.file, doc, construct, nestedPath));
  }
  return out;
}

/** The nested stacks directly under `scope`'s stack: the walk stops at every stack, so it never visits their contents. */
function ownNestedStacks(scope: IConstruct): NestedStack[] {
  return scope.node.children.flatMap((c) => (NestedStack.isNestedStack(c) ? [c] : Stack.isStack(c) ? [] : ownNestedStacks(c)));
}

/** The stack at a construct path, found by walking the path (not the whole tree). */
function findStack(root: IConstruct, path: string): Stack | undefined {
  let found: IConstruct | undefined = root;
  for (const id of path.split('/').filter(Boolean)) {
    found = found?.node.tryFindChild(id);
  }
  return found && Stack.isStack(found) ? found : undefined;
}

/** One violation per finding, so the CDK's report shows each property path and masked value. */
function toViolations(findings: Finding[]): PolicyViolation[] {
  return findings.map((f) => ({
    ruleName: f.ruleId,
    description: f.propertyPath ? `${f.description} at ${f.propertyPath} (${f.detail}${f.maskedValue ? `: ${f.maskedValue}` : ''})` : f.description,
    fix: f.fix,
    severity: 'error',
    violatingResources: [{ constructPath: f.constructPath, locations: [f.propertyPath || 'Metadata'] }],
  }));
}
