import { Aspects, CfnResource, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, Dependable, IConstruct } from 'constructs';
import { fail, formatViolation, KeywardValidationError } from '../core/errors';
import { GrantMode } from './grant';
import {
  accountsDiffer, ACCESS_TAG_PREFIX, hashId, DEFAULT_MANAGED_POLICY_QUOTA, DENIED_TAG_KEYS, defaultAccessId, GRANT_MODE_CONTEXT, grantModeOf, LazyScopeSource,
  LazyTargets, MANAGED_POLICY_QUOTA_CONTEXT, registerAccessId, secretActions, SecretScope, SecretTarget,
} from './private/access';
import { acknowledgeWithoutTrace, nagFindingResource } from './private/nag';
import { fmt, MANAGED_POLICY_MAX_CHARS, resolvedPolicySize } from './private/policy-size';

/** Options for {@link WorkloadPolicy.of}. */
export interface WorkloadPolicyOptions {
  /**
   * A stable name for the workload, used in the access tag key `keyward:access:<name>` on every secret it may use.
   * Give one when the construct path of the role may change (refactoring would otherwise re-tag every secret).
   * @default - a 12-character hash of the principal's top-level stack name, account and region (when known) and construct path
   */
  readonly workloadName?: string;
  /**
   * How the workload's policy names the secrets it may use (see {@link GrantMode}).
   * @default - the context value `@keyward/grants:mode`, else GrantMode.EXACT
   */
  readonly grantMode?: GrantMode;
  /**
   * IAM's quota of managed policies attached to one role, user or group in the workload's account (10 unless raised
   * with Service Quotas). Synthesis fails when the principal, with Keyward's policy, would carry more.
   * @default - the context value `@keyward/grants:managedPoliciesPerPrincipal`, else 10
   */
  readonly managedPolicyQuota?: number;
}

interface TagAccess {
  read: boolean;
  write: boolean;
  /** Accepted tag values for read/write statements. */
  readonly readValues: string[];
  readonly writeValues: string[];
  readonly scopes: Map<string, SecretScope>;
  readonly sources: LazyScopeSource[];
}

/** The id of the workload policy under its principal's construct. */
const POLICY_ID = 'KeywardPolicy';
/** Marks a WorkloadPolicy, so that a second copy of this package in one app recognises it (`instanceof` would not). */
const WORKLOAD_POLICY = Symbol.for('keyward.aws.WorkloadPolicy');
/** aws-cdk-lib's encryption actions (`grantEncrypt`). */
const DIRECT_ENCRYPT_ACTIONS = ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];

const TAG_GRANT_REASON = 'Keyward attribute-based grant: the statement names every secret of one account and region but only matches '
  + 'secrets tagged keyward:access:<this workload or its group> (condition aws:ResourceTag), and the same policy '
  + 'denies the workload creating secrets with, setting or removing such tags.';
const RANDOM_PASSWORD_REASON = 'secretsmanager:GetRandomPassword has no resource type, so IAM only accepts Resource "*"; '
  + 'it returns a random string and reads no secret.';

function scopeKey(s: SecretScope): string {
  return `${s.partition}|${s.region}|${s.account}`;
}

/**
 * The one customer-managed policy (`AWS::IAM::ManagedPolicy`) that holds all Keyward grants of one workload, attached
 * to its role. Created once per principal on the first grant. In exact mode (the default) it lists every secret the
 * workload may use, so it grows with them and synthesis fails when it would exceed IAM's 6,144 characters; in tag mode
 * reads of Keyward secrets are matched by the access tag `keyward:access:<workloadId>` on each secret, and its size
 * does not depend on how many secrets the workload may read.
 */
