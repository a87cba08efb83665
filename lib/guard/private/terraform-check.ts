import { IConstruct } from 'constructs';
import { TerraformElement, TerraformOutput, TerraformProvider } from 'cdktf';
import { sortFinding } from './acknowledgements';
import { runRules, toFinding } from './evaluate';
import { Finding } from '../finding';
import { GuardRule, TfBlock } from './rule';

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
  for (const [name, body] of Object.entries(doc.module ?? {})) {
    out.push({ kind: 'module', name, address: `module.${name}`, body: body as any, document: doc });
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
 * cdktf writes no `//` metadata on providers, variables, outputs and locals: find their constructs. With cdktf's type
 * guards (`Symbol.for` brands), not `instanceof`, so elements made by a second copy of cdktf in the app are found too.
 * Variables and locals have no guard in cdktf 0.21: they are the element whose own `toTerraform()` (public API) writes
 * that block, which holds for every copy and never matches another kind of element.
 */
function elementPath(root: IConstruct | undefined, block: TfBlock): string | undefined {
  const writes = (c: TerraformElement, section: 'variable' | 'locals'): boolean =>
    c.friendlyUniqueId === block.name && Object.prototype.hasOwnProperty.call(c.toTerraform()?.[section] ?? {}, block.name);
  const matches = (c: IConstruct): boolean => {
    switch (block.kind) {
      case 'provider':
        return TerraformProvider.isTerraformProvider(c) && c.terraformResourceType === block.type && (c.alias ?? '0') === (block.body?.alias ?? '0');
      case 'variable':
        return TerraformElement.isTerraformElement(c) && writes(c, 'variable');
      case 'output':
        return TerraformOutput.isTerraformOutput(c) && c.friendlyUniqueId === block.name;
      case 'locals':
        return TerraformElement.isTerraformElement(c) && writes(c, 'locals');
      default:
        return false;
    }
  };
  return root?.node.findAll().find(matches)?.node.path;
}
