import * as fs from 'fs';
import * as path from 'path';
import { KeywardInputError } from './input-error';

/** Which kind of synthesized output a path holds. */
export type Target = 'cloudformation' | 'terraform';

/** One resource of a synthesized output, target-neutral. */
export interface LoadedResource {
  readonly stack: string;
  /** CloudFormation logical id or Terraform address (`vault_mount.kv`). */
  readonly address: string;
  readonly type: string;
  readonly properties: { [key: string]: any };
  readonly constructPath?: string;
  /** DeletionPolicy (CloudFormation) or lifecycle (Terraform) attributes. */
  readonly deletionPolicy?: string;
  readonly updateReplacePolicy?: string;
  readonly preventDestroy: boolean;
}

/** Terraform `moved` blocks: state is carried from `from` to `to`. */
export interface MovedBlock {
  readonly stack: string;
  readonly from: string;
  readonly to: string;
}

export interface LoadedOutput {
  readonly target: Target;
  readonly source: string;
  readonly stacks: string[];
  readonly resources: LoadedResource[];
  readonly moved: MovedBlock[];
  /** Loaded from a single template/configuration file: its stack name is only the file's name. */
  readonly singleFile: boolean;
}

/**
 * Why a path cannot be read as a file, or undefined when it is a regular file. Checked before reading: a FIFO would
 * block the read forever, a directory fails with EISDIR, and root reads files whatever their mode, so only these
 * (and broken symbolic links) are unreadable for every user.
 */
function notAFile(file: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    return brokenLink(file) ?? `cannot read ${file}: ${(e as Error).message}`;
  }
  if (stat.isDirectory()) {
    return `${file} is a directory where a JSON file is expected`;
  }
  return stat.isFile() ? undefined : `${file} is not a regular file (${kindOf(stat)}): cannot read it as JSON`;
}