export class WorkloadPolicy extends Construct {
  /**
   * The workload policy of `grantable`, created in the principal's construct on first use.
   */
  public static of(grantable: iam.IGrantable, options: WorkloadPolicyOptions = {}): WorkloadPolicy {
    const principal = grantable.grantPrincipal;
    const owner = WorkloadPolicy.ownerOf(principal, grantable);
    try {
      return WorkloadPolicy.findOrCreate(owner, principal, options);
    } catch (e) {
      // A refused principal leaves nothing behind: a later grant must not find a half-built policy and report success.
      const left = owner.node.tryFindChild(POLICY_ID);
      if (left !== undefined && !(left as WorkloadPolicy)._complete) {
        owner.node.tryRemoveChild(POLICY_ID);
      }
      throw e;
    }
  }

  private static findOrCreate(owner: IConstruct, principal: iam.IPrincipal, options: WorkloadPolicyOptions): WorkloadPolicy {
    const found = owner.node.tryFindChild(POLICY_ID);
    if (found !== undefined && !WorkloadPolicy.isWorkloadPolicy(found)) {
      fail(owner, 'workload-principal', `the principal already has a child "${POLICY_ID}" that is not a Keyward workload policy`);
    }
    const existing = found;
    if (existing) {
      if (options.workloadName !== undefined && options.workloadName !== existing.workloadId) {
        fail(existing, 'workload-name', `workload already has the id "${existing.workloadId}"; give workloadName on its first grant`);
      }
      if (options.grantMode !== undefined && options.grantMode !== existing.grantMode) {
        fail(existing, 'grant-mode', `workload already grants in ${existing.grantMode} mode; give grantMode on its first grant`);
      }
      return existing;
    }
    const account = principal.principalAccount;
    if (accountsDiffer(account, Stack.of(owner).account)) {
      fail(owner, 'workload-principal', `the principal is in account ${account}, not this stack's account ${Stack.of(owner).account}; `
        + 'Keyward cannot attach a policy to it here (grant Keyward secrets to it from their owning stack, which adds resource-policy statements)');
    }
    // An immutable role (imported with mutable: false, or withoutPolicyUpdates()) is a view of another role that
    // takes no policy: aws-cdk-lib's own grants to it are no-ops. Asked through the public principal API.
    if (isImmutable(principal)) {
      fail(owner, 'workload-principal', 'the role is immutable (imported with mutable: false or withoutPolicyUpdates()); Keyward cannot attach its grants to it');
    }
    return new WorkloadPolicy(owner, POLICY_ID, principal, options);
  }

  /** Whether `x` is a Keyward workload policy (of this or another copy of the package). */
  public static isWorkloadPolicy(x: unknown): x is WorkloadPolicy {
    return typeof x === 'object' && x !== null && WORKLOAD_POLICY in x;
  }

  private static ownerOf(principal: iam.IPrincipal, grantable: iam.IGrantable): IConstruct {
    if (Construct.isConstruct(principal)) {
      return principal;
    }
    const where = Construct.isConstruct(grantable) ? grantable.node.path : '<root>';
    throw new KeywardValidationError(where, 'workload-principal',
      'the principal is not an IAM role, user or group construct of this app, so it cannot carry a Keyward workload policy '
      + '(for a principal in another account, use a role imported with iam.Role.fromRoleArn)');
  }

  /** The workload id: the `<id>` in the access tag key `keyward:access:<id>`. */
  public readonly workloadId: string;
  /** The access tag key Keyward sets on every Keyward secret this workload may use. */
  public readonly accessTagKey: string;
  /** The principal whose grants this policy holds. */
  public readonly principal: iam.IPrincipal;
  /** How this workload's grants name secrets. */
  public readonly grantMode: GrantMode;
  /** The managed policy resource. */
  public readonly resource: iam.CfnManagedPolicy;

