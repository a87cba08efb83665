import { Construct, IConstruct } from 'constructs';
import { AuthBackend } from '@cdktf/provider-vault/lib/auth-backend';
import { claimAuthPath, lifecycleFor, sharedBackend } from './private/auth';

/** Settings of an AWS auth backend. */
export interface AwsAuthBackendProps {
  /**
   * Where the backend is mounted (`auth/<path>`).
   * @default "aws"
   */
  readonly path?: string;
  /**
   * Allow `terraform destroy` to remove the backend (and every role in it). Off by default: `prevent_destroy` is set.
   * @default false
   */
  readonly allowDestroy?: boolean;
}

/**
 * An AWS auth backend (`vault_auth_backend` of type `aws`), for workloads that log in with a signed
 * `sts:GetCallerIdentity` request (`auth_type = "iam"`). Created once per stack and path: workloads without an
 * explicit `backend` share `AwsAuthBackend.of(scope)`.
 *
 * Vault's AWS client settings (`vault_aws_auth_backend_client`) are left to the environment Vault runs in: keys
 * there would be credentials in Terraform state.
 */
export class AwsAuthBackend extends Construct {
  /**
   * The AWS backend declared at `path` in the stack of `scope`, or a new one there.
   * @param path where the backend is mounted; default "aws"
   */
  public static of(scope: IConstruct, path?: string): AwsAuthBackend {
    const p = path ?? 'aws';
    return sharedBackend(scope, p, AwsAuthBackend, (stack, id) => new AwsAuthBackend(stack, id, { path: p }));
  }

  /** The mount path (`auth/<path>`). */
  public readonly path: string;
  /** The `vault_auth_backend` resource. */
  public readonly resource: AuthBackend;

  constructor(scope: Construct, id: string, props: AwsAuthBackendProps = {}) {
    super(scope, id);
    this.path = props.path ?? 'aws';
    claimAuthPath(this, this.path);
    this.resource = new AuthBackend(this, 'Resource', {
      type: 'aws',
      path: this.path,
      description: 'AWS IAM auth (Keyward)',
      lifecycle: lifecycleFor(props.allowDestroy),
    });
  }

  /** The mount path as a Terraform reference: roles using it are created after the backend. */
  public get backendRef(): string {
    return this.resource.path;
  }
}