function brokenLink(p: string): string | undefined {
  try {
    if (fs.lstatSync(p).isSymbolicLink()) {
      return `${p} is a broken symbolic link (to ${fs.readlinkSync(p)})`;
    }
  } catch {
    // not there at all
  }
  return undefined;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function kindOf(stat: fs.Stats): string {
  return stat.isFIFO() ? 'a FIFO' : stat.isSocket() ? 'a socket' : stat.isCharacterDevice() ? 'a character device' : stat.isBlockDevice() ? 'a block device' : 'not a file';
}

function readJson(file: string): any {
  const problem = notAFile(file);
  if (problem) {
    throw new KeywardInputError(problem);
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf-8');
  } catch (e) {
    throw new KeywardInputError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    const hint = /^\s*(AWSTemplateFormatVersion|Resources|Description)\s*:/m.test(text) ? ' (YAML templates are not supported: synthesize to JSON)' : '';
    throw new KeywardInputError(`${file} is not JSON${hint}`);
  }
}

function isCfnTemplate(doc: any): boolean {
  return doc !== null && typeof doc === 'object' && !Array.isArray(doc) && (typeof doc.Resources === 'object' || 'AWSTemplateFormatVersion' in doc);
}

function isTerraformDoc(doc: any): boolean {
  return doc !== null && typeof doc === 'object' && !Array.isArray(doc) && !('Resources' in doc) && ['terraform', 'resource', 'provider', 'data', 'variable', 'output'].some((k) => k in doc);
}

/**
 * Nested stacks of a CloudFormation template (`AWS::CloudFormation::Stack`) whose template was synthesized next to it
 * (`<...>.nested.template.json`), found by the resource's `aws:asset:path` metadata or, when asset metadata is off,
 * by the asset hash in its TemplateURL looked up in the asset manifests of the same directory. A nested stack whose
 * template is not in the output (a TemplateURL to an object Keyward did not synthesize) is not followed.
 */
export function nestedTemplates(templateFile: string, doc: any): { logicalId: string; file: string; constructPath?: string }[] {
  const dir = path.dirname(templateFile);
  let assets: Map<string, string> | undefined;
  const assetPath = (hash: string): string | undefined => {
    if (!assets) {
      assets = new Map();
      let names: string[] = [];
      try {
        names = fs.readdirSync(dir).filter((n) => n.endsWith('.assets.json'));
      } catch {
        // no directory listing: only aws:asset:path metadata can be followed
      }
      for (const n of names) {
        const manifest = readJson(path.join(dir, n));
        for (const [h, a] of Object.entries(manifest?.files ?? {}) as [string, any][]) {
          if (typeof a?.source?.path === 'string') {
            assets.set(h, a.source.path);
          }
        }
      }
    }
    return assets.get(hash);
  };
  const out: { logicalId: string; file: string; constructPath?: string }[] = [];
  for (const [logicalId, r] of Object.entries(doc?.Resources ?? {}) as [string, any][]) {
    if (r?.Type !== 'AWS::CloudFormation::Stack') {
      continue;
    }
    let rel: string | undefined = typeof r.Metadata?.['aws:asset:path'] === 'string' ? r.Metadata['aws:asset:path'] : undefined;
    if (!rel) {
      const hash = /([0-9a-f]{64})\.json/.exec(JSON.stringify(r.Properties?.TemplateURL ?? ''))?.[1];
      rel = hash ? assetPath(hash) : undefined;
    }
    if (!rel) {
      continue;
    }
    const file = path.join(dir, rel);
    if (!fs.existsSync(file)) {
      throw new KeywardInputError(`${templateFile}: nested stack ${logicalId} refers to ${rel}, which is not in the output`);
    }
    out.push({ logicalId, file, constructPath: r.Metadata?.['aws:cdk:path'] });
  }
  return out;
}

/**
 * Resources of a template and of its nested stacks, recursively. A nested stack's resources belong to the stack
 * `<parent stack>/<nested stack logical id>`: CloudFormation creates and deletes them with that nested stack, so a
 * secret moving between two shards of a catalog is a delete in one nested stack and a create in the other.
 */
function cfnResourcesDeep(stack: string, file: string, doc: any, seen: Set<string> = new Set()): LoadedResource[] {
  const resolved = path.resolve(file);
  if (seen.has(resolved)) {
    throw new KeywardInputError(`${file}: nested stacks refer to each other in a cycle`);
  }
  const out = cfnResources(stack, doc);
  for (const nested of nestedTemplates(file, doc)) {
    const nestedDoc = readJson(nested.file);
    if (!isCfnTemplate(nestedDoc)) {
      throw new KeywardInputError(`${nested.file} (nested stack ${nested.logicalId} of ${stack}) is not a CloudFormation template`);
    }
    out.push(...cfnResourcesDeep(`${stack}/${nested.logicalId}`, nested.file, nestedDoc, new Set([...seen, resolved])));
  }
  return out;
}

function cfnResources(stack: string, doc: any): LoadedResource[] {
  return Object.entries(doc.Resources ?? {}).map(([logicalId, r]: [string, any]) => ({
    stack,
    address: logicalId,
    type: String(r?.Type),
    properties: r?.Properties ?? {},
    constructPath: r?.Metadata?.['aws:cdk:path'],
    deletionPolicy: r?.DeletionPolicy,
    updateReplacePolicy: r?.UpdateReplacePolicy,
    preventDestroy: false,
  }));
}

function terraformResources(stack: string, doc: any): { resources: LoadedResource[]; moved: MovedBlock[] } {
  const resources: LoadedResource[] = [];
  for (const [type, byName] of Object.entries(doc.resource ?? {})) {
    for (const [name, body] of Object.entries(byName as object)) {
      const { ['//']: meta, lifecycle, ...properties } = body as any;
      resources.push({ stack, address: `${type}.${name}`, type, properties, constructPath: meta?.metadata?.path, preventDestroy: lifecycle?.prevent_destroy === true });
    }
  }
  const moved = (Array.isArray(doc.moved) ? doc.moved : []).map((m: any) => ({ stack, from: String(m.from), to: String(m.to) }));
  return { resources, moved };
}

/** Templates of a cdk.out directory, following nested cloud assemblies (stages). */
function cdkOutTemplates(dir: string, manifest: any): { stack: string; file: string }[] {
  const out: { stack: string; file: string }[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {}) as [string, any][]) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      out.push({ stack: artifact.displayName ?? artifact.properties.stackName ?? id, file: path.join(dir, artifact.properties.templateFile) });
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      const nested = path.join(dir, artifact.properties.directoryName);
      out.push(...cdkOutTemplates(nested, readJson(path.join(nested, 'manifest.json'))));
    }
  }
  return out;
}