  /** @internal Whether construction finished (a refused principal's policy is removed again). */
  public _complete = false;
  private readonly tagAccess = new Map<string, TagAccess>();
  private readonly exact = { read: new Map<string, SecretTarget>(), write: new Map<string, SecretTarget>() };
  private readonly exactSources: { read: LazyTargets[]; write: LazyTargets[] } = { read: [], write: [] };
  private readonly managedPolicyQuota?: number;
  private readonly viaKeys = new Set<string>();
  private readonly viaKeySources: LazyScopeSource[] = [];
  private readonly viaScopes = new Map<string, SecretScope>();
  /** Secrets whose key (only) was granted through `secret.encryptionKey`. */
  private readonly keyOnly = new Map<string, SecretTarget>();
  /** Secrets whose key was granted for encryption through `secret.encryptionKey`. */
  private readonly keyOnlyEncrypt = new Set<string>();
  /** Secrets whose key was granted for decryption through `secret.encryptionKey`. */
  private readonly keyOnlyDecrypt = new Set<string>();
  /** Accounts and regions whose tag-matched secrets this workload may write (tag mode). */
  private readonly viaEncryptScopes = new Map<string, SecretScope>();
  private readonly directDecrypt = new Set<string>();
  private readonly directEncrypt = new Set<string>();
  /** Other direct key actions (`key.grant(role, ...actions)`): sorted action list → key ARNs. */
  private readonly directOther = new Map<string, Set<string>>();
  /** Direct key actions with conditions (a ViaServicePrincipal's): JSON of actions and conditions → what to render. */
  private readonly directConditioned = new Map<string, { actions: string[]; conditions: iam.Conditions; keyArns: Set<string> }>();
  private randomPassword = false;

  private constructor(owner: IConstruct, id: string, principal: iam.IPrincipal, options: WorkloadPolicyOptions) {
    super(owner, id);
    Object.defineProperty(this, WORKLOAD_POLICY, { value: true });
    this.principal = principal;
    this.grantMode = grantModeOf(owner, options.grantMode);
    this.managedPolicyQuota = options.managedPolicyQuota;
    if (this.managedPolicyQuota !== undefined && (!Number.isInteger(this.managedPolicyQuota) || this.managedPolicyQuota < 1)) {
      fail(owner, 'managed-policy-quota', `managedPolicyQuota must be a whole number of at least 1 (got ${this.managedPolicyQuota})`);
    }
    this.workloadId = options.workloadName ?? defaultAccessId(owner);
    registerAccessId(this, this.workloadId, `workload ${owner.node.path}`);
    this.accessTagKey = `${ACCESS_TAG_PREFIX}${this.workloadId}`;
    this.tagAccess.set(this.workloadId, {
      read: false, write: false, readValues: ['read', 'read-write'], writeValues: ['write', 'read-write'], scopes: new Map(), sources: [],
    });

    const identity = identityOf(owner, principal);
    if (identity === undefined) {
      const presented = JSON.stringify(principal.policyFragment.principalJson);
      fail(this, 'workload-principal', Token.isUnresolved(presented) && owner.node.defaultChild === undefined
        ? 'the principal\'s ARN is not known at synth (a token, e.g. Fn.importValue), so Keyward cannot tell which role, user or '
          + 'group to attach its workload policy to; import the role with a concrete ARN or by name (iam.Role.fromRoleName)'
        : 'the principal is not an IAM role, user or group, so it cannot carry a Keyward workload policy');
    }
    this.resource = new iam.CfnManagedPolicy(this, 'Resource', {
      description: `Keyward grants of workload ${this.workloadId}`,
      policyDocument: Lazy.any({ produce: () => this.render() }),
      [identity.kind]: [identity.name],
    });
    // Acknowledged once the grants are final (aspects run before synthesis), each finding by its exact id, so any other
    // wildcard in this policy is still reported.
    Aspects.of(this).add({
      visit: node => {
        if (node === this.resource) {
          this.acknowledgeOwnWildcards();
        }
      },
    });
    this.node.addValidation({ validate: () => [...this.sizeProblems(), ...this.quotaProblems()] });
    this._complete = true;
  }

