import { DataLossChange, DataLossKind, DataLossReport } from '../../data-loss-change';
import { LoadedOutput, LoadedResource } from './load';
import { KeywardInputError } from './input-error';
import { protectedType } from './protected-types';

/** The report before the summary fields are added. */
export type LossReport = Omit<DataLossReport, 'safe' | 'text'>;

/** Stable JSON for comparing property values regardless of key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) {
    return `[${v.map(canonical).join(',')}]`;
  }
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as any)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

function show(v: unknown): string {
  const s = v === undefined ? '(unset)' : typeof v === 'string' ? JSON.stringify(v) : canonical(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** A resource's physical identity (its name), used to recognise the same secret under a new id or in another stack. */
function identity(r: LoadedResource): string | undefined {
  const t = protectedType(r)!;
  const parts = t.identity.map((p) => r.properties[p]);
  if (parts.length > 0 && parts.every((p) => p !== undefined)) {
    return `${r.type}|${canonical(parts)}`;
  }
  // No name: fall back to the construct path below the stack (a move keeps it, a rename does not).
  const below = r.constructPath?.split('/').slice(1).join('/');
  return below ? `${r.type}|path:${below}` : undefined;
}

function protection(r: LoadedResource, kind: DataLossKind): string | undefined {
  if (r.preventDestroy) {
    return 'lifecycle.prevent_destroy is set: terraform will refuse to apply this plan';
  }
  const policy = kind === DataLossKind.REPLACE ? r.updateReplacePolicy : r.deletionPolicy;
  if (policy === 'Retain' || policy === 'RetainExceptOnCreate') {
    return `${kind === DataLossKind.REPLACE ? 'UpdateReplacePolicy' : 'DeletionPolicy'} ${policy}: the old resource is orphaned, not destroyed, but the stack and its readers move to a new, empty one`;
  }
  return undefined;
}

/** The stack name with its top-level part renamed (nested stacks are `<stack>/<nested stack logical id>/...`). */
const restack = (stack: string, from: string, to: string) => (stack === from ? to : stack.startsWith(`${from}/`) ? `${to}${stack.slice(from.length)}` : stack);

const key = (r: { stack: string; address: string }) => `${r.stack}\u0000${r.address}`;
const where = (r: LoadedResource) => `${r.address} in stack ${r.stack}`;

