import { Construct, IConstruct } from 'constructs';
import { Fn, TerraformVariable, Token } from 'cdktf';
import { GenericEndpoint } from '@cdktf/provider-vault/lib/generic-endpoint';
import { KvSecretV2 } from '@cdktf/provider-vault/lib/kv-secret-v2';
import { fail, failOnProblems } from '../core/errors';
import { GrantAction } from '../core/grant';
import { validateMountPath, validatePositiveSeconds, validateSecretName } from '../core/vault-names';
import { VaultGrant } from './grant';
import { IKvStore } from './kv-store';
import { VaultPolicyRule } from './policy-document';
import { lifecycleFor } from './private/auth';
import { claim } from './private/registry';
import { isTerraformVariable } from './private/terraform-types';
import type { SopsFileVariables } from './sops-file-variables';
import { IVaultWorkload } from './workload';

/** A secret at one path of a KV v2 store. */
export interface ISecretPath extends IConstruct {
  /** The store the secret lives in. */
  readonly store: IKvStore;
  /** The secret's name in the store, e.g. `app/db`. */
  readonly name: string;
  /** The API path of the secret's data, `<mount>/data/<name>`. */
  readonly dataPath: string;
  /** The API path of the secret's metadata, `<mount>/metadata/<name>`. */
  readonly metadataPath: string;
  /** Let `workload` read the secret (`read` on its data and metadata). */
  grantRead(workload: IVaultWorkload): VaultGrant;
  /** Let `workload` write new versions (`create`, `update` on its data). Does not imply read. */
  grantWrite(workload: IVaultWorkload): VaultGrant;
  /** Let `workload` read and write the secret. */
  grantReadWrite(workload: IVaultWorkload): VaultGrant;
}

/** Settings of a secret path. */
export interface SecretPathProps {
  /** The KV v2 store the secret lives in. */
  readonly store: IKvStore;
  /** Name of the secret in the store, e.g. `app/db`. Letters, digits, `.`, `_`, `-` in `/`-separated segments. */
  readonly name: string;
  /**
   * Who owns the secret (team or person), stored as custom metadata `owner`.
   * @default - not recorded
   */
  readonly owner?: string;
  /**
   * What the secret is for, stored as custom metadata `description`.
   * @default - not recorded
   */
  readonly description?: string;
  /**
   * How often the value should be rotated, in days, stored as custom metadata `rotation_period` (e.g. `90d`).
   * @default - not recorded
   */
  readonly rotationPeriodDays?: number;
  /**
   * Further labels stored as custom metadata. Keys `owner`, `description`, `rotation_period` and `managed_by` are
   * reserved. At most 60 labels, keys up to 128 bytes, values up to 512 bytes.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * The value, written write-only: a **sensitive** Terraform variable (`sensitive: true`) of type `map(string)` (or an
   * object type; rendered as `jsonencode(var.x)`) or `string` holding a JSON object (rendered as `var.x`). It goes to
   * `data_json_wo`, which Terraform (>= 1.11) neither plans nor stores in state.
   * @default - declared only: the path, its metadata and its grants exist; the value is written out of band
   *            (`bao kv put <mount>/<name> ...`)
   */
  readonly writeOnlyValue?: TerraformVariable;
  /**
   * Version of the write-only value (`data_json_wo_version`). The provider writes the value on create and whenever
   * this number changes: bump it to rotate. May be a Terraform variable (`new TerraformVariable(..., { type: 'number' }).numberValue`).
   * @default 1
   */
  readonly writeOnlyValueVersion?: number;
  /**
   * The value from a SOPS-encrypted file: each of its keys becomes a field, written write-only from its sensitive,
   * ephemeral variable, with `data_json_wo_version` derived from the encrypted file's content (an edited file writes a
   * new version, an unchanged one plans nothing). Apply with `SopsFileVariables.execCommandFor(stack)`.
   * @default - no SOPS file (see writeOnlyValue)
   */
  readonly sopsFile?: SopsFileVariables;
  /**
   * Allow `terraform destroy` to remove the secret. Off by default: `prevent_destroy` is set (and a declared-only
   * secret's metadata is never deleted by Terraform).
   * @default false
   */
  readonly allowDestroy?: boolean;
}

