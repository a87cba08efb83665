import { Construct, IConstruct } from 'constructs';
import { Token } from 'cdktf';
import { KvSecretBackendV2 } from '@cdktf/provider-vault/lib/kv-secret-backend-v2';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { fail, failOnProblems } from '../core/errors';
import { GrantAction } from '../core/grant';
import { validateMountPath, validatePositiveSeconds, validateVaultPath } from '../core/vault-names';
import { VaultGrant } from './grant';
import { VaultPolicyRule } from './policy-document';
import { lifecycleFor } from './private/auth';
import { checkNestedMount, claim } from './private/registry';
import { IVaultWorkload } from './workload';

/** A KV version 2 secrets engine that secret paths live in. */
export interface IKvStore extends IConstruct {
  /** The mount path, e.g. `kv`. Always a literal string. */
  readonly mountPath: string;
  /**
   * What secret paths put in their `mount` field: a reference to the mount for stores declared here (so secrets are
   * created after the mount), the literal path for imported ones.
   */
  readonly mountRef: string;
  /** Whether the engine requires check-and-set on every write. */
  readonly casRequired: boolean;
  /**
   * Grant `workload` read on every secret under `prefix/` (a deliberate, visible glob: `<mount>/data/<prefix>/*`).
   */
  grantReadPrefix(workload: IVaultWorkload, prefix: string): VaultGrant;
  /** Grant `workload` create/update on every secret under `prefix/` (`<mount>/data/<prefix>/*`). */
  grantWritePrefix(workload: IVaultWorkload, prefix: string): VaultGrant;
}

/** Settings of a KV v2 store. */
export interface KvStoreProps {
  /**
   * Mount path of the engine.
   * @default "kv"
   */
  readonly path?: string;
  /**
   * Description of the mount.
   * @default "KV v2 secrets (Keyward)"
   */
  readonly description?: string;
  /**
   * Versions kept per secret.
   * @default 10
   */
  readonly maxVersions?: number;
  /**
   * Require check-and-set on every write. Secrets with a write-only value from Terraform cannot be declared in such a
   * store (Terraform cannot know the current version to pass as `cas`).
   * @default false
   */
  readonly casRequired?: boolean;
  /**
   * Delete versions this many seconds after they are written.
   * @default - versions are kept until pushed out by `maxVersions`
   */
  readonly deleteVersionAfterSeconds?: number;
  /**
   * Allow `terraform destroy` to remove the mount, which deletes every secret in it. Off by default: `prevent_destroy`
   * is set.
   * @default false
   */
  readonly allowDestroy?: boolean;
}

/** How an existing KV mount is described when imported. */
export interface KvMountAttributes {
  /** Mount path, e.g. `secret`. */
  readonly path: string;
  /** Mount type as Vault reports it: `kv-v2`, or `kv` (then `options.version` must be `"2"`). */
  readonly mountType: string;
  /**
   * Mount options as Vault reports them, e.g. `{ version: "2" }`.
   * @default - none
   */
  readonly options?: { [key: string]: string };
  /**
   * Whether the engine requires check-and-set on every write.
   * @default false
   */
  readonly casRequired?: boolean;
}

function isKvV2(type: string | undefined, options: { [key: string]: string } | undefined): boolean {
  return type === 'kv-v2' || (type === 'kv' && options?.version === '2');
}

function prefixRules(store: IKvStore, prefix: string, write: boolean): VaultPolicyRule[] {
  return write
    ? [{ path: `${store.mountPath}/data/${prefix}/*`, capabilities: ['create', 'update'] }]
    : [
      { path: `${store.mountPath}/data/${prefix}/*`, capabilities: ['read'] },
      { path: `${store.mountPath}/metadata/${prefix}/*`, capabilities: ['read'] },
    ];
}

function grantPrefix(store: IKvStore, workload: IVaultWorkload, prefix: string, write: boolean): VaultGrant {
  failOnProblems(store, 'vault-name', validateVaultPath('secret prefix', prefix));
  return VaultGrant.addToWorkload(workload, [write ? GrantAction.WRITE : GrantAction.READ], prefixRules(store, prefix, write));
}

class ImportedKvStore extends Construct implements IKvStore {
  public readonly mountPath: string;
  public readonly mountRef: string;
  public readonly casRequired: boolean;

  constructor(scope: Construct, id: string, path: string, casRequired: boolean, mountRef?: string) {
    super(scope, id);
    failOnProblems(this, 'vault-name', validateMountPath(path));
    checkNestedMount(this, 'mount', path);
    this.mountPath = path;
    this.mountRef = mountRef ?? path;
    this.casRequired = casRequired;
  }

