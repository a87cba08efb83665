import { CfnResource, NestedStack } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { fail, formatViolation } from '../core/errors';
import { Secret, SecretProps } from './secret';
import { ISecretsKey, SecretsKey } from './secrets-key';

/** CloudFormation's hard limit of resources in one template. */
const CFN_MAX_RESOURCES = 500;

/** Properties of a {@link SecretCatalog}. */
export interface SecretCatalogProps {
  /**
   * The key that encrypts every secret of the catalog (secrets may still name their own).
   * @default - one Keyward `SecretsKey` created in the catalog's stack, shared by every shard
   */
  readonly encryptionKey?: ISecretsKey;
  /**
   * Most resources a shard (nested stack) may hold before the catalog opens the next one. The headroom under
   * CloudFormation's 500 covers resources added after a secret is placed (a rotation schedule, a cross-account
   * statement's policy).
   * @default 400
   */
  readonly maxResourcesPerStack?: number;
}

/**
 * Many secrets in one app. The catalog spreads its secrets over nested stacks ("shards") so that every template stays
 * under CloudFormation's 500-resource limit, and they all share one key. Workloads in any stack are granted catalog
 * secrets the usual way (`secret.grantRead(role)`, or a `SecretGroup`): a grant tags the secret and adds nothing per
 * secret to the workload's stack, so there is no cross-stack reference per secret — only one, to the shared key.
 */
export class SecretCatalog extends Construct {
  /** The key shared by the catalog's secrets. */
  public readonly encryptionKey: ISecretsKey;
  private readonly maxResources: number;
  private readonly shards: NestedStack[] = [];
  private readonly all: Secret[] = [];
  private readonly names = new Map<string, string>();
  private readonly ids = new Set<string>();
  /** Resources placed in the current shard, counted when each secret was added (plus a reserved rotation schedule). */
  private currentCount = 0;

  constructor(scope: Construct, id: string, props: SecretCatalogProps = {}) {
    super(scope, id);
    const max = props.maxResourcesPerStack ?? 400;
    if (!Number.isInteger(max) || max < 10 || max > CFN_MAX_RESOURCES) {
      fail(this, 'catalog-stack-size', `maxResourcesPerStack must be a whole number from 10 to ${CFN_MAX_RESOURCES} (got ${max})`);
    }
    this.maxResources = max;
    this.encryptionKey = props.encryptionKey ?? new SecretsKey(this, 'Key', {
      description: `Keyward key of the secret catalog ${this.node.path}`,
    });
    this.node.addValidation({ validate: () => this.validateShards() });
  }

  /** The nested stacks holding the secrets, in the order they were opened. */
  public get stacks(): NestedStack[] {
    return [...this.shards];
  }

  /** Every secret of the catalog, in the order added. */
  public get secrets(): Secret[] {
    return [...this.all];
  }

  /**
   * Declare a secret in the catalog. It is placed in the current shard, or in a new one when the current one is full.
   * `id` must be unique in the catalog, and so must `secretName` when given.
   */
  public addSecret(id: string, props: SecretProps = {}): Secret {
    if (this.ids.has(id)) {
      fail(this, 'duplicate-secret-id', `the catalog already has a secret with id "${id}"`);
    }
    if (props.secretName !== undefined) {
      const other = this.names.get(props.secretName);
      if (other !== undefined) {
        fail(this, 'duplicate-secret-name', `secret name "${props.secretName}" is already used by ${other} in this catalog`);
      }
    }
    const shard = this.shardWithRoom();
    const secret = new Secret(shard, id, { ...props, encryptionKey: props.encryptionKey ?? this.encryptionKey });
    this.ids.add(id);
    if (props.secretName !== undefined) {
      this.names.set(props.secretName, secret.node.path);
    }
    this.currentCount += countResources(secret) + (props.rotation ? 0 : 1);
    this.all.push(secret);
    return secret;
  }

  private shardWithRoom(): NestedStack {
    // A secret with rotation and a resource policy is a handful of resources: keep room for the largest kind.
    if (this.shards.length === 0 || this.currentCount + 4 > this.maxResources) {
      this.shards.push(new NestedStack(this, `Shard${this.shards.length + 1}`, {
        description: `Keyward secret catalog ${this.node.path}, shard ${this.shards.length + 1}`,
      }));
      this.currentCount = 0;
    }
    return this.shards[this.shards.length - 1];
  }

  private validateShards(): string[] {
    const problems: string[] = [];
    for (const shard of this.shards) {
      const count = countResources(shard);
      if (count > CFN_MAX_RESOURCES) {
        problems.push(formatViolation(shard, 'catalog-stack-size',
          `shard holds ${count} resources, over CloudFormation's limit of ${CFN_MAX_RESOURCES}; lower maxResourcesPerStack`));
      }
    }
    return problems;
  }
}

function countResources(scope: IConstruct): number {
  return scope.node.findAll().filter(c => CfnResource.isCfnResource(c)).length;
}
