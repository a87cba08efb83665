import { Construct, IConstruct } from 'constructs';
import { AuthBackendBase, AuthBackendBaseProps } from './auth-backend';
import { sharedBackend } from './private/auth';
import { brand } from './private/brand';

/** Settings of an AppRole auth backend (`path` defaults to "approle"). */
export interface AppRoleAuthBackendProps extends AuthBackendBaseProps {}

/**
 * An AppRole auth backend (`vault_auth_backend` of type `approle`). Created once per stack and path: workloads without
 * an explicit `backend` share `AppRoleAuthBackend.of(scope)`.
 */
export class AppRoleAuthBackend extends AuthBackendBase {
  /**
   * The AppRole backend declared at `path` in the stack of `scope`, or a new one there.
   * @param path where the backend is mounted; default "approle"
   */
  public static of(scope: IConstruct, path?: string): AppRoleAuthBackend {
    const p = path ?? 'approle';
    return sharedBackend(scope, p, 'AppRoleAuthBackend', (stack, id) => new AppRoleAuthBackend(stack, id, { path: p }));
  }

  constructor(scope: Construct, id: string, props: AppRoleAuthBackendProps = {}) {
    super(scope, id, 'approle', 'AppRole auth (Keyward)', props);
    brand(this, 'AppRoleAuthBackend');
  }
}
