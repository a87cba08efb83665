import { DefaultStackSynthesizer, Fn, Lazy, RemovalPolicy, Resource, SecretsManagerSecretOptions, SecretValue, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { accountProblems, parseSecretArn, regionProblems, secretNameProblems, secretRotationPeriodProblems, tagProblems } from '../core/aws-names';
import { fail, failOnProblems, formatViolation } from '../core/errors';
import { MIN_REASON, visibleLength } from '../core/reason';
import { GrantMode } from './grant';
import { combine, policyGrant, resourcePolicyGrant, secretGrantStatements } from './private/grants';
import { registerForCodeBuild } from './private/codebuild-secrets';
import { SecretKeyView } from './private/secret-key-view';
import { acknowledgeWithoutTrace } from './private/nag';
import { assertNoPlaintext } from './private/plaintext';
import { assertWorkloadPrincipal, crossAccountPrincipal, flattenCfnString } from './private/principals';
import { claimUniqueName } from './private/unique-names';
import { SecretContent } from './secret-content';
import { assertNoSecretText } from './private/secret-text';
import { SecretRotation, SecretRotationKind } from './secret-rotation';
import { ISecretsKey, SecretsKey, type SecretsKeyBase } from './secrets-key';
import { accountsDiffer, ACCESS_TAG_PREFIX, DENIED_TAG_KEYS, isReservedTagKey, secretActions, SecretScope, SecretTarget } from './private/access';
import { fmt, resolvedPolicySize, SECRET_POLICY_MAX_CHARS } from './private/policy-size';
import { WorkloadPolicy } from './workload-policy';

/** The id of a secret's view of its key (see SecretBase.encryptionKey). */
const KEY_VIEW_ID = 'EncryptionKey';
/** The most tags a Secrets Manager secret can carry. */
const MAX_SECRET_TAGS = 50;
/** Tags Keyward sets on every secret: `keyward:value-source` and `keyward:rotation`. */
const KEYWARD_FIXED_TAGS = 2;

/**
 * A Secrets Manager secret that Keyward can grant: an aws-cdk-lib `secretsmanager.ISecret`, so it can be passed to
 * any aws-cdk-lib API that takes one (RDS credentials and proxies, `ecs.Secret.fromSecretsManager`, CodeBuild, hosted
 * rotation). Every grant made through it — by the app or by aws-cdk-lib code — lands in the grantee's Keyward
 * workload policy (or, for a principal of another account, the secret's and key's resource policies).
 */
export interface ISecret extends secretsmanager.ISecret {
  /**
   * The ARN as IAM must match it: the complete ARN, or the partial ARN followed by `-??????`.
   */
  readonly secretArnForPolicies: string;
  /**
   * The Keyward key that encrypts the secret (the same key as `encryptionKey`).
   * @default - AWS-managed `aws/secretsmanager` key (imports that say so)
   */
  readonly secretsKey?: ISecretsKey;
  /** Whether Keyward created (and can tag) the secret. */
  readonly keywardOwned: boolean;
}

/** A replica of a secret in another region. */
export interface SecretReplica {
  /** The replica region. */
  readonly region: string;
  /** The key that encrypts the replica, in that region (e.g. `SecretsKey.fromKeyArn`). Never the AWS-managed key. */
  readonly encryptionKey: ISecretsKey;
}

/** Properties of a {@link Secret}. */
export interface SecretProps {
  /**
   * The secret name: 1 to 512 characters of `[A-Za-z0-9/_+=.@-]`, not ending in `-` + 6 characters.
   * @default - a name CloudFormation generates
   */
  readonly secretName?: string;
  /**
   * A description.
   * @default - none (declared-only secrets get a note saying how the value is set)
   */
  readonly description?: string;
  /**
   * The key that encrypts the secret.
   * @default - the stack's Keyward default key (one customer-managed key per stack), never `aws/secretsmanager`
   */
  readonly encryptionKey?: ISecretsKey;
  /**
   * The value: generated, a deploy-time reference, or declared only. There is no way to give a literal.
   * @default SecretContent.generated()
   */
  readonly content?: SecretContent;
  /**
   * The rotation decision. Required before synthesis: give it here or with `decideRotation`.
   * @default - none: synthesis fails until a decision is made
   */
  readonly rotation?: SecretRotation;
  /**
   * Regions the secret is replicated to, each with its own key. Read grants cover the replicas.
   * @default - no replicas
   */
  readonly replicas?: SecretReplica[];
  /**
   * What happens to the secret when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Tags. Keys starting with `keyward:` are reserved.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
  /**
   * Accounts besides the owning one that the resource policy does not deny (cross-account readers granted with
   * `grantRead` are added automatically).
   * @default - only the owning account
   */
  readonly sharedWithAccounts?: string[];
  /**
   * Principals (ARNs, wildcards allowed) besides the deployment path that may set or remove `keyward:*` tags on the
   * secret. The resource policy denies that to everyone else, because tag-mode grants read those tags.
   * @default - only CloudFormation: the stack synthesizer's CloudFormation execution role, and calls made through
   * CloudFormation (`aws:CalledVia`)
   */
  readonly tagAdministrators?: string[];
}

/** Options for importing a secret. */
export interface ImportedSecretOptions {
  /**
   * The customer-managed key that encrypts the secret; grants add kms:Decrypt through Secrets Manager on it.
   * @default - none: then `awsManagedKey` must be true, or grants throw
   */
  readonly encryptionKey?: ISecretsKey;
  /**
   * Say that the secret is encrypted with the AWS-managed `aws/secretsmanager` key (no KMS statement needed in the
   * same account).
   * @default false
   */
  readonly awsManagedKey?: boolean;
}

/** Shared logic of created, imported and attached Keyward secrets: the aws-cdk-lib `ISecret` surface and the grants. */
export abstract class SecretBase extends Resource implements ISecret {
  public abstract readonly secretArn: string;
  public abstract readonly secretArnForPolicies: string;
  public abstract readonly secretName: string;
  public abstract readonly secretsKey?: ISecretsKey;
  public abstract readonly keywardOwned: boolean;

  /**
   * The key that encrypts the secret, as aws-cdk-lib sees it: the key's ARN and id, and grants that allow it only
   * through Secrets Manager for this secret (what aws-cdk-lib means by `secret.encryptionKey.grantDecrypt(role)`, e.g.
   * for an RDS proxy). Grant other use of the key on the key itself (`secretsKey`).
   */
  public get encryptionKey(): kms.IKey | undefined {
    const key = this.secretsKey;
    if (key === undefined) {
      return undefined;
    }
    // Made on first use (most secrets are never asked for their key): a child construct, found again by its id.
    const existing = this.node.tryFindChild(KEY_VIEW_ID) as kms.IKey | undefined;
    return existing ?? new SecretKeyView(this, KEY_VIEW_ID, key, () => this._viewTarget());
  }

  /** @internal What a grant through the key view names: this secret (and its replicas). */
  public abstract _viewTarget(): SecretTarget;

  /** @internal The concrete name, if known (CodeBuild variables may name the secret). */
  public abstract _givenName(): string | undefined;

  /** @internal Where the secret lives. */
  public abstract _home(): SecretScope;

  /** The complete ARN, when known (Keyward secrets and complete-ARN imports). */
  public get secretFullArn(): string | undefined {
    return undefined;
  }

  public get secretRef(): secretsmanager.SecretReference {
    return { secretId: this.secretArn };
  }

  /** A dynamic reference to the whole value: resolved by CloudFormation at deploy, never written to the template. */
  public get secretValue(): SecretValue {
    return this.secretValueFromJson('');
  }

  /** A dynamic reference to one JSON field of the value (CloudFormation resolves it at deploy). */
  public secretValueFromJson(jsonField: string): SecretValue {
    return SecretValue.secretsManager(this.secretArn, { jsonField });
  }

  public cfnDynamicReferenceKey(options: SecretsManagerSecretOptions = {}): string {
    return SecretValue.cfnDynamicReferenceKey(this.secretArn, options);
  }

  /**
   * Allow `grantee` to read the secret value (GetSecretValue, DescribeSecret), and decrypt it through Secrets
   * Manager: a statement in the grantee's Keyward workload policy (or resource-policy statements for a principal of
   * another account). Version stages are not supported (Keyward grants every stage); giving them throws.
   */
  public grantRead(grantee: iam.IGrantable, versionStages?: string[]): iam.Grant {
    if (versionStages !== undefined) {
      fail(this, 'version-stages', `cannot limit a grant to version stages ${JSON.stringify(versionStages)}: Keyward grants read of the `
        + 'secret, every stage; a policy that silently granted more than asked would widen access, so this throws');
    }
    assertWorkloadPrincipal(this, grantee, 'read');
    return this._grantAccess(grantee, 'read');
  }

  /** Allow `grantee` to write new values (PutSecretValue, UpdateSecretVersionStage), and encrypt them through Secrets Manager. */
  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    assertWorkloadPrincipal(this, grantee, 'write');
    return this._grantAccess(grantee, 'write');
  }

  /**
   * Add a rotation schedule the aws-cdk-lib way (`RotationSchedule`). Hosted rotation and functions created elsewhere
   * (e.g. a Serverless Application Repository rotation function) are passed on as they are; a function of this app is
   * granted read, write and `GetRandomPassword` through its Keyward workload policy, never its default policy.
   */
  public addRotationSchedule(id: string, options: secretsmanager.RotationScheduleOptions): secretsmanager.RotationSchedule {
    const fn = options.rotationLambda;
    if (fn !== undefined && fn.permissionsNode.defaultChild !== undefined) {
      // A function of this app: Keyward's grants, then aws-cdk-lib's schedule with a view of the function that carries
      // no role, so aws-cdk-lib adds nothing to its default policy.
      this._grantRotationFunction(fn);
      const view = lambda.Function.fromFunctionAttributes(this, `${id}Function`, { functionArn: fn.functionArn, sameEnvironment: true });
      const schedule = new secretsmanager.RotationSchedule(this, id, { ...options, secret: this, rotationLambda: view });
      schedule.node.addDependency(WorkloadPolicy.of(fn));
      this._rotationScheduled(schedule, SecretRotationKind.LAMBDA);
      return schedule;
    }
    const schedule = new secretsmanager.RotationSchedule(this, id, { ...options, secret: this });
    this._rotationScheduled(schedule, options.hostedRotation !== undefined ? SecretRotationKind.HOSTED : SecretRotationKind.LAMBDA);
    return schedule;
  }

  /**
   * @internal What a rotation function of this app needs: Secrets Manager may invoke it (from this account), and it may
   * read and write the secret and call GetRandomPassword, through its Keyward workload policy.
   */
  public _grantRotationFunction(fn: lambda.IFunction): void {
    fn.addPermission(`KeywardRotation${this.node.addr.slice(0, 8)}`, {
      principal: new iam.ServicePrincipal('secretsmanager.amazonaws.com'),
      sourceAccount: Stack.of(this).account,
    });
    this.grantRead(fn);
    this.grantWrite(fn);
    WorkloadPolicy.of(fn)._allowRandomPassword();
  }

  /** @internal A rotation schedule was added with addRotationSchedule (a Keyward secret records it as its rotation decision). */
  public _rotationScheduled(schedule: secretsmanager.RotationSchedule, kind: SecretRotationKind): void {
    void schedule;
    void kind;
  }

  /**
   * Add a statement to the secret's resource policy, as asked. Keyward's own deny statements (principals outside the
   * owning and shared accounts, `keyward:*` tag changes) stay and win. Imported secrets: not added.
   */
  public addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    void statement;
    return { statementAdded: false };
  }

  /** Deny `secretsmanager:DeleteSecret` to the account root in the resource policy (Keyward secrets only). */
  public denyAccountRootDelete(): void {
    this.addToResourcePolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:DeleteSecret'],
      effect: iam.Effect.DENY,
      resources: ['*'],
      principals: [new iam.AccountRootPrincipal()],
    }));
  }

  /**
   * Attach the secret to a database (RDS instance or cluster, proxy, ...): a `SecretTargetAttachment`. The result is a
   * Keyward secret too: its grants go where this secret's go.
   */
  public attach(target: secretsmanager.ISecretAttachmentTarget): secretsmanager.ISecret {
    if (this.node.tryFindChild('Attachment')) {
      fail(this, 'secret-attachment', 'the secret is already attached to a target');
    }
    const config = target.asSecretAttachmentTarget();
    const attachment = new secretsmanager.CfnSecretTargetAttachment(this, 'Attachment', {
      secretId: this.secretArn,
      targetId: config.targetId,
      targetType: config.targetType,
    });
    return new AttachedSecret(this, 'AttachedSecret', this, attachment.ref);
  }

  /** @internal */
  public abstract _grantAccess(grantee: iam.IGrantable, action: 'read' | 'write'): iam.Grant;
}

