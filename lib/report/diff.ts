// `keyward report --diff`: the access two reports differ by, and whether any of it grew.
import { AccessReport, ReportAccess, ReportResource, ReportWorkload } from './model';

/** One difference in access. */
export interface AccessChange {
  /** `added` and `widened` grow access; `removed` and `narrowed` shrink it. */
  readonly change: 'added' | 'removed' | 'widened' | 'narrowed';
  /**
   * `read` or `write` of a resource, `binding` of a workload (who may become it), or `escalation`: a new way for the
   * workload to grant itself access.
   */
  readonly access: 'read' | 'write' | 'binding' | 'escalation';
  readonly resource?: string;
  readonly resourceName?: string;
  readonly workload: string;
  readonly workloadKind: string;
  readonly details: string[];
}

export interface AccessDiff {
  /**
   * True when any access was added or widened, or something new could not be evaluated (then nothing proves that
   * access did not grow).
   */
  readonly widened: boolean;
  readonly changes: AccessChange[];
  /** Items the new output has that the report could not evaluate (its warnings) and the old one did not have. */
  readonly newlyNotEvaluated: string[];
}

/** Fields of a binding that list who is trusted (more is wider); every other field restricts (more values is wider). */
const additive = (field: string) => field.startsWith('principal ');

/** How the binding of a workload changed: widened details and narrowed details. */
export function compareBinding(before: ReportWorkload['binding'], after: ReportWorkload['binding']): { wider: string[]; narrower: string[] } {
  const wider: string[] = [];
  const narrower: string[] = [];
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const b = before[field];
    const a = after[field];
    if (field.startsWith('trust ')) {
      // The trust anchor (issuer, keys, CA, host): any change lets other signers' tokens in.
      if ((b ?? []).join('\n') !== (a ?? []).join('\n')) {
        wider.push(`${field}: ${b?.join(', ') ?? 'none'} → ${a?.join(', ') ?? 'none'}`);
      }
      continue;
    }
    if (b === undefined) {
      (additive(field) ? wider : narrower).push(`${field} added: ${a!.join(', ')}`);
    } else if (a === undefined) {
      (additive(field) ? narrower : wider).push(`${field} no longer bound (was ${b.join(', ')})`);
    } else {
      const added = a.filter((v) => !b.includes(v));
      const gone = b.filter((v) => !a.includes(v));
      if (added.length > 0) {
        wider.push(`${field}: ${b.join(', ')} → ${a.join(', ')}`);
      } else if (gone.length > 0) {
        narrower.push(`${field}: ${b.join(', ')} → ${a.join(', ')}`);
      }
    }
  }
  return { wider, narrower };
}

/**
 * Whether every caller one alternative accepts is accepted by another (`wide`): each trusted principal of `narrow` is
 * one `wide` trusts, and every restriction of `wide` is in `narrow` with no value `wide` does not allow.
 */
function implies(wide: { [field: string]: string[] }, narrow: { [field: string]: string[] }): boolean {
  for (const [field, values] of Object.entries(narrow)) {
    if (additive(field) && !values.every((v) => (wide[field] ?? []).includes(v))) {
      return false;
    }
  }
  for (const [field, values] of Object.entries(wide)) {
    if (!additive(field) && (narrow[field] === undefined || !narrow[field].every((v) => values.includes(v)))) {
      return false;
    }
  }
  return true;
}

const alternativeText = (b: { [field: string]: string[] }) => Object.entries(b).map(([k, v]) => `${k}: ${v.join(', ')}`).join('; ') || 'no restriction';

/**
 * How the binding of a workload changed. Alternatives (trust-policy statements) are OR-ed: a new one that no old one
 * implies widens, whatever it restricts; one removed, or made stricter, narrows.
 */
export function compareWorkloadBinding(before: ReportWorkload, after: ReportWorkload): { wider: string[]; narrower: string[] } {
  if (before.alternatives === undefined && after.alternatives === undefined) {
    return compareBinding(before.binding, after.binding);
  }
  const olds = before.alternatives ?? [before.binding];
  const news = after.alternatives ?? [after.binding];
  const wider = news.filter((a) => !olds.some((o) => implies(o, a))).map((a) => `new trust statement not covered by the old ones: ${alternativeText(a)}`);
  const narrower = wider.length > 0 ? [] : olds.filter((o) => !news.some((a) => implies(a, o))).map((o) => `trust statement removed or restricted: ${alternativeText(o)}`);
  return { wider, narrower };
}

function crossAccount(w: ReportWorkload, r: ReportResource): string | undefined {
  return w.account !== undefined && r.account !== undefined && w.account !== r.account ? w.account : undefined;
}

