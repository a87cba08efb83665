// Reading a CloudFormation output for the access report: every template of a cdk.out (stages and nested stacks
// included) with its environment, and a resolver of intrinsics within the assembly (Ref, Fn::GetAtt, Fn::Join,
// Fn::Sub, Fn::Select, Fn::Split, Fn::FindInMap, Fn::ImportValue across stacks, nested-stack parameters and outputs).
import * as fs from 'fs';
import * as path from 'path';
import { KeywardInputError } from '../guard/private/loss/input-error';
import { nestedTemplates } from '../guard/private/loss/load';
import { UNKNOWN_CHAR } from './aws-policy';

/** One template of the assembly. */
export interface Template {
  /** `Stack` or `Stack/NestedLogicalId/...`. */
  readonly stack: string;
  readonly file: string;
  readonly doc: any;
  readonly account?: string;
  readonly region?: string;
  /** The parent template and the logical id of the `AWS::CloudFormation::Stack` that creates this one. */
  readonly parent?: { template: Template; logicalId: string };
  /** Construct paths by logical id, from the cloud assembly's metadata (there even when templates carry no path metadata). */
  readonly paths?: Map<string, string>;
  /** Every (construct path, logical id) of the top-level stack artifact, nested stacks included. */
  readonly entries?: [string, string][];
}

/** (construct path, logical id) of every CloudFormation element, from a stack artifact's metadata (inline or in its file). */
function logicalIdsOf(dir: string, artifact: any): [string, string][] {
  const meta = artifact.metadata ?? (artifact.additionalMetadataFile ? readDoc(path.join(dir, artifact.additionalMetadataFile)) : {});
  const out: [string, string][] = [];
  for (const [p, entries] of Object.entries(meta ?? {}) as [string, any[]][]) {
    for (const e of Array.isArray(entries) ? entries : []) {
      if (e?.type === 'aws:cdk:logicalId' && typeof e.data === 'string') {
        out.push([p.replace(/^\//, ''), e.data]);
      }
    }
  }
  return out;
}

/**
 * Logical id to construct path for the template whose constructs live under `scope` (a top-level stack: every entry;
 * a nested stack: entries under its construct path). A logical id repeated in a deeper nested stack has the longer path.
 */
function pathsUnder(entries: [string, string][], scope: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const [p, id] of entries) {
    if ((scope === undefined || p.startsWith(`${scope}/`)) && (!out.has(id) || p.length < out.get(id)!.length)) {
      out.set(id, p);
    }
  }
  return out;
}

function readDoc(file: string): any {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch (e) {
    throw new KeywardInputError(`cannot read ${file} as JSON: ${(e as Error).message}`);
  }
}

function envOf(artifact: any): { account?: string; region?: string } {
  const m = /^aws:\/\/([^/]+)\/(.+)$/.exec(String(artifact?.environment ?? ''));
  const known = (v: string | undefined) => (v === undefined || v.startsWith('unknown-') ? undefined : v);
  return { account: known(m?.[1]), region: known(m?.[2]) };
}

function withNested(t: Template, seen: Set<string>): Template[] {
  const resolved = path.resolve(t.file);
  if (seen.has(resolved)) {
    throw new KeywardInputError(`${t.file}: nested stacks refer to each other in a cycle`);
  }
  const out = [t];
  for (const n of nestedTemplates(t.file, t.doc)) {
    // The nested stack's constructs live under the construct that owns its AWS::CloudFormation::Stack resource
    // (`<scope>.NestedStack/<scope>.NestedStackResource`).
    const resourcePath = n.constructPath ?? t.paths?.get(n.logicalId);
    const scope = resourcePath?.replace(/^\//, '').replace(/\.NestedStack\/[^/]+\.NestedStackResource$/, '');
    const child: Template = {
      stack: `${t.stack}/${n.logicalId}`, file: n.file, doc: readDoc(n.file), account: t.account, region: t.region, parent: { template: t, logicalId: n.logicalId },
      entries: t.entries, paths: t.entries && scope ? pathsUnder(t.entries, scope) : undefined,
    };
    out.push(...withNested(child, new Set([...seen, resolved])));
  }
  return out;
}

function cdkOut(dir: string, manifest: any): Template[] {
  const out: Template[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {}) as [string, any][]) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      const file = path.join(dir, artifact.properties.templateFile);
      const entries = logicalIdsOf(dir, artifact);
      out.push({ stack: artifact.displayName ?? artifact.properties.stackName ?? id, file, doc: readDoc(file), ...envOf(artifact), entries, paths: pathsUnder(entries, undefined) });
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      const nested = path.join(dir, artifact.properties.directoryName);
      out.push(...cdkOut(nested, readDoc(path.join(nested, 'manifest.json'))));
    }
  }
  return out;
}