/**
 * A secret after `attach`: the same secret, referenced through its attachment (so a database reads the secret once
 * the attachment exists). Grants are the attached secret's.
 */
class AttachedSecret extends SecretBase {
  public readonly secretArn: string;
  public readonly secretName: string;
  public readonly keywardOwned: boolean;

  constructor(scope: Construct, id: string, private readonly attached: SecretBase, attachmentArn: string) {
    super(scope, id);
    this.secretArn = attachmentArn;
    this.secretName = attached.secretName;
    this.keywardOwned = attached.keywardOwned;
    registerForCodeBuild(this);
  }

  public get secretArnForPolicies(): string {
    return this.attached.secretArnForPolicies;
  }

  public get secretsKey(): ISecretsKey | undefined {
    return this.attached.secretsKey;
  }

  public get encryptionKey(): kms.IKey | undefined {
    return this.attached.encryptionKey;
  }

  public get secretFullArn(): string | undefined {
    return this.attached.secretFullArn === undefined ? undefined : this.secretArn;
  }

  public addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    return this.attached.addToResourcePolicy(statement);
  }

  public attach(_target: secretsmanager.ISecretAttachmentTarget): secretsmanager.ISecret {
    return fail(this, 'secret-attachment', 'the secret is already attached to a target');
  }

  /** @internal */
  public _rotationScheduled(schedule: secretsmanager.RotationSchedule, kind: SecretRotationKind): void {
    this.attached._rotationScheduled(schedule, kind);
  }

  /** @internal */
  public _viewTarget(): SecretTarget {
    return this.attached._viewTarget();
  }

  /** @internal */
  public _givenName(): string | undefined {
    return this.attached._givenName();
  }

  /** @internal */
  public _home(): SecretScope {
    return this.attached._home();
  }

  /** @internal */
  public _grantAccess(grantee: iam.IGrantable, action: 'read' | 'write'): iam.Grant {
    return this.attached._grantAccess(grantee, action);
  }
}

