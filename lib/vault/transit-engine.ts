import { Construct, IConstruct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { fail, failOnProblems } from '../core/errors';
import { validateMountPath } from '../core/vault-names';
import { lifecycleFor } from './private/auth';
import { brand, hasBrand } from './private/brand';
import { checkNestedMount, claim, lookup } from './private/registry';

/** Settings of a Transit secrets engine. */
export interface TransitEngineProps {
  /**
   * Mount path of the engine.
   * @default "transit"
   */
  readonly path?: string;
  /**
   * Allow `terraform destroy` to remove the mount, which destroys every key in it (and so every ciphertext made with
   * them). Off by default: `prevent_destroy` is set.
   * @default false
   */
  readonly allowDestroy?: boolean;
}

/**
 * A Transit secrets engine (`vault_mount` of type `transit`): Vault as a KMS. Created once per stack and path: keys
 * without an explicit `engine` share `TransitEngine.of(scope)`.
 */
export class TransitEngine extends Construct {
  /**
   * The Transit engine declared at `path` in the stack of `scope`, or a new one there.
   * @param path mount path; default "transit"
   */
  public static of(scope: IConstruct, path?: string): TransitEngine {
    const p = path ?? 'transit';
    const existing = lookup(scope, 'mount', p);
    if (existing) {
      // By brand, not instanceof: an engine made by another copy of Keyward in the app is this stack's engine too.
      if (!hasBrand(existing, 'TransitEngine')) {
        fail(scope, 'duplicate-path', `mount path ${JSON.stringify(p)} is already used by ${existing.node.path}, which is not a TransitEngine`);
      }
      return existing as TransitEngine;
    }
    return new TransitEngine(TerraformStack.of(scope), `TransitEngine-${p.replace(/\//g, '-')}`, { path: p });
  }

  /** The mount path. */
  public readonly path: string;
  /** The `vault_mount` resource. */
  public readonly mount: Mount;
  /** The mount path as a Terraform reference: keys are created after the mount. */
  public readonly mountRef: string;

  constructor(scope: Construct, id: string, props: TransitEngineProps = {}) {
    super(scope, id);
    brand(this, 'TransitEngine');
    this.path = props.path ?? 'transit';
    failOnProblems(this, 'vault-name', validateMountPath(this.path));
    claim(this, 'mount', this.path, 'duplicate-path', 'mount path');
    checkNestedMount(this, 'mount', this.path);
    this.mount = new Mount(this, 'Mount', {
      path: this.path,
      type: 'transit',
      description: 'Transit encryption keys (Keyward)',
      lifecycle: lifecycleFor(props.allowDestroy),
    });
    this.mountRef = this.mount.path;
  }
}
