import { Construct, IConstruct } from 'constructs';
import { Token } from 'cdktf';
import { AwsAuthBackendClient } from '@cdktf/provider-vault/lib/aws-auth-backend-client';
import { fail } from '../core/errors';
import { AuthBackendBase, AuthBackendBaseProps } from './auth-backend';
import { sharedBackend } from './private/auth';
import { brand } from './private/brand';

/** Settings of an AWS auth backend (`path` defaults to "aws"). */
export interface AwsAuthBackendProps extends AuthBackendBaseProps {
  /**
   * Value every IAM login must carry in the signed `X-Vault-AWS-IAM-Server-ID` header
   * (`iam_server_id_header_value`), e.g. Vault's address. Without it a signed `sts:GetCallerIdentity` request made
   * for another Vault (or any service that accepts such requests) can be replayed here within its validity. Clients
   * send it with `header_value` (`vault login -method=aws header_value=…`). Declares the backend's
   * `vault_aws_auth_backend_client` with this setting only: AWS credentials stay in Vault's environment.
   * @default - no header required
   */
  readonly iamServerIdHeaderValue?: string;
}

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
    return sharedBackend(scope, p, 'AwsAuthBackend', (stack, id) => new AwsAuthBackend(stack, id, { path: p }));
  }

  /** The backend's client settings (`vault_aws_auth_backend_client`), declared when `iamServerIdHeaderValue` is set. */
  public readonly client?: AwsAuthBackendClient;

  constructor(scope: Construct, id: string, props: AwsAuthBackendProps = {}) {
    super(scope, id, 'aws', 'AWS IAM auth (Keyward)', props);
    brand(this, 'AwsAuthBackend');
    const header = props.iamServerIdHeaderValue;
    if (header !== undefined) {
      if (!Token.isUnresolved(header) && (header.trim() === '' || header !== header.trim())) {
        fail(this, 'aws-server-id-header', `iamServerIdHeaderValue ${JSON.stringify(header)} must be a non-empty value without surrounding whitespace`);
      }
      this.client = new AwsAuthBackendClient(this, 'Client', { backend: this.backendRef, iamServerIdHeaderValue: header });
    }
  }

}
