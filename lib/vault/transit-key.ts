import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { TransitSecretBackendKey } from '@cdktf/provider-vault/lib/transit-secret-backend-key';
import { fail, failOnProblems } from '../core/errors';
import { GrantAction } from '../core/grant';
import { visibleLength } from '../core/reason';
import { validateSimpleName } from '../core/vault-names';
import { VaultGrant } from './grant';
import { VaultPolicyRule } from './policy-document';
import { lifecycleFor } from './private/auth';
import { claim } from './private/registry';
import { TransitEngine } from './transit-engine';
import { IVaultWorkload } from './workload';

/** Settings of a Transit key. */
export interface TransitKeyProps {
  /** Name of the key, e.g. `payments-pii`. */
  readonly name: string;
  /**
   * The Transit engine the key lives in.
   * @default TransitEngine.of(this) — the stack's shared engine at `transit`
   */
  readonly engine?: TransitEngine;
  /**
   * Key type, one Vault or OpenBao knows: `aes128-gcm96`, `aes256-gcm96`, `chacha20-poly1305`, `xchacha20-poly1305`,
   * `rsa-2048`, `rsa-3072`, `rsa-4096` (these encrypt and decrypt), `ed25519`, `ecdsa-p256`, `ecdsa-p384`,
   * `ecdsa-p521`, `hmac` (these only sign or MAC: encrypt/decrypt grants on them are errors).
   * @default "aes256-gcm96"
   */
  readonly keyType?: string;
  /**
   * How often Vault rotates the key, in seconds (at least one hour). Old versions keep decrypting.
   * @default 7776000 (90 days)
   */
  readonly autoRotatePeriodSeconds?: number;
  /**
   * Turn automatic rotation off. Give the reason, e.g. "rotated by the release pipeline"; it is kept in the
   * construct metadata. Mutually exclusive with `autoRotatePeriodSeconds`.
   * @default - rotation is on
   */
  readonly autoRotationDisabledReason?: string;
  /**
   * Allow `terraform destroy` to remove the key resource. Even then the key is created with `deletion_allowed = false`,
   * so Vault refuses to delete it. Off by default: `prevent_destroy` is set.
   * @default false
   */
  readonly allowDestroy?: boolean;
}

const DEFAULT_ROTATION = 90 * 24 * 3600;
/** Key types that encrypt and decrypt. */
const ENCRYPTION_TYPES = ['aes128-gcm96', 'aes256-gcm96', 'chacha20-poly1305', 'xchacha20-poly1305', 'rsa-2048', 'rsa-3072', 'rsa-4096'];
/** Key types that only sign or MAC. */
const SIGNING_TYPES = ['ed25519', 'ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521', 'hmac'];

/**
 * A Transit key (`vault_transit_secret_backend_key`): not exportable, no plaintext backup, deletion not allowed,
 * rotated automatically. Workloads get `update` on `<engine>/encrypt/<key>` and/or `<engine>/decrypt/<key>`.
 */
export class TransitKey extends Construct {
  /** The engine the key lives in. */
  public readonly engine: TransitEngine;
  /** The key name. */
  public readonly name: string;
  /** The `vault_transit_secret_backend_key` resource. */
  public readonly key: TransitSecretBackendKey;
  /** The key type. */
  public readonly keyType: string;

  constructor(scope: Construct, id: string, props: TransitKeyProps) {
    super(scope, id);
    this.engine = props.engine ?? TransitEngine.of(this);
    this.name = props.name;
    failOnProblems(this, 'vault-name', validateSimpleName('transit key name', this.name));
    claim(this, 'transit-key', `${this.engine.path}/${this.name}`, 'duplicate-path', 'transit key');
    this.keyType = props.keyType ?? 'aes256-gcm96';
    if (!Token.isUnresolved(this.keyType) && !ENCRYPTION_TYPES.includes(this.keyType) && !SIGNING_TYPES.includes(this.keyType)) {
      fail(this, 'transit-key-type', `key type ${JSON.stringify(this.keyType)} is not one Vault knows; use one of ${[...ENCRYPTION_TYPES, ...SIGNING_TYPES].join(', ')}`);
    }

    let rotate = props.autoRotatePeriodSeconds ?? DEFAULT_ROTATION;
    if (props.autoRotationDisabledReason !== undefined) {
      if (props.autoRotatePeriodSeconds !== undefined) {
        fail(this, 'transit-rotation', 'set autoRotatePeriodSeconds or autoRotationDisabledReason, not both');
      }
      if (visibleLength(props.autoRotationDisabledReason) === 0) {
        fail(this, 'transit-rotation', 'autoRotationDisabledReason must say why rotation is off');
      }
      this.node.addMetadata('keyward:rotation-disabled', props.autoRotationDisabledReason);
      rotate = 0;
    } else if (!Number.isInteger(rotate) || rotate < 3600) {
      fail(this, 'transit-rotation', `autoRotatePeriodSeconds must be a whole number of at least 3600 (1 hour), got ${rotate}`);
    }

    this.key = new TransitSecretBackendKey(this, 'Key', {
      backend: this.engine.mountRef,
      name: this.name,
      type: this.keyType,
      autoRotatePeriod: rotate,
      deletionAllowed: false,
      exportable: false,
      allowPlaintextBackup: false,
      lifecycle: lifecycleFor(props.allowDestroy),
    });
  }

  /** The API path that encrypts with this key. */
  public get encryptPath(): string {
    return `${this.engine.path}/encrypt/${this.name}`;
  }

  /** The API path that decrypts with this key. */
  public get decryptPath(): string {
    return `${this.engine.path}/decrypt/${this.name}`;
  }

  /** Let `workload` encrypt with the key (`update` on `<engine>/encrypt/<key>`). */
  public grantEncrypt(workload: IVaultWorkload): VaultGrant {
    return VaultGrant.addToWorkload(workload, [GrantAction.ENCRYPT], [this.rule(this.encryptPath)]);
  }

  /** Let `workload` decrypt with the key (`update` on `<engine>/decrypt/<key>`). */
  public grantDecrypt(workload: IVaultWorkload): VaultGrant {
    return VaultGrant.addToWorkload(workload, [GrantAction.DECRYPT], [this.rule(this.decryptPath)]);
  }

  /** Let `workload` encrypt and decrypt with the key. */
  public grantEncryptDecrypt(workload: IVaultWorkload): VaultGrant {
    return VaultGrant.addToWorkload(workload, [GrantAction.ENCRYPT, GrantAction.DECRYPT], [this.rule(this.encryptPath), this.rule(this.decryptPath)]);
  }

  private rule(path: string): VaultPolicyRule {
    if (SIGNING_TYPES.includes(this.keyType)) {
      fail(this, 'transit-key-type', `a ${this.keyType} key only signs or computes MACs: an encrypt or decrypt grant on it could never be used`);
    }
    return { path, capabilities: ['update'] };
  }
}
