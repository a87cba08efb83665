/**
 * Small, dependency-free measuring helpers for the benchmark: median timing of in-process syntheses and
 * "resolved" policy sizes (CloudFormation intrinsics replaced by realistic ARN strings, so bytes are what IAM counts).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Median of `reps` runs after one warm-up run, in milliseconds. With `node --expose-gc` (as `npm run bench` runs), a
 * full collection before each run keeps the garbage of earlier (larger) scenarios out of the measured one.
 */
export function medianMs(reps: number, fn: () => void): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    gc?.();
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export function tmpOutdir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `keyward-bench-${prefix}-`));
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/** What a template's intrinsics resolve to; `undefined` where the caller does not know. */
export interface IntrinsicValues {
  /** `{ Ref: name }`, pseudo parameters included. */
  ref(name: string): string | undefined;
  /** `{ 'Fn::GetAtt': [logicalId, attribute] }`; without it every Fn::GetAtt is an error. */
  getAtt?(logicalId: string, attribute: string): string | undefined;
  /** `{ 'Fn::ImportValue': exportName }`; without it every Fn::ImportValue is an error. */
  importValue?(exportName: unknown): string | undefined;
  /**
   * `{ 'Fn::GetStackOutput': { StackName, OutputName } }`, a weak cross-stack reference (what aws-cdk-lib emits under
   * its recommended flags); without it every Fn::GetStackOutput is an error.
   */
  stackOutput?(reference: unknown): string | undefined;
}

/**
 * A copy of `value` with every Ref, Fn::Join, Fn::Split, Fn::Select, Fn::Sub, Fn::GetAtt, Fn::ImportValue and Fn::GetStackOutput replaced by what `values` gives for it.
 * One it gives nothing for, and any other intrinsic function, is an error: nothing is measured or passed on
 * half-resolved. Shared by the benchmark (synthetic values) and the integration tests (values as deployed).
 */
export function resolveIntrinsicsWith(value: any, values: IntrinsicValues): any {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsicsWith(v, values));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const known = (what: string, resolved: string | undefined): string => {
    if (resolved === undefined) throw new Error(`cannot resolve ${what}`);
    return resolved;
  };
  if (keys.length === 1) {
    const [k] = keys;
    const v = value[k];
    if (k === 'Ref') return known(`Ref ${v}`, values.ref(v));
    if (k === 'Fn::Join') return (resolveIntrinsicsWith(v[1], values) as any[]).join(v[0]);
    if (k === 'Fn::Split') return String(resolveIntrinsicsWith(v[1], values)).split(v[0]);
    if (k === 'Fn::Select') {
      const list = resolveIntrinsicsWith(v[1], values) as any[];
      const index = Number(resolveIntrinsicsWith(v[0], values));
      if (!Array.isArray(list) || !(index >= 0 && index < list.length)) throw new Error(`cannot resolve Fn::Select ${index} of ${JSON.stringify(list)}`);
      return list[index];
    }
    if (k === 'Fn::GetAtt') {
      const [id, attr] = Array.isArray(v) ? v : String(v).split('.');
      return known(`Fn::GetAtt ${id}.${attr}`, values.getAtt?.(id, attr));
    }
    if (k === 'Fn::ImportValue') return known(`Fn::ImportValue ${JSON.stringify(v)}`, values.importValue?.(v));
    if (k === 'Fn::GetStackOutput') return known(`Fn::GetStackOutput ${JSON.stringify(v)}`, values.stackOutput?.(v));
    if (k === 'Fn::Sub') return resolveSub(v, values);
    if (k.startsWith('Fn::')) throw new Error(`cannot resolve ${k}`);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveIntrinsicsWith(v, values)]));
}

/** `Fn::Sub` in both forms: `${Name}` is a variable of the map, else a Ref; `${Id.Attr}` a GetAtt; `${!Literal}` stays. */
function resolveSub(v: any, values: IntrinsicValues): string {
  const [text, map] = Array.isArray(v) ? v : [v, {}];
  return String(text).replace(/\$\{([^}]*)\}/g, (_m, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (map[name] !== undefined) return String(resolveIntrinsicsWith(map[name], values));
    const dot = name.indexOf('.');
    return String(resolveIntrinsicsWith(dot < 0 ? { Ref: name } : { 'Fn::GetAtt': [name.slice(0, dot), name.slice(dot + 1)] }, values));
  });
}

