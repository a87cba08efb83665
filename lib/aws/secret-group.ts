import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { fail } from '../core/errors';
import { GrantMode } from './grant';
import { policyGrant, secretGrantStatements } from './private/grants';
import { crossAccountPrincipal } from './private/principals';
import { ISecret, Secret } from './secret';
import { accountsDiffer, ACCESS_TAG_PREFIX, defaultAccessId, GRANT_MODE_CONTEXT, grantModeOf, LazyScopeSource, LazyTargets, registerAccessId, SECRET_READ_ACTIONS, SecretScope } from './private/access';
import { WorkloadPolicy } from './workload-policy';

/** Properties of a {@link SecretGroup}. */
export interface SecretGroupProps {
  /**
   * A stable name for the group, used in the tag key `keyward:access:<name>` on every member.
   * @default - a 12-character hash of the group's top-level stack name, account and region (when known) and construct path
   */
  readonly groupName?: string;
  /**
   * Initial members (Keyward secrets). More can be added with `addSecret`.
   * @default - none
   */
  readonly secrets?: ISecret[];
  /**
   * How the group's grants name its members. In exact mode a workload granted the group lists every member (a group
   * then saves no policy characters, it only declares the set once). In tag mode each member carries the tag
   * `keyward:access:<groupId>` = `member` and a grant is one constant-size statement matching that tag.
   * @default - the context value `@keyward/grants:mode` when set, else the mode of the workload granted
   */
  readonly grantMode?: GrantMode;
}

/**
 * A declared set of Keyward secrets granted together. In exact mode a workload granted the group lists every member,
 * present and future. In tag mode each member carries one tag, `keyward:access:<groupId>` = `member`, and a workload
 * granted the group gets one statement matching that tag, whatever the number of members and however many workloads
 * read the group (which keeps members under Secrets Manager's 50-tag limit).
 */
export class SecretGroup extends Construct {
  /** The group id: the `<id>` in `keyward:access:<id>`. */
  public readonly groupId: string;
  /** The tag key set on every member. */
  public readonly accessTagKey: string;
  /** The mode given (or set app-wide); undefined: the mode of each workload granted. */
  public readonly grantMode?: GrantMode;
  private readonly members: Secret[] = [];
  private readonly source: LazyScopeSource;
  private readonly targets: LazyTargets;
  /** Whether members carry the group tag (once the group is granted in tag mode). */
  private tagged = false;

  constructor(scope: Construct, id: string, props: SecretGroupProps = {}) {
    super(scope, id);
    this.groupId = props.groupName ?? defaultAccessId(this);
    registerAccessId(this, this.groupId, `group ${this.node.path}`);
    this.accessTagKey = `${ACCESS_TAG_PREFIX}${this.groupId}`;
    this.grantMode = props.grantMode ?? (this.node.tryGetContext(GRANT_MODE_CONTEXT) !== undefined ? grantModeOf(this, undefined) : undefined);
    const members = this.members;
    this.targets = { targets: () => members.map(m => m._target()) };
    this.source = {
      scopes(): SecretScope[] {
        return members.flatMap(m => m._scopes());
      },
      keyArns(): string[] {
        return [...new Set(members.flatMap(m => m._keyArns()))];
      },
    };
    for (const s of props.secrets ?? []) {
      this.addSecret(s);
    }
  }

  /** The members. */
  public get secrets(): ISecret[] {
    return [...this.members];
  }

  /**
   * Add a Keyward secret (imported secrets cannot be tagged: grant them one by one). The secret must be in the group's
   * account: a group is granted through workload policies in that account, which cannot read a secret of another
   * account, so a member in another (concrete) account is an error.
   */
  public addSecret(secret: ISecret): void {
    // A secret created by this package (or a second copy of it): not an import or an attachment view of one.
    if (!secret.keywardOwned || typeof (secret as Partial<Secret>)._addGroupTag !== 'function') {
      fail(this, 'group-member', `${secret.node.path} is not a Keyward-created secret; Keyward cannot tag it, so grant it to workloads directly`);
    }
    this.addMember(secret as Secret);
  }

  private addMember(secret: Secret): void {
    const memberAccount = Stack.of(secret).account;
    const groupAccount = Stack.of(this).account;
    if (accountsDiffer(memberAccount, groupAccount)) {
      fail(this, 'group-member', `${secret.node.path} is in account ${memberAccount}, the group in ${groupAccount}; a group's grants are `
        + 'workload policies in its own account and could never read it: put the secret in a group of its own account, or grant it directly');
    }
    if (!this.members.includes(secret)) {
      if (this.tagged) {
        secret._addGroupTag(this.groupId);
      }
      this.members.push(secret);
    }
  }

  /**
   * Allow `grantee` to read every member, present and future: the members listed in its workload policy (exact mode),
   * or one statement matching the group tag (tag mode).
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    if (crossAccountPrincipal(grantee, Stack.of(this).account, this)) {
      fail(this, 'group-cross-account', 'a group cannot be granted to a principal in another account; grant each secret (it adds resource-policy statements)');
    }
    const policy = WorkloadPolicy.of(grantee);
    if ((this.grantMode ?? policy.grantMode) === GrantMode.EXACT) {
      policy._allowSecrets('read', this.targets);
      return this.describe(policy);
    }
    if (!this.tagged) {
      this.tagged = true;
      this.members.forEach(m => m._addGroupTag(this.groupId));
    }
    policy._allowTagged(this.groupId, 'read', [], this.source);
    policy._allowKeysViaSecretsManager([], [], false, this.source);
    return this.describe(policy, { key: this.accessTagKey, values: ['member'], resources: policy._tagResources(this.source.scopes()) });
  }

  /**
   * The grant as it stands when made (the policy itself lists members added later too): the members, or the tag
   * statement; for a group without members yet, a statement without resources.
   */
  private describe(policy: WorkloadPolicy, tag?: { key: string; values: string[]; resources: string[] }): iam.Grant {
    const targets = this.targets.targets();
    const target = { arns: targets.flatMap(t => t.arns), keyArns: targets.flatMap(t => t.keyArns), regions: targets.flatMap(t => t.regions) };
    return policyGrant(policy, secretGrantStatements('read', SECRET_READ_ACTIONS, target, tag));
  }
}