/**
 * A Secrets Manager secret encrypted with a customer-managed Keyward key, retained on removal, with a resource
 * policy that denies every principal outside the owning (and explicitly shared) accounts, public policies
 * blocked, a deny on `keyward:*` tag changes outside the deployment path, and a required rotation decision. Grants
 * name the secret exactly (exact mode, the default) or tag it (tag mode); see {@link WorkloadPolicy} and docs/grants.md.
 */
export class Secret extends SecretBase {
  /** Import a secret by its complete ARN (ending in `-` and the 6 characters Secrets Manager appends). */
  public static fromSecretCompleteArn(scope: Construct, id: string, secretCompleteArn: string, options: ImportedSecretOptions = {}): ISecret {
    return new ImportedSecret(scope, id, { arn: secretCompleteArn, complete: true }, options);
  }

  /** Import a secret by its partial ARN (without the suffix); IAM statements use `<arn>-??????`. */
  public static fromSecretPartialArn(scope: Construct, id: string, secretPartialArn: string, options: ImportedSecretOptions = {}): ISecret {
    return new ImportedSecret(scope, id, { arn: secretPartialArn, complete: false }, options);
  }

  /**
   * Import a secret of this stack's account and region by name; IAM statements use `<arn>-??????`. A name ending in
   * `-` + 6 characters cannot be referenced by partial ARN: import such a secret with `fromSecretCompleteArn`.
   */
  public static fromSecretName(scope: Construct, id: string, secretName: string, options: ImportedSecretOptions = {}): ISecret {
    return new ImportedSecret(scope, id, { name: secretName }, options);
  }

