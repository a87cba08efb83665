// Text forms of the access report: Markdown (default), JSON and a Mermaid graph; and of its diff.
import { AccessDiff } from './diff';
import { AccessReport, byWorkload, ProtectedKind, ReportAccess, ReportWorkload } from './model';

const KIND: { [k in ProtectedKind]: string } = {
  'aws-secret': 'AWS secret',
  'kms-key': 'KMS key',
  'vault-kv': 'Vault KV path',
  'transit-key': 'Vault Transit key',
};

/** Markdown table cells: no pipes or newlines. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function bindingText(w: ReportWorkload): string {
  return Object.entries(w.binding).map(([k, v]) => `${k}: ${v.join(', ')}`).join('; ');
}

/** Who the workload is, in a few words: repository/ref/environment, service account/namespace, bound principals. */
const IDENTITY_FIELDS: [RegExp, string][] = [
  [/repository$/, 'repository'],
  [/\.ref$/, 'ref'],
  [/\.environment$/, 'environment'],
  [/:sub$/, 'sub'],
  [/service_account_names$/, 'service account'],
  [/service_account_namespaces$/, 'namespace'],
  [/bound_iam_principal_arns$/, 'IAM principal'],
  [/bound_account_ids$/, 'account'],
];

function identitySummary(w: ReportWorkload | undefined): string {
  const binding = Object.entries(w?.binding ?? {});
  return IDENTITY_FIELDS.flatMap(([re, label]) => binding.filter(([k]) => re.test(k)).map(([, v]) => `${label} ${v.join(', ')}`)).join(', ');
}

function accessNotes(a: ReportAccess): string {
  return [a.certainty === 'maybe' ? 'conditional' : '', a.wildcard ? `wildcard ${a.matched.join(', ')}` : '', ...a.notes].filter(Boolean).join('; ');
}

/** The report as Markdown: per resource, then per workload. */
export function renderMarkdown(report: AccessReport): string {
  const workloads = new Map(report.workloads.map((w) => [w.id, w]));
  const lines: string[] = ['# Keyward access report', '', `Computed from ${report.sources.join(', ')}.`, ''];
  lines.push('## By secret and key', '');
  for (const r of report.resources) {
    lines.push(`### ${r.name} (${KIND[r.kind]})`, '');
    lines.push(`- id: \`${r.id}\``, `- defined at: ${r.location}`);
    if (r.key) {
      lines.push(`- ${r.kind === 'vault-kv' ? 'mount' : 'key'}: ${r.key.replace(/^mount /, '')}`);
    }
    lines.push(`- rotation: ${r.rotation}`, `- retention: ${r.retention}`, ...r.notes.map((n) => `- note: ${n}`), '');
    const rows = [...r.readers.map((a) => ['read', a] as const), ...r.writers.map((a) => ['write', a] as const)];
    if (rows.length === 0) {
      lines.push('No workload can read or write it.', '');
      continue;
    }
    lines.push('| access | workload | kind | allowed by | notes |', '|---|---|---|---|---|');
    for (const [mode, a] of rows) {
      const w = workloads.get(a.workload);
      const who = identitySummary(w);
      lines.push(`| ${mode} | ${cell(w?.name ?? a.workload)}${who ? `<br>(${cell(who)})` : ''} | ${cell(w?.kind ?? '')} | ${cell(a.via.join('<br>'))} | ${cell(accessNotes(a))} |`);
    }
    lines.push('');
  }
  lines.push('## By workload', '');
  const grouped = byWorkload(report);
  if (grouped.length === 0) {
    lines.push('No workload has access to any secret or key.', '');
  }
  for (const g of grouped) {
    lines.push(`### ${g.workload.name} (${g.workload.kind})`, '');
    const binding = bindingText(g.workload);
    if (binding) {
      lines.push(`- bound by: ${binding}`, '');
    }
    lines.push('| access | resource | kind | allowed by |', '|---|---|---|---|');
    for (const [mode, list] of [['read', g.reads], ['write', g.writes]] as const) {
      for (const { resource, access } of list) {
        lines.push(`| ${mode} | ${cell(resource.name)} | ${KIND[resource.kind]} | ${cell(access.via.join('<br>'))} |`);
      }
    }
    lines.push('');
  }
  const escalating = report.workloads.filter((w) => (w.escalation ?? []).length > 0);
  if (escalating.length > 0) {
    lines.push('## Can grant itself access', '', 'Its own policies let it widen its access beyond what is listed above:', '');
    for (const w of escalating) {
      lines.push(`- ${w.name} (${w.kind}): ${w.escalation!.join('; ')}`);
    }
    lines.push('');
  }
  if (report.warnings.length > 0) {
    lines.push('## Not evaluated', '', ...report.warnings.map((w) => `- ${w}`), '');
  }
  return lines.join('\n');
}

