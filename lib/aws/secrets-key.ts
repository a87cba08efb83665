import { Duration, Lazy, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { keyRotationPeriodProblems, kmsAliasProblems, kmsKeyArnProblems, parseArn, pendingWindowProblems } from '../core/aws-names';
import { fail, failOnProblems, formatViolation } from '../core/errors';
import { hashId, SecretTarget } from './private/access';
import { policyGrant, resourcePolicyGrant } from './private/grants';
import { fmt, KEY_POLICY_MAX_BYTES, resolvedPolicySize } from './private/policy-size';
import { appIdentityBehind, crossAccountPrincipal, flattenCfnString } from './private/principals';
import { claimUniqueName } from './private/unique-names';
import { WorkloadPolicy } from './workload-policy';

/**
 * A KMS key that encrypts Keyward secrets: an aws-cdk-lib `kms.IKey`, so it can be passed to any aws-cdk-lib API that
 * takes one. Grants made through it go to the grantee's Keyward workload policy (same account) or to a key-policy
 * statement (a principal of another account, Keyward keys only).
 */
export interface ISecretsKey extends kms.IKey {
  /** The region of the key. */
  readonly keyRegion: string;
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

/** What `grantEncrypt` allows (as aws-cdk-lib's keys). */
const ENCRYPT_ACTIONS = ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];

/** Shared logic of created and imported keys: the aws-cdk-lib `IKey` surface and the grants. */
export abstract class SecretsKeyBase extends Resource implements ISecretsKey {
  /** Key-policy statements for principals of other accounts (direct use), by Sid. */
  private readonly crossAccountDirect = new Map<string, iam.PolicyStatement>();
  public abstract readonly keyArn: string;
  public abstract readonly keyId: string;
  public abstract readonly keyRegion: string;

  public get keyRef(): kms.KeyReference {
    return { keyArn: this.keyArn, keyId: this.keyId };
  }

  /**
   * Allow `grantee` to decrypt with this key directly (not only through Secrets Manager).
   * Same account: a statement in the workload's Keyward policy. Another account: a key-policy statement.
   */
  public grantDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grantDirect(grantee, ['kms:Decrypt']);
  }

  /** Allow `grantee` to encrypt with this key directly. Goes where {@link grantDecrypt} goes. */
  public grantEncrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grantDirect(grantee, ENCRYPT_ACTIONS);
  }

  /** Allow `grantee` to encrypt and decrypt with this key directly. Goes where {@link grantDecrypt} goes. */
  public grantEncryptDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grantDirect(grantee, ['kms:Decrypt', ...ENCRYPT_ACTIONS]);
  }

  /** Allow `grantee` the given KMS actions on this key. Goes where {@link grantDecrypt} goes. */
  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    for (const a of actions) {
      if (Token.isUnresolved(a) || !/^kms:[A-Za-z*]+$/.test(a)) {
        fail(this, 'key-grant-action', `"${a}" is not a KMS action (kms:<Action>)`);
      }
    }
    if (actions.length === 0) {
      fail(this, 'key-grant-action', 'grant needs at least one action');
    }
    return this.grantDirect(grantee, actions);
  }

  /** Keyward keys are symmetric encryption keys: throws. */
  public grantSign(_grantee: iam.IGrantable): iam.Grant {
    return this.notForUse('sign');
  }

  /** Keyward keys are symmetric encryption keys: throws. */
  public grantVerify(_grantee: iam.IGrantable): iam.Grant {
    return this.notForUse('verify');
  }

  /** Keyward keys are symmetric encryption keys: throws. */
  public grantSignVerify(_grantee: iam.IGrantable): iam.Grant {
    return this.notForUse('sign and verify');
  }

  /** Keyward keys are symmetric encryption keys: throws. */
  public grantGenerateMac(_grantee: iam.IGrantable): iam.Grant {
    return this.notForUse('generate MACs');
  }

  /** Keyward keys are symmetric encryption keys: throws. */
  public grantVerifyMac(_grantee: iam.IGrantable): iam.Grant {
    return this.notForUse('verify MACs');
  }

  /**
   * Add an alias (`alias/<name>`, not in `alias/aws/`), unique per account and region across the app.
   */
  public addAlias(aliasName: string): kms.Alias {
    if (!Token.isUnresolved(aliasName)) {
      failOnProblems(this, 'key-alias', kmsAliasProblems(aliasName));
      claimUniqueName(this, 'key alias', aliasName, 'duplicate-key-alias');
    }
    return this._createAlias(aliasName);
  }

  /**
   * Add a statement to the key policy, as asked (Keyward keys). Imported keys: not added — or, with `allowNoOp`
   * false, throws.
   */
  public addToResourcePolicy(statement: iam.PolicyStatement, allowNoOp: boolean = true): iam.AddToResourcePolicyResult {
    void statement;
    if (!allowNoOp) {
      fail(this, 'imported-key', 'the key is imported, so Keyward cannot add a statement to its key policy; add it where the key is defined');
    }
    return { statementAdded: false };
  }

  /** @internal */
  protected abstract _createAlias(aliasName: string): kms.Alias;

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

  private notForUse(what: string): never {
    return fail(this, 'key-usage', `cannot grant the right to ${what} with this key: Keyward keys are symmetric encryption keys (ENCRYPT_DECRYPT)`);
  }

  private grantDirect(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    const foreign = crossAccountPrincipal(grantee, Stack.of(this).account, this);
    if (foreign) {
      const kind = actions.length === 1 && actions[0] === 'kms:Decrypt' ? 'Decrypt'
        : actions.length === 1 + ENCRYPT_ACTIONS.length && actions[0] === 'kms:Decrypt' ? 'EncryptDecrypt'
          : `Use${hashId(actions.join(',')).slice(0, 8)}`;
      // One statement per principal and set of actions (two principals of one account must not share a Sid).
      const sid = `KeywardCrossAccount${kind}${hashId(foreign.arn).slice(0, 10)}`;
      const statement = this.crossAccountDirect.get(sid) ?? new iam.PolicyStatement({
        sid,
        principals: [new iam.ArnPrincipal(foreign.arn)],
        actions,
        resources: ['*'],
      });
      if (!this.crossAccountDirect.has(sid)) {
        this._addCrossAccountStatement(statement, `grant key use to ${foreign.arn} in account ${foreign.account}`);
        this.crossAccountDirect.set(sid, statement);
      }
      return resourcePolicyGrant(grantee, this, this, statement, [this.keyArn]);
    }
    const principal = grantee.grantPrincipal;
    if (!Construct.isConstruct(principal)) {
      // aws-cdk-lib's kms.ViaServicePrincipal(service, role) and the like: the role's Keyward policy, with the conditions.
      const behind = appIdentityBehind(principal, this);
      if (behind) {
        const policy = WorkloadPolicy.of(behind.identity);
        policy._allowKeyActions(this.keyArn, actions, behind.conditions);
        return policyGrant(policy, [{ actions, resources: [this.keyArn], conditions: behind.conditions as { [operator: string]: { [key: string]: unknown } } }]);
      }
      // A service, or this account's root (through a service): what aws-cdk-lib's keys do, a key-policy statement for
      // exactly that principal — or, on an imported key, an error rather than a dropped grant. Anyone else (anyone at
      // all, an organisation, a federated identity, a role given by ARN) is refused: the key policy would grant it
      // outside every workload policy.
      const refused = keyPolicyPrincipalProblem(Stack.of(this), principal);
      if (refused !== undefined) {
        fail(this, 'workload-principal', `cannot grant ${actions.join(', ')} to ${JSON.stringify(Stack.of(this).resolve(principal.policyFragment.principalJson))}: `
          + `${refused}; grant a role or user of this app (its Keyward policy), a service, or a principal of another account by ARN`);
      }
      const statement = new iam.PolicyStatement({ actions, resources: ['*'], principals: [principal] });
      if (!this.addToResourcePolicy(statement).statementAdded) {
        fail(this, 'workload-principal', `cannot grant ${actions.join(', ')} to ${JSON.stringify(Stack.of(this).resolve(principal.policyFragment.principalJson))}: `
          + 'it is not a role or user of this app, and the key is imported, so its key policy cannot take the statement');
      }
      return resourcePolicyGrant(grantee, this, this, statement, [this.keyArn]);
    }
    const policy = WorkloadPolicy.of(grantee);
    policy._allowKeyActions(this.keyArn, actions);
    return policyGrant(policy, [{ actions, resources: [this.keyArn] }]);
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
    this.keyArn = this.inner.keyArn;
    this.keyId = this.inner.keyId;
    this.keyRegion = Stack.of(this).region;
    if (props.alias !== undefined) {
      this.alias = this.addAlias(props.alias);
    }
  }

  /** Add a statement to the key policy, as asked. */
  public addToResourcePolicy(statement: iam.PolicyStatement, allowNoOp: boolean = true): iam.AddToResourcePolicyResult {
    return this.inner.addToResourcePolicy(statement, allowNoOp);
  }

  /** What happens to the key when it leaves the stack. */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    this.inner.applyRemovalPolicy(policy);
  }

  /** @internal */
  public _addCrossAccountStatement(statement: iam.PolicyStatement, _why: string): void {
    this.inner.addToResourcePolicy(statement);
  }

  /** @internal */
  protected _createAlias(aliasName: string): kms.Alias {
    return this.inner.addAlias(aliasName);
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
  }

  /** @internal */
  protected _createAlias(aliasName: string): kms.Alias {
    return new kms.Alias(this, `Alias${hashId(aliasName).slice(0, 8)}`, { aliasName, targetKey: this });
  }
}