  public readonly secretArn: string;
  public readonly secretArnForPolicies: string;
  /** The key that encrypts the secret (always set: the given key or the stack's Keyward default key). */
  public readonly secretsKey?: ISecretsKey;
  public readonly keywardOwned = true;
  /** The secret name: the one given, or the one CloudFormation generates (read from the ARN). */
  public readonly secretName: string;
  /** The CloudFormation secret. */
  public readonly resource: secretsmanager.CfnSecret;
  /** The resource policy. */
  public readonly resourcePolicy: secretsmanager.CfnResourcePolicy;
  /** The replicas. */
  public readonly replicas: SecretReplica[];
  /** `encryptionKey`, typed as set (jsii keeps an overridden property optional). */
  private readonly key: ISecretsKey;
  private rotation?: SecretRotationKind;
  private readonly accessTags = new Map<string, { read: boolean; write: boolean }>();
  private readonly groupTags = new Set<string>();
  private readonly fixedTagCount: number;
  private readonly keywardTags = new Map<string, string>();
  private readonly allowedAccounts: string[];
  /** Cross-account principals by action: one resource-policy statement per action lists them all. */
  private readonly crossAccount = { read: [] as string[], write: [] as string[] };
  private readonly tagAdministrators: string[];
  private readonly content: SecretContent;
  /** The name given, if any. */
  private readonly givenName?: string;
  /** Statements added with addToResourcePolicy (and denyAccountRootDelete). */
  private readonly addedStatements: iam.PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: SecretProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    if (props.secretName !== undefined && !Token.isUnresolved(props.secretName)) {
      failOnProblems(this, 'secret-name', secretNameProblems(props.secretName));
    }
    assertNoPlaintext(this, 'the description', props.description);
    assertNoPlaintext(this, 'a tag', props.tags);
    assertNoSecretText(this, 'the description', props.description);
    for (const [key, value] of Object.entries(props.tags ?? {})) {
      assertNoSecretText(this, `tag "${key}"`, value, key);
      if (isReservedTagKey(key)) {
        fail(this, 'reserved-tag', `tag key "${key}" is reserved: keyward:* tags (in any letter case, as IAM compares tag keys) decide access`);
      }
      failOnProblems(this, 'secret-tag', Token.isUnresolved(key) || Token.isUnresolved(value) ? [] : tagProblems(key, value));
    }
    if (Object.keys(props.tags ?? {}).length + KEYWARD_FIXED_TAGS > MAX_SECRET_TAGS) {
      fail(this, 'tag-limit', `${Object.keys(props.tags ?? {}).length} tags plus Keyward's own ${KEYWARD_FIXED_TAGS} (value source, rotation) `
        + `are more than the ${MAX_SECRET_TAGS} tags Secrets Manager allows on a secret`);
    }
    for (const account of props.sharedWithAccounts ?? []) {
      failOnProblems(this, 'shared-account', accountProblems(account));
    }
    this.replicas = props.replicas ?? [];
    this.validateReplicas(stack);
    if (props.secretName !== undefined) {
      // A replica takes the name in its region too.
      for (const region of [undefined, ...this.replicas.map(r => r.region)]) {
        claimUniqueName(this, 'secret name', props.secretName, 'duplicate-secret-name', region);
      }
    }

    this.key = props.encryptionKey ?? SecretsKey._defaultFor(this);
    this.secretsKey = this.key;
    const content = props.content ?? SecretContent.generated();
    this.content = content;
    const bound = content._bind(this);
    // Before Keyward's note is appended, the user's description ends in a sentence stop.
    const own = bound.note !== undefined ? props.description?.replace(/([^.!?])\s*$/, '$1.') : props.description;
    const description = [own, bound.note].filter(d => d !== undefined).join(' ') || undefined;

    this.resource = new secretsmanager.CfnSecret(this, 'Resource', {
      name: props.secretName,
      description,
      kmsKeyId: this.key.keyArn,
      generateSecretString: bound.generateSecretString,
      secretString: bound.secretString,
      replicaRegions: this.replicas.length > 0
        ? this.replicas.map(r => ({ region: r.region, kmsKeyId: r.encryptionKey.keyArn }))
        : undefined,
    });
    this.resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    for (const [k, v] of Object.entries(props.tags ?? {})) {
      this.resource.tags.setTag(k, v);
    }
    this.setKeywardTag('keyward:value-source', content.source);
    this.fixedTagCount = Object.keys(props.tags ?? {}).length + KEYWARD_FIXED_TAGS;
    this.secretArn = this.resource.ref;
    this.secretArnForPolicies = this.resource.ref;
    this.givenName = props.secretName;
    registerForCodeBuild(this);
    this.secretName = props.secretName ?? generatedSecretName(this.resource.ref);

    this.allowedAccounts = [stack.account, ...(props.sharedWithAccounts ?? [])];
    for (const arn of props.tagAdministrators ?? []) {
      if (!Token.isUnresolved(arn) && !/^arn:[a-z-]+:(iam|sts)::(\d{12}|\*):/.test(arn)) {
        fail(this, 'tag-administrators', `"${arn}" is not an IAM or STS principal ARN`);
      }
    }
    this.tagAdministrators = props.tagAdministrators ?? [];
    this.resourcePolicy = new secretsmanager.CfnResourcePolicy(this, 'Policy', {
      secretId: this.resource.ref,
      blockPublicPolicy: true,
      resourcePolicy: Lazy.any({ produce: () => this.renderResourcePolicy() }),
    });