/** The report as JSON, with the by-workload view as ids. */
export function renderJson(report: AccessReport): string {
  const byW = byWorkload(report).map((g) => ({
    workload: g.workload.id,
    reads: g.reads.map((x) => x.resource.id),
    writes: g.writes.map((x) => x.resource.id),
  }));
  return `${JSON.stringify({ ...report, byWorkload: byW }, undefined, 2)}\n`;
}

/** A Mermaid graph: workloads on the left, secrets and keys on the right; dashed edges are writes. */
export function renderMermaid(report: AccessReport): string {
  const label = (s: string) => s.replace(/"/g, '#quot;');
  const ids = new Map<string, string>();
  const node = (key: string, prefix: string) => {
    if (!ids.has(key)) {
      ids.set(key, `${prefix}${ids.size}`);
    }
    return ids.get(key)!;
  };
  const lines = ['graph LR'];
  const workloads = new Map(report.workloads.map((w) => [w.id, w]));
  for (const g of byWorkload(report)) {
    lines.push(`  ${node(`w:${g.workload.id}`, 'w')}["${label(`${g.workload.kind}: ${g.workload.name}`)}"]`);
  }
  for (const r of report.resources) {
    lines.push(`  ${node(`r:${r.id}`, 'r')}[("${label(`${KIND[r.kind]}: ${r.name}`)}")]`);
  }
  for (const r of report.resources) {
    for (const a of r.readers) {
      if (workloads.has(a.workload)) {
        lines.push(`  ${node(`w:${a.workload}`, 'w')} -- "read${a.certainty === 'maybe' ? ' (conditional)' : ''}" --> ${node(`r:${r.id}`, 'r')}`);
      }
    }
    for (const a of r.writers) {
      if (workloads.has(a.workload)) {
        lines.push(`  ${node(`w:${a.workload}`, 'w')} -. "write${a.certainty === 'maybe' ? ' (conditional)' : ''}" .-> ${node(`r:${r.id}`, 'r')}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The diff as text: one line per change, growth first. */
export function renderDiff(diff: AccessDiff): string {
  const mark = { added: '+', widened: '>', narrowed: '<', removed: '-' };
  const head = diff.widened ? `keyward report --diff: access widened${diff.changes.some((c) => c.change === 'added' || c.change === 'widened') ? '' : ' (or cannot be shown not to: something new was not evaluated)'}` : diff.changes.length > 0 ? 'keyward report --diff: access changed, nothing widened' : 'keyward report --diff: no change in access';
  const lines = [head];
  for (const c of diff.changes) {
    const what = c.access === 'binding' || c.access === 'escalation' ? `${c.access} of ${c.workload} (${c.workloadKind})` : `${c.access} ${c.resourceName} by ${c.workload} (${c.workloadKind})`;
    lines.push(`${mark[c.change]} ${c.change} ${what}: ${c.details.join('; ')}`);
  }
  for (const w of diff.newlyNotEvaluated ?? []) {
    lines.push(`? not evaluated (new): ${w}`);
  }
  return `${lines.join('\n')}\n`;
}
