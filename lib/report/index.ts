// `keyward report`: who can read and write each secret and key, computed from synthesized output.
import * as fs from 'fs';
import * as path from 'path';
import { loadSynthOutput } from '../guard/private/loss/load';
import { awsAccess } from './aws';
import { readTemplates } from './aws-assembly';
import { AccessReport, normalize } from './model';
import { vaultAccess } from './vault';

export { AccessReport } from './model';
export { AccessDiff, diffReports } from './diff';
export { renderDiff, renderJson, renderMarkdown, renderMermaid } from './render';

/**
 * The access report of one or more synthesized outputs (cdk.out, templates, cdktf.out, cdk.tf.json). Throws
 * `KeywardInputError` on input that cannot be read.
 */
export function accessReport(sources: string[]): AccessReport {
  const targets = new Set<string>();
  const parts: AccessReport[] = sources.map((source) => {
    const loaded = loadSynthOutput(source);
    targets.add(loaded.target);
    return loaded.target === 'cloudformation' ? awsAccess(readTemplates(source)) : vaultAccess(loaded.resources, vaultServers(source));
  });
  const workloads = new Map(parts.flatMap((p) => p.workloads).map((w) => [w.id, w]));
  return normalize({
    sources,
    targets: [...targets].sort(),
    resources: parts.flatMap((p) => p.resources),
    workloads: [...workloads.values()],
    warnings: parts.flatMap((p) => p.warnings),
  });
}

/**
 * The Vault server each Terraform stack of an output talks to: its `vault` provider's address and namespace (as
 * written, unresolved references included). Stacks with the same server are one Vault: policies, auth backends and
 * roles of one apply to paths of the other.
 */
function vaultServers(source: string): Map<string, string> {
  const files: { stack: string; file: string }[] = [];
  const read = (file: string): any => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return undefined;
    }
  };
  if (fs.statSync(source).isFile()) {
    files.push({ stack: path.basename(path.dirname(path.resolve(source))), file: source });
  } else {
    const manifest = fs.existsSync(path.join(source, 'manifest.json')) ? read(path.join(source, 'manifest.json')) : undefined;
    if (manifest?.stacks) {
      for (const [name, st] of Object.entries(manifest.stacks) as [string, any][]) {
        files.push({ stack: name, file: path.join(source, st.synthesizedStackPath) });
      }
    } else if (fs.existsSync(path.join(source, 'cdk.tf.json'))) {
      files.push({ stack: path.basename(path.resolve(source)), file: path.join(source, 'cdk.tf.json') });
    } else if (fs.existsSync(path.join(source, 'stacks'))) {
      for (const name of fs.readdirSync(path.join(source, 'stacks'))) {
        files.push({ stack: name, file: path.join(source, 'stacks', name, 'cdk.tf.json') });
      }
    }
  }
  const servers = new Map<string, string>();
  for (const { stack, file } of files) {
    const vault = read(file)?.provider?.vault;
    const configs: any[] = Array.isArray(vault) ? vault : vault ? [vault] : [{}];
    const main = configs.find((c) => c?.alias === undefined) ?? configs[0] ?? {};
    servers.set(stack, `${main?.address ?? '(VAULT_ADDR)'} namespace ${main?.namespace ?? '(root)'}`);
  }
  return servers;
}
