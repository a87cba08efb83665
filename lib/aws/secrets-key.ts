import { Duration, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { keyRotationPeriodProblems, kmsAliasProblems, kmsKeyArnProblems, parseArn, pendingWindowProblems } from '../core/aws-names';
import { fail, failOnProblems, formatViolation } from '../core/errors';
import { KeywardGrant } from './grant';
import { hashId, SecretTarget } from './private/access';
import { fmt, KEY_POLICY_MAX_BYTES, resolvedPolicySize } from './private/policy-size';
import { crossAccountPrincipal } from './private/principals';
import { claimUniqueName } from './private/unique-names';
import { WorkloadPolicy } from './workload-policy';

/** A KMS key that encrypts Keyward secrets. */
export interface ISecretsKey extends IConstruct {
  /** The key ARN. */
  readonly keyArn: string;
  /** The key id. */
  readonly keyId: string;
  /** The region of the key. */
  readonly keyRegion: string;
  /** The underlying aws-cdk-lib key, for passing to other constructs. */
  readonly key: kms.IKey;
  /**
   * Allow `grantee` to decrypt with this key directly (not only through Secrets Manager).
   * Same account: a statement in the workload's Keyward policy. Another account: a key-policy statement.
   */
  grantDecrypt(grantee: iam.IGrantable): KeywardGrant;
  /** Allow `grantee` to encrypt and decrypt with this key directly. Goes where {@link grantDecrypt} goes. */
  grantEncryptDecrypt(grantee: iam.IGrantable): KeywardGrant;
}

/** Properties of a {@link SecretsKey}. */
export interface SecretsKeyProps {
  /**
   * An alias for the key, `alias/<name>`; must not be in the reserved `alias/aws/` namespace.
   * @default - no alias
   */
  readonly alias?: string;
  /**
   * A description of the key.
   * @default "Keyward secrets key"
   */
  readonly description?: string;
  /**
   * How often the key material rotates (90 to 2560 days). Rotation is always on.
   * @default Duration.days(365)
   */
  readonly rotationPeriod?: Duration;
  /**
   * How long a deleted key stays recoverable (7 to 30 days).
   * @default Duration.days(30)
   */
  readonly pendingWindow?: Duration;
  /**
   * What happens to the key when it leaves the stack. Deleting the key makes every secret it encrypts unreadable.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Principals that administer the key in the key policy: describe it and read its policy, grants and tags, enable,
   * disable and rotate it, change its description, revoke grants, schedule and cancel its deletion. They cannot
   * encrypt or decrypt, and nothing they are given lets them grant that to anyone (no `kms:PutKeyPolicy`,
   * `kms:CreateGrant`, tags or aliases, which attribute-based policies may trust) unless
   * `administratorsMayGrantUse` is set. Users are granted through their workload policies, never the key policy.
   * @default - only the account (IAM policies decide)
   */
  readonly administrators?: iam.IPrincipal[];
  /**
   * Also give the administrators `kms:PutKeyPolicy`, `kms:CreateGrant`, `kms:TagResource`, `kms:UntagResource` and
   * alias management: each lets them give themselves or others decryption, so they are then as trusted as every reader.
   * @default false
   */
  readonly administratorsMayGrantUse?: boolean;
  /**
   * Create a multi-Region primary key (for secrets replicated to replica keys of the same id).
   * @default false
   */
  readonly multiRegion?: boolean;
}

/**
 * Key administration actions that neither use the key nor can give anyone its use. Listed one by one: a wildcard such
 * as `kms:Put*` or `kms:Create*` includes `kms:PutKeyPolicy` and `kms:CreateGrant`.
 */
const KEY_ADMIN_ACTIONS = [
  'kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListKeyPolicies', 'kms:ListKeyRotations', 'kms:ListGrants',
  'kms:ListResourceTags', 'kms:EnableKey', 'kms:DisableKey', 'kms:EnableKeyRotation', 'kms:DisableKeyRotation', 'kms:RotateKeyOnDemand',
  'kms:UpdateKeyDescription', 'kms:RevokeGrant', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion',
];
/** What `administratorsMayGrantUse` adds: each can hand out decryption (a key policy, a grant, a tag or alias that ABAC trusts). */
const KEY_ADMIN_GRANTING_ACTIONS = [
  'kms:PutKeyPolicy', 'kms:CreateGrant', 'kms:TagResource', 'kms:UntagResource', 'kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias',
];

/** Shared grant logic of created and imported keys. */
export abstract class SecretsKeyBase extends Construct implements ISecretsKey {
  public abstract readonly keyArn: string;
  public abstract readonly keyId: string;
  public abstract readonly keyRegion: string;
  public abstract readonly key: kms.IKey;

  public grantDecrypt(grantee: iam.IGrantable): KeywardGrant {
    return this.grantDirect(grantee, false);
  }

  public grantEncryptDecrypt(grantee: iam.IGrantable): KeywardGrant {
    return this.grantDirect(grantee, true);
  }

  /**
   * @internal Add a key-policy statement for a principal in another account (cross-account secret readers).
   * Imported keys cannot carry one: throws.
   */
  public _addCrossAccountStatement(statement: iam.PolicyStatement, why: string): void {
    void statement;
    fail(this, 'imported-key', `cannot ${why}: the key is imported, so Keyward cannot add the key-policy statement the other account needs; add it to the key policy where the key is defined`);
  }

  /**
   * @internal Let a principal of another account use the key through Secrets Manager for one more secret: one
   * key-policy statement per principal and action lists the exact secrets (`kms:EncryptionContext:SecretARN`).
   * Imported keys cannot carry one: throws.
   */
  public _allowCrossAccountSecret(principalArn: string, action: 'read' | 'write', target: SecretTarget, why: string): iam.PolicyStatement {
    void principalArn;
    void action;
    void target;
    return fail(this, 'imported-key', `cannot ${why}: the key is imported, so Keyward cannot add the key-policy statement the other account needs; add it to the key policy where the key is defined`);
  }

  private grantDirect(grantee: iam.IGrantable, encrypt: boolean): KeywardGrant {
    const actions = encrypt ? ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'] : ['kms:Decrypt'];
    const foreign = crossAccountPrincipal(grantee, Stack.of(this).account, this);
    if (foreign) {
      const statement = new iam.PolicyStatement({
        sid: `KeywardCrossAccount${encrypt ? 'EncryptDecrypt' : 'Decrypt'}${foreign.account}`,
        principals: [new iam.ArnPrincipal(foreign.arn)],
        actions,
        resources: ['*'],
      });
      this._addCrossAccountStatement(statement, `grant key use to ${foreign.arn} in account ${foreign.account}`);
      return new KeywardGrant({ principal: grantee.grantPrincipal, actions, resourceArns: [this.keyArn], resourceStatements: [statement] });
    }
    const policy = WorkloadPolicy.of(grantee);
    const statementIds = policy._allowKeyDirect(this.keyArn, true, encrypt);
    return new KeywardGrant({ principal: grantee.grantPrincipal, actions, resourceArns: [this.keyArn], policy, statementIds });
  }
}

/**
 * A customer-managed KMS key for secrets: rotation on, 30-day deletion window, retained on stack deletion. Its key
 * policy trusts only the account (so IAM policies decide) and the administrators; grants to workloads go to their
 * Keyward workload policies, so the key policy has the same bytes for 1 and 1,000 workloads.
 */
export class SecretsKey extends SecretsKeyBase {
  /** Import a key by its ARN (not an alias ARN: IAM cannot grant Decrypt on an alias). */
  public static fromKeyArn(scope: Construct, id: string, keyArn: string): ISecretsKey {
    return new ImportedSecretsKey(scope, id, keyArn);
  }

  /** @internal The default key of a stack, created on first use. */
  public static _defaultFor(scope: IConstruct): SecretsKey {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild('KeywardDefaultKey');
    if (existing) {
      return existing as SecretsKey;
    }
    return new SecretsKey(stack, 'KeywardDefaultKey', { description: `Keyward default key for secrets of stack ${stack.stackName}` });
  }

  public readonly keyArn: string;
  public readonly keyId: string;
  public readonly keyRegion: string;
  public readonly key: kms.IKey;
  /** The alias, if one was given. */
  public readonly alias?: kms.IAlias;
  private readonly inner: kms.Key;
  private readonly crossAccountReaders = new Map<string, { statement: iam.PolicyStatement; targets: Map<string, SecretTarget> }>();

  constructor(scope: Construct, id: string, props: SecretsKeyProps = {}) {
    super(scope, id);
    const rotationPeriod = props.rotationPeriod ?? Duration.days(365);
    const pendingWindow = props.pendingWindow ?? Duration.days(30);
    if (!rotationPeriod.isUnresolved()) {
      failOnProblems(this, 'key-rotation-period', keyRotationPeriodProblems(rotationPeriod.toDays({ integral: false })));
    }
    if (!pendingWindow.isUnresolved()) {
      failOnProblems(this, 'key-pending-window', pendingWindowProblems(pendingWindow.toDays({ integral: false })));
    }
    if (props.alias !== undefined && !Token.isUnresolved(props.alias)) {
      failOnProblems(this, 'key-alias', kmsAliasProblems(props.alias));
      claimUniqueName(this, 'key alias', props.alias, 'duplicate-key-alias');
    }
    this.inner = new kms.Key(this, 'Resource', {
      description: props.description ?? 'Keyward secrets key',
      enableKeyRotation: true,
      rotationPeriod,
      pendingWindow,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      multiRegion: props.multiRegion,
    });
    if (props.administrators && props.administrators.length > 0) {
      this.inner.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'KeywardAdministrators',
        principals: props.administrators,
        actions: [...KEY_ADMIN_ACTIONS, ...(props.administratorsMayGrantUse ? KEY_ADMIN_GRANTING_ACTIONS : [])],
        resources: ['*'],
      }));
    } else if (props.administratorsMayGrantUse) {
      fail(this, 'key-administrators', 'administratorsMayGrantUse is set but there are no administrators');
    }
    this.node.addValidation({
      validate: () => {
        const size = resolvedPolicySize(this, (this.inner.node.defaultChild as kms.CfnKey).keyPolicy, true);
        return size <= KEY_POLICY_MAX_BYTES ? [] : [formatViolation(this, 'key-policy-size', `the key policy would be ${fmt(size)} bytes `
          + `once resolved, over KMS's ${fmt(KEY_POLICY_MAX_BYTES)}; it would fail at deploy (${this.crossAccountReaders.size} cross-account `
          + 'principals, one statement each): let the other accounts\' principals assume one reader role per account instead')];
      },
    });
    if (props.alias !== undefined) {
      this.alias = this.inner.addAlias(props.alias);
    }
    this.key = this.inner;
    this.keyArn = this.inner.keyArn;
    this.keyId = this.inner.keyId;
    this.keyRegion = Stack.of(this).region;
  }

  /** @internal */
  public _addCrossAccountStatement(statement: iam.PolicyStatement, _why: string): void {
    this.inner.addToResourcePolicy(statement);
  }

  /** @internal */
  public _allowCrossAccountSecret(principalArn: string, action: 'read' | 'write', target: SecretTarget, _why: string): iam.PolicyStatement {
    const key = `${action}|${principalArn}`;
    let entry = this.crossAccountReaders.get(key);
    if (!entry) {
      const targets = new Map<string, SecretTarget>();
      const all = () => [...targets.values()];
      const listed = (values: string[]) => (values.length === 1 ? values[0] : values);
      const statement = new iam.PolicyStatement({
        sid: `KeywardCrossAccount${action === 'read' ? 'Decrypt' : 'Encrypt'}${Token.isUnresolved(principalArn) ? this.crossAccountReaders.size : hashId(principalArn).slice(0, 10)}`,
        principals: [new iam.ArnPrincipal(principalArn)],
        actions: action === 'read' ? ['kms:Decrypt'] : ['kms:Encrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:ViaService': Lazy.any({ produce: () => listed([...new Set(all().flatMap(t => t.regions))].map(r => `secretsmanager.${r}.amazonaws.com`)) }) },
          StringLike: { 'kms:EncryptionContext:SecretARN': Lazy.any({ produce: () => listed([...new Set(all().flatMap(t => t.arns))]) }) },
        },
      });
      this.inner.addToResourcePolicy(statement);
      entry = { statement, targets };
      this.crossAccountReaders.set(key, entry);
    }
    entry.targets.set(target.id, target);
    return entry.statement;
  }
}

class ImportedSecretsKey extends SecretsKeyBase {
  public readonly keyArn: string;
  public readonly keyId: string;
  public readonly keyRegion: string;
  public readonly key: kms.IKey;

  constructor(scope: Construct, id: string, keyArn: string) {
    super(scope, id);
    if (Token.isUnresolved(keyArn)) {
      fail(this, 'key-arn', 'the key ARN of an imported secrets key must be a concrete string (its region decides the kms:ViaService condition)');
    }
    failOnProblems(this, 'key-arn', kmsKeyArnProblems(keyArn));
    const parts = parseArn(keyArn).parts!;
    this.keyArn = keyArn;
    this.keyId = parts.resource.slice('key/'.length);
    this.keyRegion = parts.region;
    this.key = kms.Key.fromKeyArn(this, 'Resource', keyArn);
  }
}