  /** @internal Allow tag-matched access (own tag, or a group tag) to Keyward secrets in `scopes`. */
  public _allowTagged(tagId: string, action: 'read' | 'write', scopes: SecretScope[], source?: LazyScopeSource): void {
    let access = this.tagAccess.get(tagId);
    if (!access) {
      access = { read: false, write: false, readValues: ['member'], writeValues: ['member'], scopes: new Map(), sources: [] };
      this.tagAccess.set(tagId, access);
    }
    access[action] = true;
    for (const s of scopes) {
      access.scopes.set(scopeKey(s), s);
    }
    if (source && !access.sources.includes(source)) {
      access.sources.push(source);
    }
  }

  /** @internal The resources of a tag-matched statement for secrets in `scopes`: every secret of each account and region. */
  public _tagResources(scopes: SecretScope[]): string[] {
    return unique(scopes.map(secretPattern));
  }

  /**
   * @internal Allow access to exact secrets (exact mode, and imported secrets in either mode): the statement lists
   * their ARNs, and the KMS statement their encryption contexts.
   */
  public _allowSecrets(action: 'read' | 'write', targets: SecretTarget[] | LazyTargets): void {
    if (Array.isArray(targets)) {
      targets.forEach(t => this.exact[action].set(t.id, t));
    } else if (!this.exactSources[action].includes(targets)) {
      this.exactSources[action].push(targets);
    }
  }

  /** The secrets granted by exact ARN, per action, with the members of exact-mode groups. */
  private exactTargets(action: 'read' | 'write'): SecretTarget[] {
    const all = new Map(this.exact[action]);
    this.exactSources[action].forEach(src => src.targets().forEach(t => all.set(t.id, t)));
    return [...all.values()];
  }

  /**
   * @internal Allow a secret's key through Secrets Manager for that secret only (kms:ViaService + its SecretARN
   * encryption context), without the secret actions: what a grant on `secret.encryptionKey` means.
   */
  public _allowSecretKeys(decrypt: boolean, encrypt: boolean, target: SecretTarget): void {
    this.keyOnly.set(target.id, target);
    if (decrypt) {
      this.keyOnlyDecrypt.add(target.id);
    }
    if (encrypt) {
      this.keyOnlyEncrypt.add(target.id);
    }
  }

  /** @internal Allow using keys through Secrets Manager only (kms:ViaService + SecretARN encryption context). */
  public _allowKeysViaSecretsManager(keyArns: string[], scopes: SecretScope[], encrypt: boolean, source?: LazyScopeSource): void {
    keyArns.forEach(k => this.viaKeys.add(k));
    scopes.forEach(s => this.viaScopes.set(scopeKey(s), s));
    if (source && !this.viaKeySources.includes(source)) {
      this.viaKeySources.push(source);
    }
    if (encrypt) {
      scopes.forEach(s => this.viaEncryptScopes.set(scopeKey(s), s));
    }
  }

  /**
   * @internal Allow direct use of a key (key.grantDecrypt, grantEncrypt, grantEncryptDecrypt, grant): decryption and
   * aws-cdk-lib's encryption set each go to one statement; any other set of actions to a statement of its own.
   */
  public _allowKeyActions(keyArn: string, actions: string[], conditions?: iam.Conditions): void {
    if (conditions !== undefined && Object.keys(conditions).length > 0) {
      // A conditioned grant (e.g. kms:ViaService of aws-cdk-lib's ViaServicePrincipal) keeps its conditions: a statement of its own.
      const key = JSON.stringify([[...actions].sort(), Stack.of(this).resolve(conditions)]);
      const entry = this.directConditioned.get(key) ?? { actions: [...actions].sort(), conditions, keyArns: new Set<string>() };
      entry.keyArns.add(keyArn);
      this.directConditioned.set(key, entry);
      return;
    }
    const rest = new Set(actions);
    if (rest.delete('kms:Decrypt')) {
      this.directDecrypt.add(keyArn);
    }
    if (DIRECT_ENCRYPT_ACTIONS.every(a => rest.has(a))) {
      DIRECT_ENCRYPT_ACTIONS.forEach(a => rest.delete(a));
      this.directEncrypt.add(keyArn);
    }
    if (rest.size > 0) {
      const key = [...rest].sort().join(',');
      const keys = this.directOther.get(key) ?? new Set<string>();
      keys.add(keyArn);
      this.directOther.set(key, keys);
    }
  }