const RESERVED = ['owner', 'description', 'rotation_period', 'managed_by'];

/**
 * A KV v2 secret path. With a `writeOnlyValue` it is a `vault_kv_secret_v2` whose value goes to `data_json_wo`; without
 * one it is declared only: its custom metadata is written to `<mount>/metadata/<name>` (a `vault_generic_endpoint`
 * that carries metadata, never data) and the value is put out of band. Never a literal `data_json`.
 */
export class SecretPath extends Construct implements ISecretPath {
  public readonly store: IKvStore;
  public readonly name: string;
  /** The `vault_kv_secret_v2` resource, when the secret has a write-only value. */
  public readonly secret?: KvSecretV2;
  /** The `vault_generic_endpoint` writing the metadata of a declared-only secret. */
  public readonly metadata?: GenericEndpoint;
  /** The custom metadata recorded for the secret. */
  public readonly customMetadata: { [key: string]: string };

  constructor(scope: Construct, id: string, props: SecretPathProps) {
    super(scope, id);
    this.store = props.store;
    this.name = props.name;
    failOnProblems(this, 'vault-name', validateSecretName(this.name));
    // The store may be any IKvStore: its mount path goes into policy paths, so it is checked like Keyward's own.
    if (!Token.isUnresolved(this.store.mountPath)) {
      failOnProblems(this, 'vault-name', validateMountPath(this.store.mountPath));
    }
    claim(this, 'kv-secret', `${this.store.mountPath}/${this.name}`, 'duplicate-path', 'secret path');

    this.customMetadata = buildMetadata(this, props);
    const lifecycle = lifecycleFor(props.allowDestroy);

    if (props.sopsFile !== undefined && (props.writeOnlyValue !== undefined || props.writeOnlyValueVersion !== undefined)) {
      fail(this, 'write-only-value', 'give either sopsFile or writeOnlyValue (with writeOnlyValueVersion), not both');
    }
    if (props.sopsFile !== undefined) {
      if (this.store.casRequired) {
        fail(this, 'write-only-value', `store ${JSON.stringify(this.store.mountPath)} requires check-and-set, which Terraform cannot do for a write-only value`);
      }
      const sops = props.sopsFile;
      this.secret = new KvSecretV2(this, 'Secret', {
        mount: this.store.mountRef,
        name: this.name,
        dataJsonWo: Fn.jsonencode(Object.fromEntries(sops.keys.map(k => [k, sops.variables[k].stringValue]))),
        dataJsonWoVersion: sops.version,
        customMetadata: { data: this.customMetadata },
        lifecycle,
      });
    } else if (props.writeOnlyValue !== undefined) {
      const version = props.writeOnlyValueVersion ?? 1;
      if (!Token.isUnresolved(version) && (!Number.isInteger(version) || version < 1)) {
        fail(this, 'write-only-value', `writeOnlyValueVersion must be a whole number >= 1, got ${version}`);
      }
      if (this.store.casRequired) {
        fail(this, 'write-only-value', `store ${JSON.stringify(this.store.mountPath)} requires check-and-set, which Terraform cannot do for a write-only value; write it out of band or use a store without casRequired`);
      }
      this.secret = new KvSecretV2(this, 'Secret', {
        mount: this.store.mountRef,
        name: this.name,
        dataJsonWo: writeOnlyJson(this, props.writeOnlyValue),
        dataJsonWoVersion: version,
        customMetadata: { data: this.customMetadata },
        lifecycle,
      });
    } else {
      if (props.writeOnlyValueVersion !== undefined) {
        fail(this, 'write-only-value', 'writeOnlyValueVersion is set but there is no writeOnlyValue');
      }
      this.metadata = new GenericEndpoint(this, 'Metadata', {
        path: `${this.store.mountRef}/metadata/${this.name}`,
        // Metadata only (owner, description, ...): the value is never part of the configuration. Keys sorted, as the
        // provider normalizes what it reads back, so plans stay empty.
        dataJson: JSON.stringify({ custom_metadata: Object.fromEntries(Object.entries(this.customMetadata).sort(([a], [b]) => (a < b ? -1 : 1))) }),
        ignoreAbsentFields: true,
        disableDelete: props.allowDestroy !== true,
        lifecycle,
      });
    }
  }