/**
 * Replace CloudFormation intrinsics by realistic concrete strings so that a policy's size is measured as IAM would see
 * it: Ref of a secret → a full secret ARN with the 6-character suffix, GetAtt Arn → an ARN of the resource's type,
 * pseudo parameters → account/region/partition values, an import or another stack's output → a key ARN (the only
 * value Keyward references across stacks).
 */
export function resolveIntrinsics(value: any, resources: { [id: string]: any }): any {
  const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0b9e5a2c-1f3d-4e5a-9b8c-7d6e5f4a3b2c`;
  return resolveIntrinsicsWith(value, {
    ref: (id) => refValue(id, resources),
    getAtt: (id) => getAttValue(id, resources),
    importValue: () => keyArn,
    stackOutput: () => keyArn,
  });
}

function refValue(id: string, resources: { [id: string]: any }): string {
  switch (id) {
    case 'AWS::AccountId': return ACCOUNT;
    case 'AWS::Region': return REGION;
    case 'AWS::Partition': return 'aws';
    case 'AWS::URLSuffix': return 'amazonaws.com';
    case 'AWS::StackName': return 'Bench';
  }
  const r = resources[id];
  if (r?.Type === 'AWS::SecretsManager::Secret') return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${id.slice(0, 40)}-AbCdEf`;
  if (r?.Type === 'AWS::KMS::Key') return '0b9e5a2c-1f3d-4e5a-9b8c-7d6e5f4a3b2c';
  return `${id}-physical-id`;
}

function getAttValue(id: string, resources: { [id: string]: any }): string {
  const r = resources[id];
  switch (r?.Type) {
    case 'AWS::KMS::Key': return `arn:aws:kms:${REGION}:${ACCOUNT}:key/0b9e5a2c-1f3d-4e5a-9b8c-7d6e5f4a3b2c`;
    case 'AWS::IAM::Role': return `arn:aws:iam::${ACCOUNT}:role/${id.slice(0, 50)}`;
    case 'AWS::SecretsManager::Secret': return refValue(id, resources);
    default: return `arn:aws:cloudformation:${REGION}:${ACCOUNT}:${id}`;
  }
}

/** Bytes of a policy document as IAM counts them (minified JSON, whitespace excluded). */
export function policyBytes(doc: any, resources: { [id: string]: any }): number {
  return Buffer.byteLength(JSON.stringify(resolveIntrinsics(doc, resources)));
}

/** Read every template of an assembly directory: file name → template. */
export function readTemplates(outdir: string): { [file: string]: any } {
  const out: { [file: string]: any } = {};
  for (const f of fs.readdirSync(outdir)) {
    if (f.endsWith('.template.json')) out[f] = JSON.parse(fs.readFileSync(path.join(outdir, f), 'utf8'));
  }
  return out;
}

/**
 * The identity policies attached to the role with logical id `roleId` in a template:
 * inline AWS::IAM::Policy resources naming it in Roles, and AWS::IAM::ManagedPolicy resources naming it in Roles or
 * listed in its ManagedPolicyArns.
 */
export function policiesOfRole(template: any, roleId: string): any[] {
  const resources = template.Resources ?? {};
  const names = (list: any[] | undefined) => (list ?? []).some((r) => JSON.stringify(r).includes(`"${roleId}"`));
  const attachedManaged = new Set<string>(
    (resources[roleId]?.Properties?.ManagedPolicyArns ?? []).map((a: any) => a?.Ref).filter(Boolean),
  );
  return Object.entries(resources)
    .filter(([id, r]: [string, any]) =>
      (r.Type === 'AWS::IAM::Policy' && names(r.Properties?.Roles)) ||
      (r.Type === 'AWS::IAM::ManagedPolicy' && (names(r.Properties?.Roles) || attachedManaged.has(id))))
    .map(([, r]) => r);
}

export function fmtBytes(n: number): string {
  return n >= 10240 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`;
}
