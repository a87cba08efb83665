// Internal: a secret's key as the secret shows it to aws-cdk-lib (`secret.encryptionKey`).
//
// aws-cdk-lib code that reads a secret also asks for its key: `secret.encryptionKey.grantDecrypt(role)` (RDS proxy),
// `grantEncryptDecrypt(...)` (rotation). What it asks for is the use of the key for that secret, which is what a
// workload reading the secret through Secrets Manager needs. Granting the key itself would let the role decrypt every
// secret the key encrypts. So grants through this view allow the key only through Secrets Manager for this secret
// (kms:ViaService and kms:EncryptionContext:SecretARN), in the grantee's Keyward policy; everything else is the key's.
import { RemovalPolicy, Resource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { fail } from '../../core/errors';
import type { ISecretsKey } from '../secrets-key';
import { WorkloadPolicy } from '../workload-policy';
import type { SecretTarget } from './access';
import { policyGrant } from './grants';
import { appIdentityBehind, crossAccountPrincipal } from './principals';

const DECRYPT = ['kms:Decrypt'];
const ENCRYPT = ['kms:Encrypt', 'kms:GenerateDataKey'];
/** Actions a grant through the view may name: what Secrets Manager uses the key for. */
const VIA_SECRETS_MANAGER = new Set(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKey*', 'kms:ReEncrypt*']);

export class SecretKeyView extends Resource implements kms.IKey {
  public readonly keyArn: string;
  public readonly keyId: string;

  constructor(scope: Construct, id: string, private readonly key: ISecretsKey, private readonly target: () => SecretTarget) {
    super(scope, id, { account: key.env.account, region: key.env.region });
    this.keyArn = key.keyArn;
    this.keyId = key.keyId;
  }

  public get keyRef(): kms.KeyReference {
    return this.key.keyRef;
  }

  public addAlias(aliasName: string): kms.Alias {
    return this.key.addAlias(aliasName);
  }

  public addToResourcePolicy(statement: iam.PolicyStatement, allowNoOp?: boolean): iam.AddToResourcePolicyResult {
    return this.key.addToResourcePolicy(statement, allowNoOp);
  }

  public applyRemovalPolicy(policy: RemovalPolicy): void {
    this.key.applyRemovalPolicy(policy);
  }

  public grantDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grantForSecret(grantee, true, false);
  }

  public grantEncrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grantForSecret(grantee, false, true);
  }

  public grantEncryptDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grantForSecret(grantee, true, true);
  }

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    const other = actions.filter(a => !VIA_SECRETS_MANAGER.has(a));
    if (actions.length === 0 || other.length > 0) {
      fail(this.node.scope!, 'key-grant-action', `cannot grant ${other.length > 0 ? other.join(', ') : 'no action'} through the secret's key: `
        + 'a grant on secret.encryptionKey allows the key through Secrets Manager for this secret only; grant other use on the key itself (secret.secretsKey)');
    }
    // What Secrets Manager does with the key: decrypt a value (kms:Decrypt), or encrypt a new one (kms:Encrypt and
    // kms:GenerateDataKey, granted together as grantEncrypt does). Part of an encryption set would be widened: refused.
    const encryption = actions.filter(a => a !== 'kms:Decrypt');
    const whole = encryption.length === 0 || (encryption.some(a => a === 'kms:Encrypt') && encryption.some(a => a.startsWith('kms:GenerateDataKey')));
    if (!whole) {
      fail(this.node.scope!, 'key-grant-action', `cannot grant ${encryption.join(', ')} alone through the secret's key: Secrets Manager encrypts with `
        + 'kms:Encrypt and kms:GenerateDataKey together (grantEncrypt); grant other use on the key itself (secret.secretsKey)');
    }
    return this.grantForSecret(grantee, actions.includes('kms:Decrypt'), encryption.length > 0);
  }

  public grantSign(_grantee: iam.IGrantable): iam.Grant {
    return this.key.grantSign(_grantee);
  }

  public grantVerify(_grantee: iam.IGrantable): iam.Grant {
    return this.key.grantVerify(_grantee);
  }

  public grantSignVerify(_grantee: iam.IGrantable): iam.Grant {
    return this.key.grantSignVerify(_grantee);
  }

  public grantGenerateMac(_grantee: iam.IGrantable): iam.Grant {
    return this.key.grantGenerateMac(_grantee);
  }

  public grantVerifyMac(_grantee: iam.IGrantable): iam.Grant {
    return this.key.grantVerifyMac(_grantee);
  }

  private grantForSecret(grantee: iam.IGrantable, decrypt: boolean, encrypt: boolean): iam.Grant {
    const secret = this.node.scope!;
    if (crossAccountPrincipal(grantee, Stack.of(secret).account, secret)) {
      fail(secret, 'cross-account', 'a principal of another account is granted a secret with secret.grantRead/grantWrite, which adds the '
        + 'key-policy statement for this secret; the secret\'s encryptionKey cannot add it alone');
    }
    const target = this.target();
    let workload = grantee;
    if (!Construct.isConstruct(grantee.grantPrincipal)) {
      // aws-cdk-lib's kms.ViaServicePrincipal('secretsmanager.<region>.amazonaws.com', role) (a rotation schedule, a
      // secret attachment): the role, for this secret through Secrets Manager — which is what the view grants anyway.
      const behind = appIdentityBehind(grantee.grantPrincipal, secret);
      const viaSecretsManager = behind !== undefined && Object.entries(Stack.of(secret).resolve(behind.conditions) as { [op: string]: { [k: string]: unknown } })
        .every(([op, c]) => op === 'StringEquals' && Object.entries(c).every(([k, v]) => k === 'kms:ViaService'
          && [v].flat().every(x => typeof x === 'string' && /^secretsmanager\.[a-z0-9-]+\.amazonaws\.com$/.test(x))));
      if (!behind || !viaSecretsManager) {
        fail(secret, 'workload-principal', `cannot grant the secret's key to ${JSON.stringify(Stack.of(secret).resolve(grantee.grantPrincipal.policyFragment.principalJson))}: `
          + 'a grant on secret.encryptionKey is for a role or user of this app, through Secrets Manager; grant the key itself (secretsKey) for anything else');
      }
      workload = behind.identity;
    }
    const policy = WorkloadPolicy.of(workload);
    policy._allowSecretKeys(decrypt, encrypt, target);
    return policyGrant(policy, [{
      actions: [...(decrypt ? DECRYPT : []), ...(encrypt ? ENCRYPT : [])],
      resources: [...new Set(target.keyArns)],
      conditions: {
        StringEquals: { 'kms:ViaService': [...new Set(target.regions)].map(r => `secretsmanager.${r}.amazonaws.com`) },
        StringLike: { 'kms:EncryptionContext:SecretARN': target.arns },
      },
    }]);
  }
}