/**
 * Load a synthesized output: a cdk.out directory, a CloudFormation template file, a directory of `*.template.json`,
 * a cdktf.out directory, a cdktf stack directory or a `cdk.tf.json` file.
 */
export function loadSynthOutput(source: string): LoadedOutput {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(source);
  } catch {
    throw new KeywardInputError(brokenLink(source) ?? `${source} does not exist`);
  }
  if (!stat.isFile() && !stat.isDirectory()) {
    throw new KeywardInputError(`${source} is not a regular file or a directory (${kindOf(stat)})`);
  }
  const cfn: { stack: string; file: string }[] = [];
  const tf: { stack: string; file: string }[] = [];
  if (stat.isFile()) {
    const doc = readJson(source);
    if (isCfnTemplate(doc)) {
      return fromFiles(source, [{ stack: path.basename(source).replace(/\.template\.json$|\.json$/, ''), file: source }], [], true);
    }
    if (isTerraformDoc(doc)) {
      return fromFiles(source, [], [{ stack: path.basename(path.dirname(path.resolve(source))), file: source }], true);
    }
    throw new KeywardInputError(`${source} is neither a CloudFormation template nor a Terraform JSON configuration`);
  }
  let entries: string[];
  try {
    entries = fs.readdirSync(source);
  } catch (e) {
    throw new KeywardInputError(`cannot read directory ${source}: ${(e as Error).message}`);
  }
  if (entries.length === 0) {
    throw new KeywardInputError(`${source} is an empty directory`);
  }
  const manifestFile = path.join(source, 'manifest.json');
  const manifest = entries.includes('manifest.json') ? readJson(manifestFile) : undefined;
  if (manifest?.artifacts) {
    cfn.push(...cdkOutTemplates(source, manifest));
  } else if (manifest?.stacks) {
    for (const [name, s] of Object.entries(manifest.stacks) as [string, any][]) {
      tf.push({ stack: name, file: path.join(source, s.synthesizedStackPath) });
    }
  } else if (entries.includes('cdk.tf.json')) {
    tf.push({ stack: path.basename(path.resolve(source)), file: path.join(source, 'cdk.tf.json') });
  } else if (entries.includes('stacks') && isDirectory(path.join(source, 'stacks'))) {
    for (const name of fs.readdirSync(path.join(source, 'stacks'))) {
      const file = path.join(source, 'stacks', name, 'cdk.tf.json');
      if (fs.existsSync(file)) {
        tf.push({ stack: name, file });
      }
    }
  } else {
    // Nested stack templates are followed from their parents, not loaded as stacks of their own.
    for (const e of entries.filter((n) => n.endsWith('.template.json') && !n.endsWith('.nested.template.json'))) {
      cfn.push({ stack: e.replace(/\.template\.json$/, ''), file: path.join(source, e) });
    }
  }
  if (cfn.length === 0 && tf.length === 0) {
    throw new KeywardInputError(
      `no synthesized output in ${source} (expected a cdk.out with manifest.json, *.template.json, a cdktf.out or a cdk.tf.json)`,
    );
  }
  return fromFiles(source, cfn, tf);
}

function fromFiles(source: string, cfn: { stack: string; file: string }[], tf: { stack: string; file: string }[], singleFile = false): LoadedOutput {
  if (cfn.length > 0 && tf.length > 0) {
    throw new KeywardInputError(`${source} mixes CloudFormation and Terraform output`);
  }
  const resources: LoadedResource[] = [];
  const moved: MovedBlock[] = [];
  for (const { stack, file } of cfn) {
    const doc = readJson(file);
    if (!isCfnTemplate(doc)) {
      throw new KeywardInputError(`${file} is not a CloudFormation template`);
    }
    resources.push(...cfnResourcesDeep(stack, file, doc));
  }
  for (const { stack, file } of tf) {
    const doc = readJson(file);
    if (!isTerraformDoc(doc)) {
      throw new KeywardInputError(`${file} is not a Terraform JSON configuration`);
    }
    const r = terraformResources(stack, doc);
    resources.push(...r.resources);
    moved.push(...r.moved);
  }
  return {
    target: cfn.length > 0 ? 'cloudformation' : 'terraform',
    source,
    stacks: [...cfn, ...tf].map((s) => s.stack),
    resources,
    moved,
    singleFile,
  };
}
