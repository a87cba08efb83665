import { CfnElement as CdkCfnElement, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { sortFinding } from './acknowledgements';
import { runRules, toFinding } from './evaluate';
import { Finding } from '../finding';
import { CfnElement, GuardRule } from './rule';

/** Every element of a template, as rules see it. */
export function templateElements(template: { [key: string]: any }): CfnElement[] {
  const out: CfnElement[] = [];
  const top: { [key: string]: unknown } = {};
  for (const key of Object.keys(template ?? {})) {
    if (!['Resources', 'Parameters', 'Outputs', 'Mappings', 'AWSTemplateFormatVersion'].includes(key)) {
      top[key] = template[key];
    }
  }
  if (Object.keys(top).length > 0) {
    out.push({ section: 'Template', logicalId: 'Template', body: top });
  }
  for (const section of ['Resources', 'Parameters', 'Outputs', 'Mappings'] as const) {
    for (const [logicalId, body] of Object.entries(template?.[section] ?? {})) {
      if (body && typeof body === 'object') {
        out.push({ section, logicalId, type: section === 'Resources' ? (body as any).Type : undefined, body: body as any });
      }
    }
  }
  return out;
}

/**
 * Check one template. Construct paths come from the stack's construct tree (or the template's `aws:cdk:path`
 * metadata); acknowledgements are looked up on that construct and its ancestors.
 */
export function checkTemplate(
  template: { [key: string]: any },
  rules: readonly GuardRule<CfnElement>[],
  stack: Stack | undefined,
  stackPath: string,
): { findings: Finding[]; acknowledged: Finding[] } {
  // Construct lookups cost a walk of the stack's tree: done once, and only when something was found.
  let byLogicalId: Map<string, IConstruct> | undefined;
  const constructOf = (logicalId: string): IConstruct | undefined => {
    if (byLogicalId === undefined) {
      byLogicalId = new Map();
      for (const c of stack?.node.findAll() ?? []) {
        if (CdkCfnElement.isCfnElement(c) && Stack.of(c) === stack) {
          byLogicalId.set(stack.getLogicalId(c), c);
        }
      }
    }
    return byLogicalId.get(logicalId);
  };
  const out = { findings: [] as Finding[], acknowledged: [] as Finding[] };
  for (const { element, rule, hit } of runRules(templateElements(template), rules)) {
    const construct = constructOf(element.logicalId);
    const constructPath = element.section === 'Template' ? stackPath : construct?.node.path ?? element.body.Metadata?.['aws:cdk:path'] ?? `${stackPath}/${element.logicalId}`;
    const prefix = element.section === 'Resources' ? '' : element.section === 'Template' ? '' : `${element.section}.${element.logicalId}`;
    const finding = toFinding(rule as GuardRule<unknown>, hit, constructPath, prefix);
    sortFinding(finding, construct ?? stack, out);
  }
  return out;
}
