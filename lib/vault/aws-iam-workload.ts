import { Construct } from 'constructs';
import { AwsAuthBackendRole } from '@cdktf/provider-vault/lib/aws-auth-backend-role';
import { fail } from '../core/errors';
import { AwsAuthBackend } from './aws-auth-backend';
import { refuseUnresolved } from './private/unresolved';
import { VaultWorkload, VaultWorkloadProps } from './workload';

/** An AWS identity (IAM role or user) that logs in with a signed `sts:GetCallerIdentity` request. */
export interface AwsIamWorkloadProps extends VaultWorkloadProps {
  /**
   * The AWS backend to log in through.
   * @default AwsAuthBackend.of(this) — the stack's shared backend at `auth/aws`
   */
  readonly backend?: AwsAuthBackend;
  /**
   * ARNs of the IAM principals allowed to log in, e.g. `arn:aws:iam::123456789012:role/payments-api`, in a real
   * partition. Literal values only: a Terraform reference or variable would skip the checks (`binding-unresolved`).
   * A wildcard needs `resolveAwsUniqueIds: false`, a literal first character of the name, and may only be the last
   * character; assumed-role ARNs take no wildcard. To bind a role declared with Keyward's AWS side, write its ARN.
   */
  readonly boundIamPrincipalArns: string[];
  /**
   * Have Vault resolve each ARN to the principal's unique ID when the role is written (`resolve_aws_unique_ids`).
   * Then a role deleted and re-created with the same name cannot log in until the Vault role is written again, which
   * stops a look-alike principal from inheriting access. Needs `iam:GetRole`/`iam:GetUser` for Vault's AWS
   * credentials, and rules out wildcards in ARNs.
   * @default true
   */
  readonly resolveAwsUniqueIds?: boolean;
}

/** AWS partitions (`aws`, China, GovCloud, the isolated regions, the European Sovereign Cloud). */
const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'];
const ARN = /^arn:([a-z-]+|\*):(iam|sts)::(\d{12}|\*):[A-Za-z0-9+=,.@_\-/*]+$/;
/**
 * The resource part Keyward accepts: a literal `role/`, `user/` (IAM) or `assumed-role/` (STS), then a literal name
 * character before any wildcard. `*`, `*\/*`, `role*`, `role/*`, `role/**` match every principal of the account.
 */
const RESOURCE = /^arn:[^:]+:(iam::[^:]+:(role|user)|sts::[^:]+:assumed-role)\/[A-Za-z0-9+=,.@_-]/;

/**
 * An AWS IAM workload: a `vault_aws_auth_backend_role` with `auth_type = "iam"` and `bound_iam_principal_arns`,
 * bound to its own `vault_policy`.
 */
export class AwsIamWorkload extends VaultWorkload {
  /** The AWS backend the workload logs in through. */
  public readonly backend: AwsAuthBackend;
  /** The `vault_aws_auth_backend_role` resource. */
  public readonly role: AwsAuthBackendRole;

  constructor(scope: Construct, id: string, props: AwsIamWorkloadProps) {
    super(scope, id, props);
    this.backend = props.backend ?? AwsAuthBackend.of(this);
    this._claimRoleName(this.backend.path);
    const arns = props.boundIamPrincipalArns ?? [];
    const resolve = props.resolveAwsUniqueIds ?? true;
    if (arns.length === 0) {
      fail(this, 'aws-principal-arns', 'boundIamPrincipalArns is required and must not be empty');
    }
    refuseUnresolved(this, 'boundIamPrincipalArns', arns);
    for (const arn of arns) {
      if (!ARN.test(arn)) {
        fail(this, 'aws-principal-arns', `${JSON.stringify(arn)} is not an IAM principal ARN (arn:aws:iam::<account>:role/<name>)`);
      }
      const partition = arn.split(':')[1];
      if (!PARTITIONS.includes(partition)) {
        fail(this, 'aws-principal-arns', `${JSON.stringify(arn)} names no AWS partition (${PARTITIONS.join(', ')})`);
      }
      if (arn.includes('*') && resolve) {
        fail(this, 'aws-principal-arns', `${JSON.stringify(arn)} has a wildcard, which Vault only accepts with resolveAwsUniqueIds: false`);
      }
      if (/^arn:[^:]+:(iam|sts)::\*:/.test(arn)) {
        fail(this, 'aws-principal-arns', `${JSON.stringify(arn)} matches principals of every account`);
      }
      if (!RESOURCE.test(arn)) {
        fail(this, 'aws-principal-arns', `${JSON.stringify(arn)} matches every principal of an account (or is no role or user): `
          + 'the resource must be role/<name> or user/<name> with a literal first character of the name');
      }
      // Vault matches a wildcard only at the end of the ARN: anywhere else it is a prefix match on what comes before.
      if (arn.indexOf('*') !== -1 && arn.indexOf('*') !== arn.length - 1) {
        fail(this, 'aws-principal-arns', `${JSON.stringify(arn)} has a "*" before the end: Vault supports a wildcard only as the last character`);
      }
      if (arn.includes('*') && /^arn:[^:]+:sts::/.test(arn)) {
        fail(this, 'aws-principal-arns', `${JSON.stringify(arn)} is a wildcard assumed-role ARN: any session of any role whose name `
          + 'matches logs in; bind the role ARN (arn:<partition>:iam::<account>:role/<name>) instead');
      }
    }
    this.role = new AwsAuthBackendRole(this, 'Role', {
      backend: this.backend.backendRef,
      role: this.roleName,
      authType: 'iam',
      boundIamPrincipalArns: arns,
      resolveAwsUniqueIds: resolve,
      ...this._tokenConfig,
    });
  }
}