    bound.attach?.(this);
    if (props.rotation) {
      this.decideRotation(props.rotation);
    }
    this.node.addValidation({
      validate: () => {
        const problems: string[] = [];
        if (!this.rotation) {
          problems.push(formatViolation(this, 'rotation-decision',
            'secret has no rotation decision: give rotation SecretRotation.hosted(...), SecretRotation.customFunction(...) or SecretRotation.none(reason)'));
        }
        // CfnSecret renders `{ key, value }`; other tag types `{ Key, Value }`.
        const rendered = ((this.resource.tags.renderTags() as { [k: string]: unknown }[] | undefined) ?? [])
          .map(t => ({ key: t.key ?? t.Key, value: t.value ?? t.Value }));
        problems.push(...this.foreignKeywardTags(rendered));
        for (const { key, value } of rendered) {
          if (typeof key === 'string' && typeof value === 'string' && !Token.isUnresolved(key) && !Token.isUnresolved(value)) {
            problems.push(...tagProblems(key, value).map(p => formatViolation(this, 'secret-tag', p)));
          }
        }
        const tagCount = rendered.length;
        if (tagCount > MAX_SECRET_TAGS) {
          problems.push(formatViolation(this, 'tag-limit', `secret carries ${tagCount} tags (Secrets Manager allows ${MAX_SECRET_TAGS}); grant workloads through a SecretGroup`));
        }
        problems.push(...this.addedStatementProblems());
        const policySize = resolvedPolicySize(this, this.renderResourcePolicy());
        if (policySize > SECRET_POLICY_MAX_CHARS) {
          problems.push(formatViolation(this, 'secret-policy-size', `the secret's resource policy would be ${fmt(policySize)} characters once resolved, `
            + `over Secrets Manager's ${fmt(SECRET_POLICY_MAX_CHARS)}; it would fail at deploy (${this.crossAccount.read.length + this.crossAccount.write.length} `
            + 'cross-account grants): grant a role per account that the other accounts\' principals assume, instead of each principal'));
        }
        return problems;
      },
    });
  }

  /** Set the rotation decision (once). */
  public decideRotation(rotation: SecretRotation): void {
    if (this.rotation) {
      fail(this, 'rotation-decision', 'the rotation decision is already set');
    }
    if (rotation.automaticallyAfter && !rotation.automaticallyAfter.isUnresolved()) {
      failOnProblems(this, 'rotation-period', secretRotationPeriodProblems(rotation.automaticallyAfter.toDays({ integral: false })));
    }
    const rules = rotation.automaticallyAfter
      ? { scheduleExpression: `rate(${rotation.automaticallyAfter.toDays()} ${rotation.automaticallyAfter.toDays() === 1 ? 'day' : 'days'})` }
      : undefined;
    switch (rotation.kind) {
      case SecretRotationKind.NONE: {
        const reason = (rotation.reason ?? '').trim();
        // First: a reason holding a key is a plaintext problem whatever its length (it becomes cdk-nag metadata).
        assertNoSecretText(this, 'the rotation reason', reason);
        if (visibleLength(reason) < MIN_REASON) {
          fail(this, 'rotation-reason', `SecretRotation.none needs a written reason (at least ${MIN_REASON} visible characters; whitespace and invisible characters do not count) saying why this secret cannot rotate`);
        }
        assertNoPlaintext(this, 'the rotation reason', reason);
        acknowledgeWithoutTrace(this,
          { id: 'AwsSolutions-SMG4', reason: `Rotation explicitly declined: ${reason}` },
          { id: 'NIST.800.53.R5-SecretsManagerRotationEnabled', reason: `Rotation explicitly declined: ${reason}` },
        );
        break;
      }
      case SecretRotationKind.HOSTED: {
        const bound = rotation.hostedRotation!.bind(this, this);
        new secretsmanager.CfnRotationSchedule(this, 'RotationSchedule', {
          secretId: this.resource.ref,
          hostedRotationLambda: bound,
          rotationRules: rules,
        }).node.addDependency(this.resourcePolicy);
        break;
      }
      case SecretRotationKind.LAMBDA: {
        const fn = rotation.rotationFunction!;
        this._grantRotationFunction(fn);
        const schedule = new secretsmanager.CfnRotationSchedule(this, 'RotationSchedule', {
          secretId: this.resource.ref,
          rotationLambdaArn: fn.functionArn,
          rotationRules: rules,
        });
        schedule.node.addDependency(this.resourcePolicy, WorkloadPolicy.of(fn));
        break;
      }
    }
    this.rotation = rotation.kind;
    this.setKeywardTag('keyward:rotation', rotation.kind);
  }

  /** @internal The name given, if any. */
  public _givenName(): string | undefined {
    return this.givenName;
  }

  /** @internal */
  public _home(): SecretScope {
    return this._scopes()[0];
  }

  /** The complete ARN. */
  public get secretFullArn(): string | undefined {
    return this.secretArn;
  }

  /**
   * Add a statement to the secret's resource policy, as asked. Keyward's deny statements (principals outside the
   * owning and shared accounts, `keyward:*` tag changes outside the deployment path) stay and win over it.
   */
  public addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    this.addedStatements.push(statement);
    return { statementAdded: true, policyDependable: this.resourcePolicy };
  }

  /**
   * Statements added with addToResourcePolicy that allow a principal the resource policy's own deny refuses (another
   * account than the owning and shared ones, or anyone): they would look granted and never work — or, for anyone,
   * be refused by Secrets Manager's public-policy block at deploy.
   */
  private addedStatementProblems(): string[] {
    const problems: string[] = [];
    const allowed = this.allowedAccounts;
    // An env-agnostic stack's own account is unknown: only principals that cannot be in it can be told apart then.
    const ownUnknown = allowed.some(x => Token.isUnresolved(x));
    for (const st of this.addedStatements) {
      const json = Stack.of(this).resolve(st.toStatementJson()) as {
        Effect?: string; Principal?: unknown; NotPrincipal?: unknown; Sid?: string; Condition?: { [op: string]: { [k: string]: unknown } };
      };
      if (json.Effect !== 'Allow') {
        continue;
      }
      const which = `the statement${json.Sid ? ` "${json.Sid}"` : ''} added with addToResourcePolicy`;
      const problem = (message: string) => problems.push(formatViolation(this, 'resource-policy-account', `${which} ${message}`));
      if (json.NotPrincipal !== undefined) {
        problem('allows every principal but the ones it names (NotPrincipal); name the principals it allows instead');
        continue;
      }
      if (json.Principal === undefined) {
        continue;
      }
      const principal = json.Principal === '*' ? { AWS: '*' } : json.Principal as { [k: string]: unknown };
      const other = Object.keys(principal).filter(k => k !== 'AWS' && k !== 'Service');
      if (other.length > 0) {
        problem(`names ${other.join(', ')} principals; a Secrets Manager resource policy takes AWS principals and services`);
        continue;
      }
      for (const v of [principal.AWS ?? []].flat()) {
        const text = flattenCfnString(v);
        if (text === '*') {
          // Anyone, unless a condition limits it to accounts the secret is shared with.
          const accounts = [json.Condition?.StringEquals?.['aws:PrincipalAccount'] ?? []].flat();
          if (accounts.length === 0 || accounts.some(a => typeof a !== 'string' || (!allowed.includes(a) && !(ownUnknown && Token.isUnresolved(a))))) {
            problem(`allows any principal${accounts.length > 0 ? ` of ${accounts.join(', ')}` : ''}; limit it with aws:PrincipalAccount to `
              + `${allowed.join(', ')} (the owning and shared accounts) or name the principals`);
          }
          continue;
        }
        const account = text === undefined ? undefined : /^\d{12}$/.test(text) ? text : /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(text)?.[1];
        if (account !== undefined && !ownUnknown && !allowed.includes(account)) {
          problem(`allows ${text}, but the secret's resource policy denies every principal outside ${allowed.join(', ')}; give the account in `
            + 'sharedWithAccounts (or grant the principal with grantRead, which adds it), or remove the statement');
        } else if (account !== undefined && ownUnknown && allowed.length === 1 && !Token.isUnresolved(account)) {
          problem(`allows ${text} of account ${account}, but the stack's account is not known at synth, so Keyward cannot tell whether it is `
            + 'this one; give the stack an explicit env.account, or the account in sharedWithAccounts');
        }
      }
    }
    return problems;
  }

  /** @internal A rotation schedule was added with addRotationSchedule: that is the rotation decision. */
  public _rotationScheduled(schedule: secretsmanager.RotationSchedule, kind: SecretRotationKind): void {
    if (this.rotation) {
      fail(schedule, 'rotation-decision', 'the rotation decision is already set');
    }
    this.rotation = kind;
    this.setKeywardTag('keyward:rotation', kind);
  }

  /** @internal The JSON fields of the value when known at synth (see SecretContent). */
  public _jsonFields(): string[] | undefined {
    return this.content._jsonFields();
  }

  /** @internal Where the secret and its replicas live. */
  public _scopes(): SecretScope[] {
    const stack = Stack.of(this);
    return [stack.region, ...this.replicas.map(r => r.region)].map(region => ({ partition: stack.partition, region, account: stack.account }));
  }

  /**
   * @internal The secret as an exact grant names it: with a concrete name, `arn:…:secret:<name>-??????` in its region
   * and each replica's (no reference to the secret, so no cross-stack export); otherwise its ARN, and each replica's
   * ARN built from it.
   */
  public _target(): SecretTarget {
    const stack = Stack.of(this);
    const regions = [stack.region, ...this.replicas.map(r => r.region)];
    const prefix = (region: string) => `arn:${stack.partition}:secretsmanager:${region}:${stack.account}:secret:`;
    const named = this.givenName !== undefined && !Token.isUnresolved(this.givenName);
    const arns = named
      ? regions.map(r => `${prefix(r)}${this.givenName}-??????`)
      : [this.resource.ref, ...this.replicas.map(r => `${prefix(r.region)}${Fn.select(6, Fn.split(':', this.resource.ref))}`)];
    return { id: this.node.path, arns, keyArns: this._keyArns(), regions };
  }

  /** @internal */
  public _viewTarget(): SecretTarget {
    return this._target();
  }

  /** @internal The keys of the secret and its replicas. */
  public _keyArns(): string[] {
    return [this.key.keyArn, ...this.replicas.map(r => r.encryptionKey.keyArn)];
  }

  /** @internal Tag the secret as a member of a group. */
  public _addGroupTag(groupId: string): void {
    if (!this.groupTags.has(groupId)) {
      this.checkTagRoom();
      this.groupTags.add(groupId);
      this.setKeywardTag(`${ACCESS_TAG_PREFIX}${groupId}`, 'member');
    }
  }

  /** @internal */
  public _grantAccess(grantee: iam.IGrantable, action: 'read' | 'write'): iam.Grant {
    const actions = secretActions(action);
    const stack = Stack.of(this);
    const foreign = crossAccountPrincipal(grantee, stack.account, this);
    if (foreign) {
      return this.grantCrossAccount(grantee, foreign.arn, foreign.account, action);
    }
    const policy = WorkloadPolicy.of(grantee);
    const target = this._target();
    if (policy.grantMode === GrantMode.EXACT) {
      policy._allowSecrets(action, [target]);
      return policyGrant(policy, secretGrantStatements(action, actions, target));
    }
    const current = this.accessTags.get(policy.workloadId);
    if (!current) {
      this.checkTagRoom();
    }
    const access = current ?? { read: false, write: false };
    access[action] = true;
    this.accessTags.set(policy.workloadId, access);
    const value = access.read && access.write ? 'read-write' : access.read ? 'read' : 'write';
    this.setKeywardTag(policy.accessTagKey, value);
    policy._allowTagged(policy.workloadId, action, this._scopes());
    policy._allowKeysViaSecretsManager(this._keyArns(), this._scopes(), action === 'write');
    return policyGrant(policy, secretGrantStatements(action, actions, target, {
      key: policy.accessTagKey, values: [action, 'read-write'], resources: policy._tagResources(this._scopes()),
    }));
  }

  private grantCrossAccount(grantee: iam.IGrantable, arn: string, account: string, action: 'read' | 'write'): iam.Grant {
    const actions = secretActions(action);
    // A key of this package (or of a second copy of it) can extend its key policy; any other ISecretsKey cannot.
    const keyPolicy = this.key as Partial<Pick<SecretsKeyBase, '_allowCrossAccountSecret'>>;
    if (typeof keyPolicy._allowCrossAccountSecret !== 'function') {
      fail(this, 'imported-key', `cannot grant ${arn} ${action}: the secret's key is not a Keyward key, so its key policy cannot be extended`);
    }
    if (this.givenName === undefined || Token.isUnresolved(this.givenName)) {
      fail(this, 'cross-account-name', `cannot grant ${arn} ${action}: the key policy must name this secret exactly, and without a concrete `
        + 'secretName it could only do so by the secret\'s ARN, which depends on the key (a circular dependency); give the secret a secretName');
    }
    // The key first: it throws for an imported key, and then the resource policy must not have changed either.
    // The primary only: a replica's key is another (imported) key, which Keyward cannot extend.
    const primary = this._target();
    const keyStatement = keyPolicy._allowCrossAccountSecret(arn, action, { ...primary, arns: [primary.arns[0]], regions: [primary.regions[0]] },
      `grant ${arn} ${action} on this secret`);
    if (!this.crossAccount[action].includes(arn)) {
      this.crossAccount[action].push(arn);
    }
    if (!this.allowedAccounts.includes(account)) {
      this.allowedAccounts.push(account);
    }
    const secretStatement = new iam.PolicyStatement({
      sid: crossAccountSid(action),
      principals: [new iam.ArnPrincipal(arn)],
      actions,
      resources: ['*'],
    });
    return combine([
      resourcePolicyGrant(grantee, this, this.resourcePolicy, secretStatement, [this.secretArn]),
      resourcePolicyGrant(grantee, this.key, this.key, keyStatement, [this.key.keyArn]),
    ]);
  }

  /** Set a tag in Keyward's namespace, and remember it: any other `keyward:*` tag found at synth is an error. */
  private setKeywardTag(key: string, value: string): void {
    this.keywardTags.set(key, value);
    this.resource.tags.setTag(key, value);
  }

  /**
   * Tags in Keyward's namespace that Keyward did not set (e.g. `Tags.of(stack).add('keyward:access:x', 'read')`, in any
   * letter case), set to another value, or removed: each would grant or revoke access behind Keyward's back.
   */
  private foreignKeywardTags(rendered: { key: unknown; value: unknown }[]): string[] {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const { key, value } of rendered) {
      if (typeof key !== 'string' || !isReservedTagKey(key)) {
        continue;
      }
      seen.add(key);
      const own = this.keywardTags.get(key);
      if (own === undefined) {
        problems.push(formatViolation(this, 'reserved-tag', `tag "${key}" was not set by Keyward: keyward:* tags (in any letter case, `
          + 'as IAM compares tag keys) decide access; grant through Keyward (grantRead, SecretGroup) and keep Tags.of(...) outside that namespace'));
      } else if (value !== own) {
        problems.push(formatViolation(this, 'reserved-tag', `tag "${key}" was changed from "${own}" to "${value}" outside Keyward: keyward:* tags decide access`));
      }
    }
    for (const key of this.keywardTags.keys()) {
      if (!seen.has(key)) {
        problems.push(formatViolation(this, 'reserved-tag', `tag "${key}" set by Keyward was removed (Tags.of(...).remove?): keyward:* tags decide access`));
      }
    }
    return problems;
  }

  private checkTagRoom(): void {
    const used = this.fixedTagCount + this.accessTags.size + this.groupTags.size;
    if (used + 1 > MAX_SECRET_TAGS) {
      fail(this, 'tag-limit', `granting one more workload would give the secret ${used + 1} tags (Secrets Manager allows ${MAX_SECRET_TAGS}); `
        + 'put the secret in a SecretGroup and grant the group to these workloads instead');
    }
  }

  private validateReplicas(stack: Stack): void {
    const seen = new Set<string>();
    for (const r of this.replicas) {
      if (Token.isUnresolved(r.region)) {
        fail(this, 'replica-region', 'replica regions must be concrete strings');
      }
      failOnProblems(this, 'replica-region', regionProblems(r.region));
      if (r.region === stack.region) {
        fail(this, 'replica-region', `replica region ${r.region} is the secret's own region`);
      }
      if (seen.has(r.region)) {
        fail(this, 'replica-region', `replica region ${r.region} is listed twice`);
      }
      seen.add(r.region);
      if (!Token.isUnresolved(r.encryptionKey.keyRegion) && r.encryptionKey.keyRegion !== r.region) {
        fail(this, 'replica-key', `the replica key for ${r.region} is in ${r.encryptionKey.keyRegion}; a replica's key must be in the replica's region`);
      }
    }
  }

  /** Who may change keyward:* tags: the stack synthesizer's CloudFormation execution role, and the given ones. */
  private deployers(): string[] {
    const stack = Stack.of(this);
    const synthesizer = stack.synthesizer;
    // The synthesizer leaves `${AWS::Partition}` etc. for Fn::Sub, which a resource policy document does not get.
    // DefaultStackSynthesizer's public property (read by name: a second copy of aws-cdk-lib has another class).
    const roleArn = (synthesizer as Partial<Pick<DefaultStackSynthesizer, 'cloudFormationExecutionRoleArn'>>).cloudFormationExecutionRoleArn;
    const execution = typeof roleArn === 'string'
      ? [roleArn.split('${AWS::Partition}').join(stack.partition)
        .split('${AWS::AccountId}').join(stack.account).split('${AWS::Region}').join(stack.region)]
      : [];
    return [...execution, ...this.tagAdministrators];
  }

  private renderResourcePolicy(): unknown {
    const statements: unknown[] = [{
      Sid: 'KeywardDenyOutsideAccounts',
      Effect: 'Deny',
      Principal: '*',
      Action: 'secretsmanager:*',
      Resource: '*',
      Condition: {
        StringNotEquals: { 'aws:PrincipalAccount': this.allowedAccounts.length === 1 ? this.allowedAccounts[0] : this.allowedAccounts },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
      },
    }];
    const deployers = this.deployers();
    // Tag-mode grants read keyward:* tags: nobody but the deployment path may change them on this secret (any letter
    // case of keyward:access:*, as the workload policy's own deny). Multiple conditions are ANDed: the deny applies
    // unless the caller is a deployer role or the call comes through CloudFormation.
    statements.push({
      Sid: 'KeywardDenyAccessTagChanges',
      Effect: 'Deny',
      Principal: '*',
      Action: ['secretsmanager:TagResource', 'secretsmanager:UntagResource'],
      Resource: '*',
      Condition: {
        'ForAnyValue:StringLike': { 'aws:TagKeys': DENIED_TAG_KEYS },
        ...(deployers.length > 0 ? { ArnNotLike: { 'aws:PrincipalArn': single(deployers) } } : {}),
        'ForAllValues:StringNotEquals': { 'aws:CalledVia': 'cloudformation.amazonaws.com' },
      },
    });
    for (const action of ['read', 'write'] as const) {
      const principals = this.crossAccount[action];
      if (principals.length > 0) {
        statements.push({ Sid: crossAccountSid(action), Effect: 'Allow', Principal: { AWS: single(principals) }, Action: secretActions(action), Resource: '*' });
      }
    }
    // Statements added as asked, each once (several rotations each call denyAccountRootDelete).
    const seen = new Set<string>();
    for (const st of this.addedStatements) {
      const json = st.toStatementJson();
      const key = JSON.stringify(Stack.of(this).resolve(json));
      if (!seen.has(key)) {
        seen.add(key);
        statements.push(json);
      }
    }
    return { Version: '2012-10-17', Statement: statements };
  }
}