/**
 * Why a principal that is not a role or user of the app may not get a key-policy statement, or undefined when it may:
 * only services, and this account's root (the key policy's own trust, e.g. aws-cdk-lib's ViaServicePrincipal of the
 * account root for a secret encrypted with the key).
 */
function keyPolicyPrincipalProblem(stack: Stack, principal: iam.IPrincipal): string | undefined {
  const json = stack.resolve(principal.policyFragment.principalJson) as { [k: string]: unknown };
  const kinds = Object.keys(json);
  if (kinds.length === 1 && kinds[0] === 'Service') {
    return undefined;
  }
  if (kinds.length !== 1 || kinds[0] !== 'AWS') {
    return `a key policy takes AWS principals and services, not ${kinds.join(', ')}`;
  }
  const values = [json.AWS].flat();
  const own = (v: unknown): boolean => {
    const text = flattenCfnString(v);
    return text !== undefined && (text === stack.account || text === `arn:${stack.partition}:iam::${stack.account}:root`
      || text === 'arn:{AWS.Partition}:iam::{AWS.AccountId}:root' || text === `arn:${stack.partition}:iam::{AWS.AccountId}:root`
      || text === `arn:{AWS.Partition}:iam::${stack.account}:root`);
  };
  return values.every(own) ? undefined : 'it is neither a service nor this account\'s root, nor a role or user of this stack';
}