  public get dataPath(): string {
    return `${this.store.mountPath}/data/${this.name}`;
  }

  public get metadataPath(): string {
    return `${this.store.mountPath}/metadata/${this.name}`;
  }

  public grantRead(workload: IVaultWorkload): VaultGrant {
    return VaultGrant.addToWorkload(workload, [GrantAction.READ], this.readRules());
  }

  public grantWrite(workload: IVaultWorkload): VaultGrant {
    return VaultGrant.addToWorkload(workload, [GrantAction.WRITE], this.writeRules());
  }

  public grantReadWrite(workload: IVaultWorkload): VaultGrant {
    return VaultGrant.addToWorkload(workload, [GrantAction.READ, GrantAction.WRITE], [...this.readRules(), ...this.writeRules()]);
  }

  private readRules(): VaultPolicyRule[] {
    return [
      { path: this.dataPath, capabilities: ['read'] },
      { path: this.metadataPath, capabilities: ['read'] },
    ];
  }

  private writeRules(): VaultPolicyRule[] {
    return [{ path: this.dataPath, capabilities: ['create', 'update'] }];
  }
}

function buildMetadata(scope: IConstruct, props: SecretPathProps): { [key: string]: string } {
  const labels = props.labels ?? {};
  const md: { [key: string]: string } = { managed_by: 'keyward' };
  if (props.owner !== undefined) md.owner = props.owner;
  if (props.description !== undefined) md.description = props.description;
  if (props.rotationPeriodDays !== undefined) {
    failOnProblems(scope, 'secret-metadata', validatePositiveSeconds('rotationPeriodDays', props.rotationPeriodDays).map((p) => p.replace(' of seconds', '')));
    md.rotation_period = `${props.rotationPeriodDays}d`;
  }
  const keys = Object.keys(labels).sort();
  if (keys.length > 60) {
    fail(scope, 'secret-metadata', `${keys.length} labels; at most 60 fit in Vault's custom metadata`);
  }
  for (const k of keys) {
    if (RESERVED.includes(k)) {
      fail(scope, 'secret-metadata', `label ${JSON.stringify(k)} is reserved (${RESERVED.join(', ')})`);
    }
    if (k === '' || Buffer.byteLength(k) > 128) {
      fail(scope, 'secret-metadata', `label key ${JSON.stringify(k)} must be 1 to 128 bytes`);
    }
    md[k] = labels[k];
  }
  for (const [k, v] of Object.entries(md)) {
    if (!Token.isUnresolved(v) && Buffer.byteLength(v) > 512) {
      fail(scope, 'secret-metadata', `metadata ${JSON.stringify(k)} is longer than 512 bytes`);
    }
    if (!Token.isUnresolved(v) && (v.includes('${') || v.includes('%{'))) {
      fail(scope, 'secret-metadata', `metadata ${JSON.stringify(k)} contains "\${" or "%{", which Terraform would interpolate or evaluate as a template directive`);
    }
  }
  return md;
}

// The value must be a sensitive variable: anything else (a literal, a non-sensitive variable) would put it in plain
// sight in cdk.tf.json or in plan output.
function writeOnlyJson(scope: IConstruct, value: unknown): string {
  if (!isTerraformVariable(value)) {
    fail(scope, 'write-only-sensitive', 'writeOnlyValue must be a TerraformVariable declared with sensitive: true, never a literal value');
  }
  const variable = value;
  if (variable.sensitive !== true) {
    fail(scope, 'write-only-sensitive', `writeOnlyValue variable ${variable.node.path} is not sensitive; declare it with sensitive: true`);
  }
  if (variable.default !== undefined) {
    fail(scope, 'write-only-sensitive', `writeOnlyValue variable ${variable.node.path} has a default, which would put a value in cdk.tf.json; remove the default and set TF_VAR_${variable.friendlyUniqueId} at apply time`);
  }
  const type = (variable.type ?? 'string').replace(/\s+/g, '');
  if (type === 'string') {
    return variable.stringValue;
  }
  if (type.startsWith('map(') || type.startsWith('object(')) {
    return Fn.jsonencode(variable.value);
  }
  return fail(scope, 'write-only-sensitive', `writeOnlyValue variable ${variable.node.path} has type ${variable.type}; use map(string), an object type, or a string holding a JSON object`);
}