function crossAccountSid(action: 'read' | 'write'): string {
  return action === 'read' ? 'KeywardCrossAccountRead' : 'KeywardCrossAccountWrite';
}

function single(values: string[]): string | string[] {
  return values.length === 1 ? values[0] : values;
}

interface ImportSpec {
  readonly arn?: string;
  readonly complete?: boolean;
  readonly name?: string;
}

class ImportedSecret extends SecretBase {
  public readonly secretArn: string;
  public readonly secretArnForPolicies: string;
  public readonly secretName: string;
  public readonly secretsKey?: ISecretsKey;
  public readonly keywardOwned = false;
  private readonly complete: boolean;
  private readonly awsManagedKey: boolean;
  private readonly scope: SecretScope;

  constructor(scope: Construct, id: string, spec: ImportSpec, options: ImportedSecretOptions) {
    super(scope, id);
    this.secretsKey = options.encryptionKey;
    this.awsManagedKey = options.awsManagedKey ?? false;
    this.complete = spec.complete === true;
    if (this.secretsKey && this.awsManagedKey) {
      fail(this, 'imported-secret-key', 'give either encryptionKey or awsManagedKey: true, not both');
    }
    const stack = Stack.of(this);
    if (spec.name !== undefined) {
      if (Token.isUnresolved(spec.name)) {
        fail(this, 'secret-name', 'an imported secret name must be a concrete string');
      }
      // A name ending in "-" + 6 characters is rejected too: IAM's `<name>-??????` would match only that secret, but the
      // partial ARN this import hands to workloads (Lambda variable, ECS valueFrom) would be read by Secrets Manager as
      // the complete ARN of a secret named without those 7 characters.
      const problems = secretNameProblems(spec.name);
      failOnProblems(this, 'secret-name', problems.some(p => p.includes('partial-ARN'))
        ? [...problems, 'import it with Secret.fromSecretCompleteArn instead']
        : problems);
      this.secretArn = `arn:${stack.partition}:secretsmanager:${stack.region}:${stack.account}:secret:${spec.name}`;
      this.secretArnForPolicies = `${this.secretArn}-??????`;
      this.secretName = spec.name;
      this.scope = { partition: stack.partition, region: stack.region, account: stack.account };
    } else {
      const arn = spec.arn!;
      if (Token.isUnresolved(arn)) {
        fail(this, 'secret-arn', 'an imported secret ARN must be a concrete string (whether it is complete decides the IAM pattern)');
      }
      const { info, problems } = parseSecretArn(arn, spec.complete === true);
      failOnProblems(this, 'secret-arn', problems);
      this.secretArn = arn;
      this.secretArnForPolicies = spec.complete ? arn : `${arn}-??????`;
      this.secretName = info!.secretName;
      this.scope = { partition: info!.partition, region: info!.region, account: info!.account };
    }
    registerForCodeBuild(this);
  }

