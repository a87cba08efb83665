// `keyward report`: who can read and write each secret and key, computed from synthesized output.
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
    return loaded.target === 'cloudformation' ? awsAccess(readTemplates(source)) : vaultAccess(loaded.resources);
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