/** Compare two access reports. */
export function diffReports(before: AccessReport, after: AccessReport): AccessDiff {
  const changes: AccessChange[] = [];
  const oldResources = new Map(before.resources.map((r) => [r.id, r]));
  const newResources = new Map(after.resources.map((r) => [r.id, r]));
  const oldWorkloads = new Map(before.workloads.map((w) => [w.id, w]));
  const newWorkloads = new Map(after.workloads.map((w) => [w.id, w]));
  const workload = (id: string, side: Map<string, ReportWorkload>): ReportWorkload => side.get(id) ?? { id, kind: 'unknown', name: id, binding: {} };

  const compareAccess = (resource: ReportResource, mode: 'read' | 'write', olds: ReportAccess[], news: ReportAccess[], isNew: boolean) => {
    const oldBy = new Map(olds.map((a) => [a.workload, a]));
    const newBy = new Map(news.map((a) => [a.workload, a]));
    for (const a of news) {
      const w = workload(a.workload, newWorkloads);
      const base = { access: mode, resource: resource.id, resourceName: resource.name, workload: w.id, workloadKind: w.kind } as const;
      const o = oldBy.get(a.workload);
      if (!o) {
        const foreign = crossAccount(w, resource);
        changes.push({
          ...base, change: 'added', details: [
            isNew ? `new ${resource.kind} with this ${mode === 'read' ? 'reader' : 'writer'}` : `new ${mode === 'read' ? 'reader' : 'writer'}`,
            ...(foreign ? [`new cross-account principal (account ${foreign})`] : []),
            ...(a.wildcard ? [`matched by a wildcard: ${a.matched.join(', ')}`] : []),
            `allowed by ${a.via.join('; ')}`,
          ],
        });
        continue;
      }
      const wider: string[] = [];
      const narrower: string[] = [];
      if (a.wildcard && !o.wildcard) {
        wider.push(`now matched by a wildcard: ${a.matched.join(', ')} (was ${o.matched.join(', ')})`);
      } else if (!a.wildcard && o.wildcard) {
        narrower.push(`now matched exactly: ${a.matched.join(', ')} (was ${o.matched.join(', ')})`);
      }
      if (a.certainty === 'yes' && o.certainty === 'maybe') {
        wider.push('now unconditional');
      } else if (a.certainty === 'maybe' && o.certainty === 'yes') {
        narrower.push(`now conditional: ${a.notes.join('; ')}`);
      }
      // A condition the access depended on (of an Allow, or a Deny that may apply) that is gone or changed may let
      // more requests through: a widening, even when the access stays conditional.
      const conditions = (x: ReportAccess) => x.notes.filter((note) => note.startsWith('depends on '));
      for (const gone of conditions(o).filter((c) => !conditions(a).includes(c))) {
        wider.push(gone.startsWith('depends on a Deny') ? `a Deny it depended on was removed or changed: ${gone.slice('depends on '.length)}` : `a condition was removed or changed: ${gone.slice('depends on '.length)}`);
      }
      if (wider.length > 0) {
        changes.push({ ...base, change: 'widened', details: wider });
      } else if (narrower.length > 0) {
        changes.push({ ...base, change: 'narrowed', details: narrower });
      }
    }
    for (const o of olds) {
      if (!newBy.has(o.workload)) {
        const w = workload(o.workload, oldWorkloads);
        changes.push({
          change: 'removed', access: mode, resource: resource.id, resourceName: resource.name, workload: w.id, workloadKind: w.kind,
          details: [newResources.has(resource.id) ? `no longer ${mode === 'read' ? 'reads' : 'writes'}` : `${resource.kind} removed`],
        });
      }
    }
  };

  for (const r of after.resources) {
    const o = oldResources.get(r.id);
    compareAccess(r, 'read', o?.readers ?? [], r.readers, !o);
    compareAccess(r, 'write', o?.writers ?? [], r.writers, !o);
  }
  for (const o of before.resources) {
    if (!newResources.has(o.id)) {
      compareAccess(o, 'read', o.readers, [], false);
      compareAccess(o, 'write', o.writers, [], false);
    }
  }
  const withAccess = new Set(after.resources.flatMap((r) => [...r.readers, ...r.writers].map((a) => a.workload)));
  for (const w of after.workloads) {
    const o = oldWorkloads.get(w.id);
    const newEscalation = (w.escalation ?? []).filter((e) => !(o?.escalation ?? []).includes(e));
    if (newEscalation.length > 0) {
      changes.push({ change: 'widened', access: 'escalation', workload: w.id, workloadKind: w.kind, details: newEscalation.map((e) => `can grant itself access: ${e}`) });
    }
    if (!o || !withAccess.has(w.id)) {
      continue;
    }
    const { wider, narrower } = compareWorkloadBinding(o, w);
    if (wider.length > 0) {
      changes.push({ change: 'widened', access: 'binding', workload: w.id, workloadKind: w.kind, details: wider });
    } else if (narrower.length > 0) {
      changes.push({ change: 'narrowed', access: 'binding', workload: w.id, workloadKind: w.kind, details: narrower });
    }
  }
  const order = { widened: 0, added: 1, narrowed: 2, removed: 3 };
  changes.sort((a, b) => order[a.change] - order[b.change] || (a.resource ?? '').localeCompare(b.resource ?? '') || a.workload.localeCompare(b.workload));
  const newlyNotEvaluated = after.warnings.filter((w) => !before.warnings.includes(w));
  return { widened: newlyNotEvaluated.length > 0 || changes.some((c) => c.change === 'added' || c.change === 'widened'), changes, newlyNotEvaluated };
}