  /** @internal Rotation functions need secretsmanager:GetRandomPassword (an action without a resource). */
  public _allowRandomPassword(): void {
    this.randomPassword = true;
  }

  /** The policy document as it will be synthesized (tokens unresolved). */
  public get document(): iam.PolicyDocument {
    return iam.PolicyDocument.fromJson(this.render());
  }

  private sidFor(tagId: string, action: 'read' | 'write'): string {
    const verb = action === 'read' ? 'Read' : 'Write';
    if (tagId === this.workloadId) {
      return `Keyward${verb}Tagged`;
    }
    return `Keyward${verb}Group${tagId.replace(/[^A-Za-z0-9]/g, '')}`;
  }

  private render(): unknown {
    const statements: unknown[] = [];
    for (const { tagId, access, resources } of this.tagStatements()) {
      for (const action of ['read', 'write'] as const) {
        if (!access[action]) {
          continue;
        }
        statements.push({
          Sid: this.sidFor(tagId, action),
          Effect: 'Allow',
          Action: secretActions(action),
          Resource: single(resources),
          Condition: {
            StringEquals: { [`aws:ResourceTag/${ACCESS_TAG_PREFIX}${tagId}`]: single(action === 'read' ? access.readValues : access.writeValues) },
          },
        });
      }
    }
    const keys = new Set(this.viaKeys);
    const viaScopes = new Map(this.viaScopes);
    for (const src of this.viaKeySources) {
      src.keyArns().forEach(k => keys.add(k));
      src.scopes().forEach(s => viaScopes.set(scopeKey(s), s));
    }
    const regions = unique([...viaScopes.values()].map(s => s.region));
    const contexts = unique([...viaScopes.values()].map(secretPattern));
    for (const action of ['read', 'write'] as const) {
      const targets = this.exactTargets(action);
      if (targets.length === 0) {
        continue;
      }
      statements.push({
        Sid: action === 'read' ? 'KeywardRead' : 'KeywardWrite',
        Effect: 'Allow',
        Action: secretActions(action),
        Resource: single(unique(targets.flatMap(t => t.arns))),
      });
      for (const t of targets.filter(x => x.keyArns.length > 0)) {
        t.keyArns.forEach(k => keys.add(k));
        regions.push(...t.regions.filter(r => !regions.includes(r)));
        contexts.push(...t.arns.filter(a => !contexts.includes(a)));
      }
    }
    for (const t of this.keyOnly.values()) {
      t.keyArns.forEach(k => keys.add(k));
      regions.push(...t.regions.filter(r => !regions.includes(r)));
    }
    // Decryption for every secret read or written, and the secrets whose key was granted for decryption.
    for (const t of [...this.keyOnly.values()].filter(x => this.keyOnlyDecrypt.has(x.id))) {
      contexts.push(...t.arns.filter(a => !contexts.includes(a)));
    }
    const keyOnlyWritten = [...this.keyOnly.values()].filter(t => this.keyOnlyEncrypt.has(t.id)).flatMap(t => t.arns);
    if (keys.size > 0 && (contexts.length > 0 || keyOnlyWritten.length > 0)) {
      // Encryption only for the secrets written: a write grant on one secret must not let the workload encrypt under
      // another's context. One statement when every context is written (or none), two otherwise.
      const written = new Set([
        ...this.exactTargets('write').filter(t => t.keyArns.length > 0).flatMap(t => t.arns),
        ...keyOnlyWritten,
        ...[...this.viaEncryptScopes.values()].map(secretPattern),
      ]);
      const condition = (arns: string[]) => ({
        'StringEquals': { 'kms:ViaService': single(regions.map(r => `secretsmanager.${r}.amazonaws.com`)) },
        'StringLike': { 'kms:EncryptionContext:SecretARN': single(arns) },
      });
      const writtenList = unique([...contexts.filter(c => written.has(c)), ...written]);
      const all = written.size > 0 && contexts.length === written.size && contexts.every(c => written.has(c));
      if (contexts.length > 0) {
        statements.push({
          Sid: 'KeywardSecretsKeys',
          Effect: 'Allow',
          Action: all ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] : 'kms:Decrypt',
          Resource: single([...keys]),
          Condition: condition(contexts),
        });
      }
      if (!all && written.size > 0) {
        statements.push({
          Sid: 'KeywardSecretsKeysWrite',
          Effect: 'Allow',
          Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
          Resource: single([...keys]),
          Condition: condition(writtenList),
        });
      }
    }
    if (this.directDecrypt.size > 0) {
      statements.push({ Sid: 'KeywardKeyDecrypt', Effect: 'Allow', Action: 'kms:Decrypt', Resource: single([...this.directDecrypt]) });
    }
    if (this.directEncrypt.size > 0) {
      statements.push({
        Sid: 'KeywardKeyEncrypt', Effect: 'Allow', Action: DIRECT_ENCRYPT_ACTIONS, Resource: single([...this.directEncrypt]),
      });
    }
    for (const [id, { actions, conditions, keyArns }] of this.directConditioned) {
      statements.push({
        Sid: `KeywardKeyUse${hashId(id).slice(0, 8)}`, Effect: 'Allow', Action: single(actions), Resource: single([...keyArns]), Condition: conditions,
      });
    }
    for (const [actions, keyArns] of this.directOther) {
      statements.push({
        Sid: `KeywardKeyUse${hashId(actions).slice(0, 8)}`, Effect: 'Allow', Action: single(actions.split(',')), Resource: single([...keyArns]),
      });
    }
    if (this.randomPassword) {
      statements.push({ Sid: 'KeywardRandomPassword', Effect: 'Allow', Action: 'secretsmanager:GetRandomPassword', Resource: '*' });
    }
    // Exact grants read no tags: the deny is left out of the budget, unless the policy would otherwise be empty (a
    // workload with no grant yet: IAM refuses a policy without statements).
    if (!this.hasTagStatements() && statements.length > 0) {
      return { Version: '2012-10-17', Statement: statements };
    }
    // Access is decided by keyward:* tags, so the workload must never be able to set or remove them itself.
    statements.push({
      Sid: 'KeywardDenyAccessTagChanges',
      Effect: 'Deny',
      Action: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource', 'secretsmanager:UntagResource'],
      Resource: '*',
      Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': DENIED_TAG_KEYS } },
    });
    return { Version: '2012-10-17', Statement: statements };
  }

  private hasTagStatements(): boolean {
    return [...this.tagAccess.values()].some(a => a.read || a.write);
  }

  /** The number of distinct secrets granted by exact ARN. */
  private exactSecretCount(): number {
    return new Set([...this.exactTargets('read'), ...this.exactTargets('write')].map(t => t.id)).size;
  }

  /** The policy over IAM's size limit of a managed policy, measured on the resolved document. */
  private sizeProblems(): string[] {
    const size = resolvedPolicySize(this, this.render());
    if (size <= MANAGED_POLICY_MAX_CHARS) {
      return [];
    }
    const count = this.exactSecretCount();
    const who = `workload ${this.workloadId} (${this.node.scope!.node.path})`;
    const ways = count > 0
      ? ` It names ${count} secrets by exact ARN (${this.grantMode} mode). Two ways out: (1) tag mode for this workload `
        + `(WorkloadPolicy.of(role, { grantMode: GrantMode.TAG }) before its first grant, or the context ${GRANT_MODE_CONTEXT}=tag): `
        + 'one constant-size statement, but whoever may tag secrets in the account can then change its access (docs/grants.md); '
        + '(2) put the secrets in a SecretGroup with grantMode: GrantMode.TAG and grant the group: one statement for the group, '
        + 'same trust as tag mode but only for the group\'s members. A SecretGroup in exact mode lists every member and saves nothing. '
        + 'Or split the secrets over several workload roles.'
      : ' Grant fewer groups or keys to this workload.';
    return [formatViolation(this, 'policy-size', `the Keyward policy of ${who} would be ${fmt(size)} characters once resolved, over IAM's `
      + `${fmt(MANAGED_POLICY_MAX_CHARS)} for a managed policy; it would fail at deploy.${ways}`)];
  }

  /** More managed policies on the principal than IAM's quota allows. */
  private quotaProblems(): string[] {
    const owner = this.node.scope!;
    const cfn = owner.node.defaultChild;
    if (!CfnResource.isCfnResource(cfn)) {
      // An imported role: its other policies are not visible here.
      return [];
    }
    const contextQuota = this.node.tryGetContext(MANAGED_POLICY_QUOTA_CONTEXT);
    const quota = this.managedPolicyQuota ?? (contextQuota !== undefined ? Number(contextQuota) : DEFAULT_MANAGED_POLICY_QUOTA);
    const stack = Stack.of(cfn);
    const own = stack.resolve((cfn as unknown as { managedPolicyArns?: unknown }).managedPolicyArns);
    const arns = Array.isArray(own) ? own.length : 0;
    const attached = attachedPolicyCounts(stack).get(JSON.stringify(stack.resolve((cfn as CfnResource).ref))) ?? 0;
    const total = arns + attached;
    if (total <= quota) {
      return [];
    }
    return [formatViolation(this, 'managed-policy-quota', `${owner.node.path} would carry ${total} managed policies (${arns} in its ManagedPolicyArns, `
      + `${attached} attaching themselves, Keyward's included); IAM allows ${quota} per role, user or group`
      + `${this.managedPolicyQuota === undefined && contextQuota === undefined ? ' by default' : ''}. Remove one, merge policies, or, if the `
      + `account's quota was raised, say so with managedPolicyQuota or the context ${MANAGED_POLICY_QUOTA_CONTEXT}`)];
  }

  /** The tag-matched statements to render: one per access tag with any scope, own tag first. */
  private tagStatements(): { tagId: string; access: TagAccess; resources: string[] }[] {
    const tagIds = [...this.tagAccess.keys()].sort((a, b) => (a === this.workloadId ? -1 : b === this.workloadId ? 1 : a.localeCompare(b)));
    return tagIds.flatMap(tagId => {
      const access = this.tagAccess.get(tagId)!;
      const scopes = new Map(access.scopes);
      access.sources.forEach(src => src.scopes().forEach(s => scopes.set(scopeKey(s), s)));
      const resources = unique([...scopes.values()].map(secretPattern));
      return resources.length > 0 && (access.read || access.write) ? [{ tagId, access, resources }] : [];
    });
  }

  /**
   * Acknowledge cdk-nag's AwsSolutions-IAM5 for the wildcards Keyward itself must write, one finding id each: the
   * `secret:*` resources of the tag-matched statements, and `*` of GetRandomPassword.
   */
  private acknowledgeOwnWildcards(): void {
    const stack = Stack.of(this);
    const acks = new Map<string, string>();
    for (const { resources } of this.tagStatements()) {
      for (const r of resources) {
        acks.set(`AwsSolutions-IAM5[Resource::${nagFindingResource(stack.resolve(r))}]`, TAG_GRANT_REASON);
      }
    }
    if (this.randomPassword) {
      acks.set('AwsSolutions-IAM5[Resource::*]', RANDOM_PASSWORD_REASON);
    }
    if (acks.size > 0) {
      acknowledgeWithoutTrace(this, ...[...acks].map(([id, reason]) => ({ id, reason })));
    }
  }
}