/**
 * The templates of a CloudFormation output already checked by `loadSynthOutput`: a cdk.out, a directory of
 * templates or one template file. Nested stacks follow their parent.
 */
export function readTemplates(source: string): Template[] {
  let top: Template[];
  if (fs.statSync(source).isFile()) {
    top = [{ stack: path.basename(source).replace(/\.template\.json$|\.json$/, ''), file: source, doc: readDoc(source) }];
  } else if (fs.existsSync(path.join(source, 'manifest.json')) && readDoc(path.join(source, 'manifest.json')).artifacts) {
    top = cdkOut(source, readDoc(path.join(source, 'manifest.json')));
  } else {
    top = fs.readdirSync(source).filter((n) => n.endsWith('.template.json') && !n.endsWith('.nested.template.json'))
      .map((n) => ({ stack: n.replace(/\.template\.json$/, ''), file: path.join(source, n), doc: readDoc(path.join(source, n)) }));
  }
  return top.flatMap((t) => withNested(t, new Set()));
}

/** True when a resolved string still holds an unresolved part. */
export function unresolved(s: string): boolean {
  return s.includes('«');
}

/** Resolves intrinsics of every template of one assembly. */
export class Resolver {
  private readonly exports = new Map<string, { template: Template; value: unknown }>();
  private readonly children = new Map<string, Template>();
  private depth = 0;

  constructor(public readonly templates: Template[]) {
    for (const t of templates) {
      if (t.parent) {
        this.children.set(`${t.parent.template.stack}\u0000${t.parent.logicalId}`, t);
      }
    }
    for (const t of templates) {
      for (const o of Object.values(t.doc.Outputs ?? {}) as any[]) {
        if (o?.Export?.Name !== undefined) {
          const name = this.str(o.Export.Name, t);
          this.exports.set(name, { template: t, value: o.Value });
        }
      }
    }
  }

  /** A stack without a concrete environment deploys where the CLI points: taken as one account and region for all such stacks. */
  public account(t: Template): string {
    return t.account ?? '«AWS::AccountId»';
  }

  public region(t: Template): string {
    return t.region ?? '«AWS::Region»';
  }

  public partition(t: Template): string {
    const r = t.region ?? '';
    return r.startsWith('cn-') ? 'aws-cn' : r.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  }

  /** Resolve a value to a string (lists joined by commas, as CloudFormation does for list parameters). */
  public str(v: unknown, t: Template): string {
    const r = this.resolve(v, t);
    if (typeof r === 'string') {
      return r;
    }
    if (Array.isArray(r)) {
      return r.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(',');
    }
    return r === undefined ? '' : typeof r === 'object' ? `«${JSON.stringify(r)}»` : String(r);
  }

