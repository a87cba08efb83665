import { Detection } from '../../core/detect';
import { FoundSecret } from './walk';

/** What a rule reports: where, what, and (for plaintext rules) the secret, which is masked before leaving the guard. */
export interface RuleHit {
  readonly propertyPath: string;
  readonly detail: string;
  readonly secret?: string;
}

/** A rule: a pure function from one element of the synthesized output to hits, with an id, a description and a fix. */
export interface GuardRule<T> {
  readonly id: string;
  readonly description: string;
  readonly fix: string;
  check(element: T): RuleHit[];
}

/** One top-level element of a CloudFormation template. */
export interface CfnElement {
  /** `Template` is the template's own Description, Metadata, Rules, Conditions and Transform (logical id `Template`). */
  readonly section: 'Resources' | 'Parameters' | 'Outputs' | 'Mappings' | 'Template';
  readonly logicalId: string;
  /** Resource type (Resources only). */
  readonly type?: string;
  readonly body: { [key: string]: any };
}

/** One block of a Terraform JSON document. */
export interface TfBlock {
  readonly kind: 'resource' | 'data' | 'provider' | 'variable' | 'output' | 'locals' | 'backend' | 'module';
  /** Resource/data/provider/backend type; undefined for variables, outputs and locals. */
  readonly type?: string;
  readonly name: string;
  /** Terraform address, e.g. `vault_kv_secret_v2.db`. */
  readonly address: string;
  readonly body: { [key: string]: any };
  /** The whole document, for rules that look up variables. */
  readonly document: { [key: string]: any };
}

export function hitsFrom(found: FoundSecret[]): RuleHit[] {
  return found.map((f) => hitFrom(f.path, f.detection));
}

export function hitFrom(path: string, d: Detection): RuleHit {
  return { propertyPath: path, detail: d.label, secret: d.secret };
}