/** CloudFormation resource types of the identities a managed policy attaches to, and its property for each. */
const IDENTITY_TYPES: { [type: string]: 'roles' | 'users' | 'groups' } = {
  'AWS::IAM::Role': 'roles', 'AWS::IAM::User': 'users', 'AWS::IAM::Group': 'groups',
};

/**
 * The role, user or group a principal is, and its name, from public API only: the CloudFormation resource of a
 * principal created in this app (its default child; `Ref` is the name), or the ARN an imported one presents
 * (`arn:<partition>:iam::<account>:role|user|group/[path/]<name>`; the name may be a token).
 */
function identityOf(owner: IConstruct, principal: iam.IPrincipal): { kind: 'roles' | 'users' | 'groups'; name: string } | undefined {
  // Read first: a LazyRole creates its role when its principal is first used.
  const presented = principal.policyFragment.principalJson.AWS;
  let cfn = owner.node.defaultChild;
  // A wrapper whose default child is the role construct (aws-cdk-lib's LazyRole, once used): that role's resource.
  if (cfn !== undefined && !CfnResource.isCfnResource(cfn)) {
    cfn = cfn.node.defaultChild;
  }
  if (CfnResource.isCfnResource(cfn)) {
    const kind = IDENTITY_TYPES[cfn.cfnResourceType];
    return kind === undefined ? undefined : { kind, name: cfn.ref };
  }
  const arn = Array.isArray(presented) && presented.length === 1 ? presented[0] : presented;
  if (typeof arn !== 'string') {
    return undefined;
  }
  // Tokens are encoded as `${Token[...]}`, without colons, so splitting an ARN with a token partition or account works.
  const parts = arn.split(':');
  const resource = parts.length === 6 && parts[0] === 'arn' && parts[2] === 'iam' ? /^(role|user|group)\/(?:.*\/)?([^/]+)$/.exec(parts[5]) : null;
  return resource === null ? undefined : { kind: `${resource[1]}s` as 'roles' | 'users' | 'groups', name: resource[2] };
}