  public grantReadPrefix(workload: IVaultWorkload, prefix: string): VaultGrant {
    return grantPrefix(this, workload, prefix, false);
  }

  public grantWritePrefix(workload: IVaultWorkload, prefix: string): VaultGrant {
    return grantPrefix(this, workload, prefix, true);
  }
}

/**
 * A KV version 2 secrets engine: a `vault_mount` of type `kv-v2` and its `vault_kv_secret_backend_v2` settings.
 * `prevent_destroy` is on unless `allowDestroy` is set.
 */
export class KvStore extends Construct implements IKvStore {
  /**
   * Use a KV mount that exists already (created out of band). It must be version 2: a KV v1 mount is an error, since
   * v2 paths (`<mount>/data/<name>`) and policies would not match it.
   */
  public static fromMountAttributes(scope: Construct, id: string, attrs: KvMountAttributes): IKvStore {
    return KvStore.importMount(scope, id, attrs);
  }

  private static importMount(scope: Construct, id: string, attrs: KvMountAttributes, mountRef?: string): IKvStore {
    const store = new ImportedKvStore(scope, id, attrs.path, attrs.casRequired ?? false, mountRef);
    if (!isKvV2(attrs.mountType, attrs.options)) {
      fail(store, 'kv-version', `mount ${JSON.stringify(attrs.path)} is ${describeMount(attrs.mountType, attrs.options)}, not KV version 2`);
    }
    return store;
  }

  /**
   * Use a `vault_mount` declared elsewhere in this app with the raw provider. It must be KV version 2 (type `kv-v2`,
   * or type `kv` with `options = { version = "2" }`).
   */
  public static fromMount(scope: Construct, id: string, mount: Mount): IKvStore {
    const path = mount.pathInput ?? '';
    if (Token.isUnresolved(path)) {
      fail(mount, 'vault-name', 'the mount path must be a literal string to be used as a Keyward KV store');
    }
    // Keep a reference to the mount so secrets are created after it.
    return KvStore.importMount(scope, id, { path, mountType: mount.typeInput ?? '', options: mount.optionsInput }, mount.path);
  }

  public readonly mountPath: string;
  public readonly mountRef: string;
  public readonly casRequired: boolean;
  /** The `vault_mount` resource. */
  public readonly mount: Mount;
  /** The `vault_kv_secret_backend_v2` resource. */
  public readonly settings: KvSecretBackendV2;

  constructor(scope: Construct, id: string, props: KvStoreProps = {}) {
    super(scope, id);
    this.mountPath = props.path ?? 'kv';
    failOnProblems(this, 'vault-name', validateMountPath(this.mountPath));
    claim(this, 'mount', this.mountPath, 'duplicate-path', 'mount path');
    checkNestedMount(this, 'mount', this.mountPath);
    const maxVersions = props.maxVersions ?? 10;
    if (!Number.isInteger(maxVersions) || maxVersions < 1) {
      fail(this, 'kv-settings', `maxVersions must be a whole number >= 1, got ${maxVersions}`);
    }
    if (props.deleteVersionAfterSeconds !== undefined) {
      failOnProblems(this, 'kv-settings', validatePositiveSeconds('deleteVersionAfterSeconds', props.deleteVersionAfterSeconds));
    }
    this.casRequired = props.casRequired ?? false;
    this.mount = new Mount(this, 'Mount', {
      path: this.mountPath,
      type: 'kv-v2',
      description: props.description ?? 'KV v2 secrets (Keyward)',
      lifecycle: lifecycleFor(props.allowDestroy),
    });
    // One reference token, reused by every secret: cheap with thousands of secrets.
    this.mountRef = this.mount.path;
    this.settings = new KvSecretBackendV2(this, 'Settings', {
      mount: this.mountRef,
      maxVersions,
      casRequired: this.casRequired,
      deleteVersionAfter: props.deleteVersionAfterSeconds,
    });
  }

  public grantReadPrefix(workload: IVaultWorkload, prefix: string): VaultGrant {
    return grantPrefix(this, workload, prefix, false);
  }

  public grantWritePrefix(workload: IVaultWorkload, prefix: string): VaultGrant {
    return grantPrefix(this, workload, prefix, true);
  }
}

function describeMount(type: string, options?: { [key: string]: string }): string {
  if (type === 'kv') {
    return `KV version ${options?.version ?? '1'} (type "kv"${options?.version ? `, version "${options.version}"` : ', no version option'})`;
  }
  return `of type ${JSON.stringify(type)}`;
}
