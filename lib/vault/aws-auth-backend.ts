import { Construct, IConstruct } from 'constructs';
import { AuthBackendBase, AuthBackendBaseProps } from './auth-backend';
import { sharedBackend } from './private/auth';

/** Settings of an AWS auth backend (`path` defaults to "aws"). */
export interface AwsAuthBackendProps extends AuthBackendBaseProps {}

/**
 * An AWS auth backend (`vault_auth_backend` of type `aws`), for workloads that log in with a signed
 * `sts:GetCallerIdentity` request (`auth_type = "iam"`). Created once per stack and path: workloads without an
 * explicit `backend` share `AwsAuthBackend.of(scope)`.
 *
 * Vault's AWS client settings (`vault_aws_auth_backend_client`) are left to the environment Vault runs in: keys
 * there would be credentials in Terraform state.
 */
export class AwsAuthBackend extends AuthBackendBase {
  /**
   * The AWS backend declared at `path` in the stack of `scope`, or a new one there.
   * @param path where the backend is mounted; default "aws"
   */
  public static of(scope: IConstruct, path?: string): AwsAuthBackend {
    const p = path ?? 'aws';
    return sharedBackend(scope, p, AwsAuthBackend, (stack, id) => new AwsAuthBackend(stack, id, { path: p }));
  }

  constructor(scope: Construct, id: string, props: AwsAuthBackendProps = {}) {
    super(scope, id, 'aws', 'AWS IAM auth (Keyward)', props);
  }
}
