import { Construct } from 'constructs';
import { AuthBackend } from '@cdktf/provider-vault/lib/auth-backend';
import { claimAuthPath, lifecycleFor } from './private/auth';

/** Settings every `vault_auth_backend`-based backend takes. */
export interface AuthBackendBaseProps {
  /**
   * Where the backend is mounted (`auth/<path>`).
   * @default - the method's name: "approle", "kubernetes" or "aws"
   */
  readonly path?: string;
  /**
   * Allow `terraform destroy` to remove the backend (and every role in it). Off by default: `prevent_destroy` is set.
   * @default false
   */
  readonly allowDestroy?: boolean;
}

/**
 * Shared logic of the auth backends declared as a `vault_auth_backend` (AppRole, Kubernetes, AWS): a validated path
 * claimed once in the stack, and `prevent_destroy` unless the caller opted out by name.
 */
export abstract class AuthBackendBase extends Construct {
  /** The mount path (`auth/<path>`). */
  public readonly path: string;
  /** The `vault_auth_backend` resource. */
  public readonly resource: AuthBackend;

  protected constructor(scope: Construct, id: string, backendType: string, description: string, props: AuthBackendBaseProps) {
    super(scope, id);
    this.path = props.path ?? backendType;
    claimAuthPath(this, this.path);
    this.resource = new AuthBackend(this, 'Resource', {
      type: backendType,
      path: this.path,
      description,
      lifecycle: lifecycleFor(props.allowDestroy),
    });
  }

  /** The mount path as a Terraform reference: roles using it are created after the backend. */
  public get backendRef(): string {
    return this.resource.path;
  }
}