  /** Resolve every intrinsic in a value (a policy document, a property). */
  public resolve(v: unknown, t: Template): unknown {
    if (Array.isArray(v)) {
      return v.map((x) => this.resolve(x, t)).filter((x) => x !== NO_VALUE);
    }
    if (v === null || typeof v !== 'object') {
      return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
    }
    const keys = Object.keys(v);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      if (this.depth > 50) {
        return `«${keys[0]} too deep»`;
      }
      this.depth++;
      try {
        return this.intrinsic(keys[0], (v as any)[keys[0]], t);
      } finally {
        this.depth--;
      }
    }
    const out: { [k: string]: unknown } = {};
    for (const k of keys) {
      const r = this.resolve((v as any)[k], t);
      if (r !== NO_VALUE) {
        out[k] = r;
      }
    }
    return out;
  }

  private intrinsic(fn: string, arg: any, t: Template): unknown {
    switch (fn) {
      case 'Ref':
        return this.ref(String(arg), t);
      case 'Fn::GetAtt': {
        const [id, ...attr] = Array.isArray(arg) ? arg.map((x: unknown) => this.str(x, t)) : String(arg).split('.');
        return this.getAtt(id, attr.join('.'), t);
      }
      case 'Fn::Join': {
        const parts = this.resolve(arg?.[1], t);
        return (Array.isArray(parts) ? parts : [parts]).map((p) => (typeof p === 'string' ? p : this.str(p, t))).join(this.str(arg?.[0], t));
      }
      case 'Fn::Sub':
        return this.sub(arg, t);
      case 'Fn::Select': {
        const items = this.resolve(arg?.[1], t);
        const i = Number(this.str(arg?.[0], t));
        return Array.isArray(items) && items[i] !== undefined ? items[i] : `«Fn::Select»`;
      }
      case 'Fn::Split': {
        const s = this.str(arg?.[1], t);
        return unresolved(s) ? [s] : s.split(this.str(arg?.[0], t));
      }
      case 'Fn::FindInMap': {
        const [m, k1, k2] = (arg as unknown[]).map((x) => this.str(x, t));
        const found = t.doc.Mappings?.[m]?.[k1]?.[k2];
        return found === undefined ? `«Fn::FindInMap ${m}»` : this.resolve(found, t);
      }
      case 'Fn::ImportValue': {
        const name = this.str(arg, t);
        const e = this.exports.get(name);
        return e ? this.resolve(e.value, e.template) : `«Fn::ImportValue ${name}»`;
      }
      case 'Fn::Base64':
        return this.str(arg, t);
      case 'Fn::GetAZs':
        return [`«AZ of ${t.stack}»`];
      default:
        return `«${fn}»`;
    }
  }

  private sub(arg: any, t: Template): string {
    const [text, vars] = Array.isArray(arg) ? [String(arg[0]), arg[1] ?? {}] : [String(arg), {}];
    return text.replace(/\$\{(!?)([^}]+)\}/g, (_m, bang: string, name: string) => {
      if (bang) {
        return `\${${name}}`;
      }
      if (name in vars) {
        return this.str(vars[name], t);
      }
      const dot = name.indexOf('.');
      return dot > 0 && !name.startsWith('AWS::') ? this.str(this.getAtt(name.slice(0, dot), name.slice(dot + 1), t), t) : this.str(this.ref(name, t), t);
    });
  }

  public ref(id: string, t: Template): unknown {
    switch (id) {
      case 'AWS::Partition':
        return this.partition(t);
      case 'AWS::AccountId':
        return this.account(t);
      case 'AWS::Region':
        return this.region(t);
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return t.stack.split('/')[0];
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    const param = t.doc.Parameters?.[id];
    if (param) {
      if (t.parent) {
        const given = t.parent.template.doc.Resources?.[t.parent.logicalId]?.Properties?.Parameters?.[id];
        if (given !== undefined) {
          return this.resolve(given, t.parent.template);
        }
      }
      return param.Default !== undefined ? this.resolve(param.Default, t) : `«parameter ${id} of ${t.stack}»`;
    }
    const r = t.doc.Resources?.[id];
    if (!r) {
      return `«Ref ${id} of ${t.stack}»`;
    }
    switch (r.Type) {
      case 'AWS::SecretsManager::Secret':
        return this.secretArn(id, t);
      case 'AWS::IAM::Role':
      case 'AWS::IAM::User':
      case 'AWS::IAM::Group':
        return this.iamName(id, t);
      case 'AWS::IAM::ManagedPolicy':
        return this.managedPolicyArn(id, t);
      case 'AWS::KMS::Key':
        return this.keyId(id, t);
      case 'AWS::KMS::Alias':
        return this.str(r.Properties?.AliasName, t);
      default:
        return `«Ref ${t.stack}/${id}»`;
    }
  }

  public getAtt(id: string, attr: string, t: Template): unknown {
    const r = t.doc.Resources?.[id];
    if (r?.Type === 'AWS::CloudFormation::Stack' && attr.startsWith('Outputs.')) {
      const child = this.children.get(`${t.stack}\u0000${id}`);
      const out = child?.doc.Outputs?.[attr.slice('Outputs.'.length)];
      return child && out ? this.resolve(out.Value, child) : `«${t.stack}/${id}.${attr}»`;
    }
    switch (`${r?.Type}.${attr}`) {
      case 'AWS::IAM::Role.Arn':
      case 'AWS::IAM::User.Arn':
      case 'AWS::IAM::Group.Arn':
        return this.iamArn(id, t);
      case 'AWS::KMS::Key.Arn':
        return this.keyArn(id, t);
      case 'AWS::KMS::Key.KeyId':
        return this.keyId(id, t);
      case 'AWS::IAM::ManagedPolicy.PolicyArn':
        return this.managedPolicyArn(id, t);
      case 'AWS::SecretsManager::Secret.Id':
        return this.secretArn(id, t);
      default:
        return `«${t.stack}/${id}.${attr}»`;
    }
  }

  /** Name of a role, user or group: its name property, or a placeholder standing for the generated one. */
  public iamName(id: string, t: Template): string {
    const p = t.doc.Resources[id].Properties ?? {};
    const given = p.RoleName ?? p.UserName ?? p.GroupName;
    return given !== undefined ? this.str(given, t) : `«name of ${t.stack}/${id}»`;
  }

  public iamArn(id: string, t: Template): string {
    const r = t.doc.Resources[id];
    const kind = r.Type === 'AWS::IAM::Role' ? 'role' : r.Type === 'AWS::IAM::User' ? 'user' : 'group';
    const p = r.Properties?.Path !== undefined ? this.str(r.Properties.Path, t) : '/';
    return `arn:${this.partition(t)}:iam::${this.account(t)}:${kind}${p}${this.iamName(id, t)}`;
  }

  public managedPolicyArn(id: string, t: Template): string {
    const p = t.doc.Resources[id].Properties ?? {};
    const name = p.ManagedPolicyName !== undefined ? this.str(p.ManagedPolicyName, t) : `«name of ${t.stack}/${id}»`;
    const pathPart = p.Path !== undefined ? this.str(p.Path, t) : '/';
    return `arn:${this.partition(t)}:iam::${this.account(t)}:policy${pathPart}${name}`;
  }

  public keyId(id: string, t: Template): string {
    return `«key id of ${t.stack}/${id}»`;
  }

  public keyArn(id: string, t: Template): string {
    return `arn:${this.partition(t)}:kms:${this.region(t)}:${this.account(t)}:key/${this.keyId(id, t)}`;
  }

  public secretName(id: string, t: Template): string {
    const name = t.doc.Resources[id].Properties?.Name;
    return name !== undefined ? this.str(name, t) : `«name of ${t.stack}/${id}»`;
  }

  /** The secret's ARN, its random 6-character suffix unknown. */
  public secretArn(id: string, t: Template): string {
    return `arn:${this.partition(t)}:secretsmanager:${this.region(t)}:${this.account(t)}:secret:${this.secretName(id, t)}-${UNKNOWN_CHAR.repeat(6)}`;
  }
}

/** `Ref: AWS::NoValue`: the property is left out. */
const NO_VALUE = Symbol('AWS::NoValue') as unknown as string;
