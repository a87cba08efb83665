import { Aspects, Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { fail, KeywardValidationError } from '../core/errors';
import { accountsDiffer, ACCESS_TAG_PREFIX, DENIED_TAG_KEYS, defaultAccessId, LazyScopeSource, registerAccessId, SECRET_READ_ACTIONS, SECRET_WRITE_ACTIONS, secretActions, SecretScope } from './private/access';
import { acknowledgeWithoutTrace, nagFindingResource } from './private/nag';

/** Options for {@link WorkloadPolicy.of}. */
export interface WorkloadPolicyOptions {
  /**
   * A stable name for the workload, used in the access tag key `keyward:access:<name>` on every secret it may use.
   * Give one when the construct path of the role may change (refactoring would otherwise re-tag every secret).
   * @default - a 12-character hash of the principal's top-level stack name, account and region (when known) and construct path
   */
  readonly workloadName?: string;
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

const policies = new WeakMap<IConstruct, WorkloadPolicy>();

const TAG_GRANT_REASON = 'Keyward attribute-based grant: the statement names every secret of one account and region but only matches '
  + 'secrets tagged keyward:access:<this workload or its group> (condition secretsmanager:ResourceTag), and the same policy '
  + 'denies the workload creating secrets with, setting or removing such tags.';
const RANDOM_PASSWORD_REASON = 'secretsmanager:GetRandomPassword has no resource type, so IAM only accepts Resource "*"; '
  + 'it returns a random string and reads no secret.';

function scopeKey(s: SecretScope): string {
  return `${s.partition}|${s.region}|${s.account}`;
}

/**
 * The one customer-managed policy (`AWS::IAM::ManagedPolicy`) that holds all Keyward grants of one workload, attached
 * to its role. Created once per principal on the first grant; its size does not depend on how many secrets the
 * workload may read, because reads of Keyward secrets are matched by the access tag `keyward:access:<workloadId>` on
 * each secret rather than by listing ARNs.
 */
export class WorkloadPolicy extends Construct {
  /**
   * The workload policy of `grantable`, created in the principal's construct on first use.
   */
  public static of(grantable: iam.IGrantable, options: WorkloadPolicyOptions = {}): WorkloadPolicy {
    const principal = grantable.grantPrincipal;
    const owner = WorkloadPolicy.ownerOf(principal, grantable);
    const existing = policies.get(owner);
    if (existing) {
      if (options.workloadName !== undefined && options.workloadName !== existing.workloadId) {
        fail(existing, 'workload-name', `workload already has the id "${existing.workloadId}"; give workloadName on its first grant`);
      }
      return existing;
    }
    const account = principal.principalAccount;
    if (accountsDiffer(account, Stack.of(owner).account)) {
      fail(owner, 'workload-principal', `the principal is in account ${account}, not this stack's account ${Stack.of(owner).account}; `
        + 'Keyward cannot attach a policy to it here (grant Keyward secrets to it from their owning stack, which adds resource-policy statements)');
    }
    if (/^ImmutableRole\d*$/.test(owner.constructor.name)) {
      fail(owner, 'workload-principal', 'the role is immutable (imported with mutable: false or withoutPolicyUpdates()); Keyward cannot attach its grants to it');
    }
    const created = new WorkloadPolicy(owner, 'KeywardPolicy', principal, options);
    policies.set(owner, created);
    return created;
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
  /** The managed policy resource. */
  public readonly resource: iam.CfnManagedPolicy;

  private readonly tagAccess = new Map<string, TagAccess>();
  private readonly exactRead = new Set<string>();
  private readonly exactWrite = new Set<string>();
  private readonly viaKeys = new Set<string>();
  private readonly viaKeySources: LazyScopeSource[] = [];
  private readonly viaScopes = new Map<string, SecretScope>();
  private viaEncrypt = false;
  private readonly directDecrypt = new Set<string>();
  private readonly directEncrypt = new Set<string>();
  private randomPassword = false;

  private constructor(owner: IConstruct, id: string, principal: iam.IPrincipal, options: WorkloadPolicyOptions) {
    super(owner, id);
    this.principal = principal;
    this.workloadId = options.workloadName ?? defaultAccessId(owner);
    registerAccessId(this, this.workloadId, `workload ${owner.node.path}`);
    this.accessTagKey = `${ACCESS_TAG_PREFIX}${this.workloadId}`;
    this.tagAccess.set(this.workloadId, {
      read: false, write: false, readValues: ['read', 'read-write'], writeValues: ['write', 'read-write'], scopes: new Map(), sources: [],
    });

    const p = principal as unknown as { roleName?: string; userName?: string; groupName?: string };
    this.resource = new iam.CfnManagedPolicy(this, 'Resource', {
      description: `Keyward grants of workload ${this.workloadId}`,
      policyDocument: Lazy.any({ produce: () => this.render() }),
      roles: p.roleName !== undefined ? [p.roleName] : undefined,
      users: p.roleName === undefined && p.userName !== undefined ? [p.userName] : undefined,
      groups: p.roleName === undefined && p.userName === undefined && p.groupName !== undefined ? [p.groupName] : undefined,
    });
    if (p.roleName === undefined && p.userName === undefined && p.groupName === undefined) {
      fail(this, 'workload-principal', 'the principal is not an IAM role, user or group, so it cannot carry a Keyward workload policy');
    }
    // Acknowledged once the grants are final (aspects run before synthesis), each finding by its exact id, so any other
    // wildcard in this policy is still reported.
    Aspects.of(this).add({
      visit: node => {
        if (node === this.resource) {
          this.acknowledgeOwnWildcards();
        }
      },
    });
  }

  /** @internal Allow tag-matched access (own tag, or a group tag) to Keyward secrets in `scopes`. */
  public _allowTagged(tagId: string, action: 'read' | 'write', scopes: SecretScope[], source?: LazyScopeSource): string[] {
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
    return [this.sidFor(tagId, action)];
  }

  /** @internal Allow access to exact secret ARNs (imported secrets, which Keyward cannot tag). */
  public _allowExact(action: 'read' | 'write', arn: string): string[] {
    (action === 'read' ? this.exactRead : this.exactWrite).add(arn);
    return [action === 'read' ? 'KeywardReadImported' : 'KeywardWriteImported'];
  }

  /** @internal Allow using keys through Secrets Manager only (kms:ViaService + SecretARN encryption context). */
  public _allowKeysViaSecretsManager(keyArns: string[], scopes: SecretScope[], encrypt: boolean, source?: LazyScopeSource): string[] {
    keyArns.forEach(k => this.viaKeys.add(k));
    scopes.forEach(s => this.viaScopes.set(scopeKey(s), s));
    if (source && !this.viaKeySources.includes(source)) {
      this.viaKeySources.push(source);
    }
    this.viaEncrypt = this.viaEncrypt || encrypt;
    return ['KeywardSecretsKeys'];
  }

  /** @internal Allow direct use of a key (key.grantDecrypt / grantEncryptDecrypt). */
  public _allowKeyDirect(keyArn: string, decrypt: boolean, encrypt: boolean): string[] {
    const sids: string[] = [];
    if (decrypt) {
      this.directDecrypt.add(keyArn);
      sids.push('KeywardKeyDecrypt');
    }
    if (encrypt) {
      this.directEncrypt.add(keyArn);
      sids.push('KeywardKeyEncrypt');
    }
    return sids;
  }

  /** @internal Rotation functions need secretsmanager:GetRandomPassword (an action without a resource). */
  public _allowRandomPassword(): string[] {
    this.randomPassword = true;
    return ['KeywardRandomPassword'];
  }

  /** The policy document as it will be synthesized (tokens unresolved). */
  public get document(): iam.PolicyDocument {
    return iam.PolicyDocument.fromJson(this.render());
  }

  private sidFor(tagId: string, action: 'read' | 'write'): string {
    const verb = action === 'read' ? 'Read' : 'Write';
    if (tagId === this.workloadId) {
      return `Keyward${verb}`;
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
            StringEquals: { [`secretsmanager:ResourceTag/${ACCESS_TAG_PREFIX}${tagId}`]: single(action === 'read' ? access.readValues : access.writeValues) },
          },
        });
      }
    }
    if (this.exactRead.size > 0) {
      statements.push({ Sid: 'KeywardReadImported', Effect: 'Allow', Action: SECRET_READ_ACTIONS, Resource: single([...this.exactRead]) });
    }
    if (this.exactWrite.size > 0) {
      statements.push({ Sid: 'KeywardWriteImported', Effect: 'Allow', Action: SECRET_WRITE_ACTIONS, Resource: single([...this.exactWrite]) });
    }
    const keys = new Set(this.viaKeys);
    const viaScopes = new Map(this.viaScopes);
    for (const src of this.viaKeySources) {
      src.keyArns().forEach(k => keys.add(k));
      src.scopes().forEach(s => viaScopes.set(scopeKey(s), s));
    }
    if (keys.size > 0 && viaScopes.size > 0) {
      const scopes = [...viaScopes.values()];
      const regions = unique(scopes.map(s => s.region));
      const contexts = unique(scopes.map(secretPattern));
      statements.push({
        Sid: 'KeywardSecretsKeys',
        Effect: 'Allow',
        Action: this.viaEncrypt ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] : 'kms:Decrypt',
        Resource: single([...keys]),
        Condition: {
          'StringEquals': { 'kms:ViaService': single(regions.map(r => `secretsmanager.${r}.amazonaws.com`)) },
          'StringLike': { 'kms:EncryptionContext:SecretARN': single(contexts) },
        },
      });
    }
    if (this.directDecrypt.size > 0) {
      statements.push({ Sid: 'KeywardKeyDecrypt', Effect: 'Allow', Action: 'kms:Decrypt', Resource: single([...this.directDecrypt]) });
    }
    if (this.directEncrypt.size > 0) {
      statements.push({
        Sid: 'KeywardKeyEncrypt', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'], Resource: single([...this.directEncrypt]),
      });
    }
    if (this.randomPassword) {
      statements.push({ Sid: 'KeywardRandomPassword', Effect: 'Allow', Action: 'secretsmanager:GetRandomPassword', Resource: '*' });
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
