import { Construct, IConstruct } from 'constructs';
import { AuthBackend } from '@cdktf/provider-vault/lib/auth-backend';
import { claimAuthPath, lifecycleFor, sharedBackend } from './private/auth';

/** Settings of an AppRole auth backend. */
export interface AppRoleAuthBackendProps {
  /**
   * Where the backend is mounted (`auth/<path>`).
   * @default "approle"
   */
  readonly path?: string;
  /**
   * Allow `terraform destroy` to remove the backend (and every role in it). Off by default: `prevent_destroy` is set.
   * @default false
   */
  readonly allowDestroy?: boolean;
}

/**
 * An AppRole auth backend (`vault_auth_backend` of type `approle`). Created once per stack and path: workloads without
 * an explicit `backend` share `AppRoleAuthBackend.of(scope)`.
 */
export class AppRoleAuthBackend extends Construct {
  /**
   * The AppRole backend declared at `path` in the stack of `scope`, or a new one there.
   * @param path where the backend is mounted; default "approle"
   */
  public static of(scope: IConstruct, path?: string): AppRoleAuthBackend {
    const p = path ?? 'approle';
    return sharedBackend(scope, p, AppRoleAuthBackend, (stack, id) => new AppRoleAuthBackend(stack, id, { path: p }));
  }

  /** The mount path (`auth/<path>`). */
  public readonly path: string;
  /** The `vault_auth_backend` resource. */
  public readonly resource: AuthBackend;

  constructor(scope: Construct, id: string, props: AppRoleAuthBackendProps = {}) {
    super(scope, id);
    this.path = props.path ?? 'approle';
    claimAuthPath(this, this.path);
    this.resource = new AuthBackend(this, 'Resource', {
      type: 'approle',
      path: this.path,
      description: 'AppRole auth (Keyward)',
      lifecycle: lifecycleFor(props.allowDestroy),
    });
  }

  /** The mount path as a Terraform reference: roles using it are created after the backend. */
  public get backendRef(): string {
    return this.resource.path;
  }
}
