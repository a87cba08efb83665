// The access report, target-neutral: what `keyward report` prints and `keyward report --diff` compares. Built from
// synthesized output only (lib/report/aws.ts, lib/report/vault.ts), never from Keyward's in-memory model.

/** What kind of thing holds or protects secret material. */
export type ProtectedKind = 'aws-secret' | 'kms-key' | 'vault-kv' | 'transit-key';

/** Whether a grant always applies or depends on something the report cannot evaluate offline. */
export type Certainty = 'yes' | 'maybe';

/** Who can read or write: one identity, as the policies name it. */
export interface ReportWorkload {
  /** Stable id, the same across two syntheses of the same app (construct path, principal ARN, auth role path). */
  readonly id: string;
  /**
   * `IAM role`, `Lambda function`, `ECS task role`, `ECS task execution role`, `IAM user`, `IAM group`,
   * `AWS IAM principal`, `AWS account`, `any principal`, `GitHub Actions`, `JWT/OIDC`, `Kubernetes service account`,
   * `AppRole`, `AWS IAM (Vault)`.
   */
  readonly kind: string;
  /** Human name: construct path, principal ARN, or `auth/<backend>/role/<name>`. */
  readonly name: string;
  /** The AWS account of an AWS principal, when known. */
  readonly account?: string;
  /**
   * Who may become this workload: trust-policy principals and conditions, bound claims, audiences, service accounts,
   * namespaces, CIDRs. Each value is a list of accepted values (globs kept as written).
   */
  readonly binding: { [field: string]: string[] };
  /**
   * When several statements each let someone become the workload (a trust policy's Allow statements are OR-ed):
   * the binding of each, in order. `binding` is then their union, for reading only; `--diff` compares these.
   */
  readonly alternatives?: { [field: string]: string[] }[];
  /**
   * Ways its own policies let it give itself more access than the report shows (role chaining, kms:CreateGrant,
   * secretsmanager:PutResourcePolicy or TagResource, iam:Put…/Attach… on itself). `--diff` counts a new one as widened.
   */
  readonly escalation?: string[];
}

/** One workload's access to one protected resource, and what allows it. */
export interface ReportAccess {
  readonly workload: string;
  /** The statements or policy rules that allow it, e.g. `Stack/RolePolicy (ManagedPolicy) statement KeywardRead`. */
  readonly via: string[];
  /** The resource patterns or policy paths that matched (as written, resolved). */
  readonly matched: string[];
  /** True when a matched pattern is a wildcard/glob rather than the exact resource. */
  readonly wildcard: boolean;
  readonly certainty: Certainty;
  /** What could not be evaluated offline (a condition key, a policy outside the output). */
  readonly notes: string[];
}

/** A secret, key or KV path, with everyone who can read or write it. */
export interface ReportResource {
  /** Stable id: the secret ARN without its random suffix, the key's stack/construct path, the Vault path. */
  readonly id: string;
  readonly kind: ProtectedKind;
  readonly name: string;
  /** Stack and logical id or Terraform address. */
  readonly location: string;
  /** The AWS account that holds it (AWS resources). */
  readonly account?: string;
  /** The key that encrypts it (id of a `kms-key` entry, or an ARN outside the output), or the Vault mount. */
  readonly key?: string;
  readonly rotation: string;
  readonly retention: string;
  readonly readers: ReportAccess[];
  readonly writers: ReportAccess[];
  readonly notes: string[];
}

/** The access report of one or more synthesized outputs. */
export interface AccessReport {
  readonly sources: string[];
  /** `cloudformation` and/or `terraform`, the kinds of output read. */
  readonly targets?: string[];
  readonly resources: ReportResource[];
  readonly workloads: ReportWorkload[];
  /** Things that could not be resolved or evaluated, so the report may miss access through them. */
  readonly warnings: string[];
}

/** The same access, by workload. */
export interface WorkloadAccess {
  readonly workload: ReportWorkload;
  readonly reads: { resource: ReportResource; access: ReportAccess }[];
  readonly writes: { resource: ReportResource; access: ReportAccess }[];
}

/** Access grouped by workload, workloads with no access left out. */
export function byWorkload(report: AccessReport): WorkloadAccess[] {
  const out = new Map<string, WorkloadAccess>();
  for (const w of report.workloads) {
    out.set(w.id, { workload: w, reads: [], writes: [] });
  }
  for (const resource of report.resources) {
    for (const access of resource.readers) {
      out.get(access.workload)?.reads.push({ resource, access });
    }
    for (const access of resource.writers) {
      out.get(access.workload)?.writes.push({ resource, access });
    }
  }
  return [...out.values()].filter((w) => w.reads.length + w.writes.length > 0);
}

/** Sort entries so two reports of the same app print the same text. */
export function normalize(report: AccessReport): AccessReport {
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const byWorkloadId = (a: ReportAccess, b: ReportAccess) => (a.workload < b.workload ? -1 : a.workload > b.workload ? 1 : 0);
  return {
    sources: report.sources,
    targets: report.targets,
    resources: [...report.resources].sort(byId).map((r) => ({ ...r, readers: [...r.readers].sort(byWorkloadId), writers: [...r.writers].sort(byWorkloadId) })),
    workloads: [...report.workloads].sort(byId),
    warnings: [...new Set(report.warnings)].sort(),
  };
}