/** Compare two synthesized outputs and list every protected resource that would be deleted or replaced. */
export function diffOutputs(oldOut: LoadedOutput, newIn: LoadedOutput): LossReport {
  if (oldOut.target !== newIn.target) {
    throw new KeywardInputError(`cannot compare ${oldOut.source} (${oldOut.target}) with ${newIn.source} (${newIn.target}): targets differ`);
  }
  // Two single files (old/app.template.json vs new/app-v2.template.json) are the same stack whatever their names; in
  // directories a different stack name is a different stack, and a renamed stack loses everything in it.
  const newOut = (oldOut.singleFile || newIn.singleFile) && oldOut.stacks.length === 1 && newIn.stacks.length === 1
    ? {
      ...newIn,
      resources: newIn.resources.map((r) => ({ ...r, stack: restack(r.stack, newIn.stacks[0], oldOut.stacks[0]) })),
      moved: newIn.moved.map((m) => ({ ...m, stack: oldOut.stacks[0] })),
    }
    : newIn;
  const newByKey = new Map(newOut.resources.map((r) => [key(r), r]));
  const oldKeys = new Set(oldOut.resources.map(key));
  const movedTo = new Map(newOut.moved.map((m) => [key({ stack: m.stack, address: m.from }), m.to]));
  // New resources with no old counterpart, indexed by identity: a deleted secret that reappears here was renamed or moved.
  const created = new Map<string, LoadedResource>();
  for (const r of newOut.resources) {
    if (protectedType(r) && !oldKeys.has(key(r))) {
      const id = identity(r);
      if (id) {
        created.set(id, r);
      }
    }
  }
  // Mount paths that change: every secret whose mount refers to that mount is recreated under the new path.
  const remounted = new Map<string, string>();
  const changes: DataLossChange[] = [];
  const oldProtected = oldOut.resources.filter((r) => protectedType(r));
  for (const o of oldProtected) {
    const n = newByKey.get(key(o)) ?? newByKey.get(key({ stack: o.stack, address: movedTo.get(key(o)) ?? '' }));
    if (!n) {
      const id = identity(o);
      const again = id ? created.get(id) : undefined;
      const reasons = [`${protectedType(o)!.kind} ${where(o)} is gone from the new output`];
      let kind = DataLossKind.DELETE;
      if (again && again.stack !== o.stack) {
        kind = DataLossKind.MOVE;
        reasons.push(`it appears as ${where(again)}: a move between stacks is a delete in ${o.stack} and a create in ${again.stack}`);
      } else if (again) {
        reasons.push(`it appears as ${again.address}: a new logical id/address is a create and a delete${o.type.startsWith('AWS::') ? ' (with a fixed Name the create also fails: the name is taken)' : ' (add a moved block to keep it)'}`);
      }
      changes.push({ kind, stack: o.stack, address: o.address, resourceType: o.type, constructPath: o.constructPath, reasons, protection: protection(o, DataLossKind.DELETE) });
      continue;
    }
    const reasons: string[] = [];
    if (n.type !== o.type) {
      reasons.push(`type ${o.type} -> ${n.type}`);
    }
    for (const p of protectedType(o)!.replaceOn) {
      if (canonical(o.properties[p]) !== canonical(n.properties[p])) {
        reasons.push(`${p} ${show(o.properties[p])} -> ${show(n.properties[p])} forces replacement`);
      }
    }
    if (o.type === 'vault_mount' && canonical(o.properties.path) !== canonical(n.properties.path)) {
      remounted.set(o.address, `${show(o.properties.path)} -> ${show(n.properties.path)}`);
      reasons.push(`path ${show(o.properties.path)} -> ${show(n.properties.path)} remounts it: every secret path, policy and reader changes`);
    }
    if (reasons.length > 0) {
      changes.push({ kind: DataLossKind.REPLACE, stack: o.stack, address: o.address, resourceType: o.type, constructPath: o.constructPath, reasons, protection: protection(o, DataLossKind.REPLACE) });
    }
  }
  // Everything under a remounted mount (KV secrets and metadata endpoints, transit keys, KV settings): the value of
  // its `mount`/`backend`/`path` changes (ForceNew) although the reference text `${vault_mount.kv.path}` does not.
  for (const o of oldProtected) {
    if (o.type === 'vault_mount' || !newByKey.has(key(o)) || changes.some((c) => c.stack === o.stack && c.address === o.address)) {
      continue;
    }
    for (const p of protectedType(o)!.replaceOn) {
      const value = o.properties[p];
      const mountRef = typeof value === 'string' ? /\$\{(vault_mount\.[\w-]+)\.path\}/.exec(value)?.[1] : undefined;
      const change = mountRef ? remounted.get(mountRef) : undefined;
      if (change) {
        changes.push({
          kind: DataLossKind.REPLACE,
          stack: o.stack,
          address: o.address,
          resourceType: o.type,
          constructPath: o.constructPath,
          reasons: [`its ${p} refers to ${mountRef}, which changes path ${change}: ${p} forces replacement, the ${protectedType(o)!.kind} and what it holds are destroyed`],
          protection: protection(o, DataLossKind.REPLACE),
        });
        break;
      }
    }
  }
  return { target: oldOut.target, oldSource: oldOut.source, newSource: newOut.source, changes };
}

/** Human-readable report, one block per change. */
export function formatLossReport(report: LossReport): string {
  if (report.changes.length === 0) {
    return `keyward diff: safe, no secret, key, mount or secret path would be deleted or replaced (${report.target})\n`;
  }
  const lines = [`keyward diff: ${report.changes.length} secret/key resource(s) would be deleted or replaced (${report.target}):`];
  for (const c of report.changes) {
    lines.push(`  ${c.kind.toUpperCase().padEnd(7)} ${c.constructPath ?? c.address} (${c.resourceType} ${c.address}, stack ${c.stack})`);
    for (const r of c.reasons) {
      lines.push(`          - ${r}`);
    }
    if (c.protection) {
      lines.push(`          note: ${c.protection}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