  public get secretFullArn(): string | undefined {
    return this.complete ? this.secretArn : undefined;
  }

  /** @internal */
  public _viewTarget(): SecretTarget {
    return this.target();
  }

  /** @internal */
  public _givenName(): string | undefined {
    return this.secretName;
  }

  /** @internal */
  public _home(): SecretScope {
    return this.scope;
  }

  private target(): SecretTarget {
    return {
      id: this.node.path,
      arns: [this.secretArnForPolicies],
      keyArns: this.secretsKey ? [this.secretsKey.keyArn] : [],
      regions: [this.scope.region],
    };
  }

  /** @internal */
  public _grantAccess(grantee: iam.IGrantable, action: 'read' | 'write'): iam.Grant {
    if (!this.secretsKey && !this.awsManagedKey) {
      fail(this, 'imported-secret-key', 'cannot grant an imported secret without knowing its key: pass encryptionKey, '
        + 'or awsManagedKey: true if it uses aws/secretsmanager');
    }
    if (this.awsManagedKey) {
      // aws/secretsmanager is an AWS managed key: its key policy only trusts its own account and cannot be changed.
      const principalAccount = grantee.grantPrincipal.principalAccount;
      const reader = principalAccount !== undefined && !Token.isUnresolved(principalAccount) ? principalAccount : Stack.of(this).account;
      if (accountsDiffer(reader, this.scope.account)) {
        fail(this, 'imported-secret-key', `cannot grant ${action} on a secret of account ${this.scope.account} encrypted with aws/secretsmanager `
          + `to a principal of account ${reader}: an AWS managed key can only be used by its own account, so the grant could never work; `
          + 'the owner must re-encrypt the secret with a customer-managed key whose policy allows that account, then import it with encryptionKey');
      }
    }
    const policy = WorkloadPolicy.of(grantee);
    const target = this.target();
    policy._allowSecrets(action, [target]);
    return policyGrant(policy, secretGrantStatements(action, secretActions(action), target));
  }
}

/**
 * The name of a secret whose name CloudFormation generated (`<logical id prefix>-<random>`), from its ARN: the resource
 * name without the 7 characters Secrets Manager appends.
 */
function generatedSecretName(arn: string): string {
  const resourceName = Fn.select(6, Fn.split(':', arn));
  const parts = Fn.split('-', resourceName);
  return Fn.join('-', [Fn.select(0, parts), Fn.select(1, parts)]);
}