/**
 * Whether the principal is a view of another role that takes no policy (aws-cdk-lib's immutable role: imported with
 * `mutable: false`, or `withoutPolicyUpdates()`): a construct whose dependency roots are another construct.
 */
function isImmutable(principal: iam.IPrincipal): boolean {
  if (!Construct.isConstruct(principal)) {
    return false;
  }
  const roots = Dependable.of(principal).dependencyRoots;
  return !roots.includes(principal);
}

const attachedByStack = new WeakMap<Stack, Map<string, number>>();

/** For each principal reference (`{"Ref":…}` as JSON), how many managed policies of `stack` attach themselves to it. */
function attachedPolicyCounts(stack: Stack): Map<string, number> {
  let counts = attachedByStack.get(stack);
  if (!counts) {
    counts = new Map();
    for (const c of stack.node.findAll()) {
      if (iam.CfnManagedPolicy.isCfnManagedPolicy(c) && Stack.of(c) === stack) {
        for (const list of [c.roles, c.users, c.groups]) {
          for (const r of (stack.resolve(list) as unknown[] | undefined) ?? []) {
            const key = JSON.stringify(r);
            counts.set(key, (counts.get(key) ?? 0) + 1);
          }
        }
      }
    }
    attachedByStack.set(stack, counts);
  }
  return counts;
}

/** Every secret of one account and region. */
function secretPattern(s: SecretScope): string {
  return `arn:${s.partition}:secretsmanager:${s.region}:${s.account}:secret:*`;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function single(values: string[]): string | string[] {
  return values.length === 1 ? values[0] : values;
}
