import * as crypto from 'crypto';
import { CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { fail, formatViolation } from '../core/errors';
import { Secret, SecretProps } from './secret';
import { SecretGroup } from './secret-group';
import { SecretRotationKind } from './secret-rotation';
import { ISecretsKey, SecretsKey } from './secrets-key';

/** CloudFormation's hard limit of resources in one template. */
const CFN_MAX_RESOURCES = 500;
/** Most shards: each is an `AWS::CloudFormation::Stack` in the catalog's stack, which holds other resources too. */
const MAX_SHARDS = 200;
/** CloudFormation's limit of a template read from S3 (every nested stack's), in bytes. */
const CFN_MAX_TEMPLATE_BYTES = 1024 * 1024;
/** The share of that limit a shard may fill: the rest is headroom for what the estimate below does not see. */
const TEMPLATE_BYTES_BUDGET = Math.floor(CFN_MAX_TEMPLATE_BYTES * 0.8);
/**
 * Resources a secret may grow to after it is placed: the secret, its resource policy and a rotation schedule (a
 * rotation decided later with `decideRotation`). Reserved when the secret is added, so a shard never overflows later.
 * A hosted rotation reserves one more: the `AWS::SecretsManager` transform adds the rotation function's nested stack
 * to the processed template, which is what CloudFormation's 500 counts.
 */
const RESOURCES_PER_SECRET = 3;
/**
 * Template bytes of one secret besides the property values counted at synth: its three logical ids, types, deletion
 * policies, the `aws:cdk:path` metadata and the file's indentation. Measured at ≈ 900 bytes for a catalog secret with
 * a short path (test/aws/secret-catalog.test.ts checks that the estimate stays above the written template).
 */
const TEMPLATE_BYTES_PER_SECRET = 1500;

/** Properties of a {@link SecretCatalog}. */
export interface SecretCatalogProps {
  /**
   * The key that encrypts every secret of the catalog (secrets may still name their own).
   * @default - one Keyward `SecretsKey` created in the catalog's stack, shared by every shard
   */
  readonly encryptionKey?: ISecretsKey;
  /**
   * How many shards (nested stacks) the catalog spreads its secrets over. A secret's shard is a hash of its id (or its
   * `shardKey`) modulo this number, so adding, removing or reordering secrets never moves another one; changing this
   * number moves most secrets to another nested stack (a delete and a create): choose it once, for the size the
   * catalog will reach (about one shard per 80 secrets), at most 200. Shards are created when their first secret is added.
   * @default 16
   */
  readonly shards?: number;
  /**
   * Most resources a shard may hold. Each secret reserves 3 (the secret, its resource policy and a rotation
   * schedule), so a shard holds at most a third of this many secrets; the headroom under CloudFormation's 500 is for
   * resources added to a shard by other means.
   * @default 400
   */
  readonly maxResourcesPerStack?: number;
}

/** Properties of a secret in a {@link SecretCatalog}. */
export interface CatalogSecretProps extends SecretProps {
  /**
   * What decides the secret's shard instead of its id: secrets with the same shard key share a nested stack (e.g. a
   * tenant's secrets), and a secret whose shard is full can be given a key that lands in another shard
   * (`catalog.shardOf(key)`). Changing it later moves the secret.
   * @default - the secret's id
   */
  readonly shardKey?: string;
}

/**
 * Many secrets in one app. The catalog spreads its secrets over a fixed number of nested stacks ("shards"), each
 * secret in the shard a hash of its id names, so that every template stays under CloudFormation's limits and no
 * secret ever moves because another was added or removed; they all share one key. Workloads in any stack are granted
 * catalog secrets the usual way (`secret.grantRead(role)`, a `SecretGroup`, or `catalog.grantReadAll(role)`).
 */
export class SecretCatalog extends Construct {
  /** The key shared by the catalog's secrets. */
  public readonly encryptionKey: ISecretsKey;
  /** The number of shards secrets are hashed over. */
  public readonly shardCount: number;
  private readonly maxResources: number;
  private readonly shards = new Map<number, NestedStack>();
  private readonly all: Secret[] = [];
  private readonly names = new Map<string, string>();
  private readonly ids = new Set<string>();
  /** Resources reserved in each shard when its secrets were added. */
  private readonly reserved = new Map<number, number>();
  private readAll?: SecretGroup;

  constructor(scope: Construct, id: string, props: SecretCatalogProps = {}) {
    super(scope, id);
    const max = props.maxResourcesPerStack ?? 400;
    if (!Number.isInteger(max) || max < 10 || max > CFN_MAX_RESOURCES) {
      fail(this, 'catalog-stack-size', `maxResourcesPerStack must be a whole number from 10 to ${CFN_MAX_RESOURCES} (got ${max})`);
    }
    const shards = props.shards ?? 16;
    if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
      fail(this, 'catalog-shards', `shards must be a whole number from 1 to ${MAX_SHARDS} (got ${shards}): each shard is a resource of the `
        + `catalog's own stack, which CloudFormation limits to ${CFN_MAX_RESOURCES}`);
    }
    this.maxResources = max;
    this.shardCount = shards;
    this.encryptionKey = props.encryptionKey ?? new SecretsKey(this, 'Key', {
      description: `Keyward key of the secret catalog ${this.node.path}`,
    });
    this.node.addValidation({ validate: () => this.validateShards() });
  }

  /** The nested stacks holding the secrets, by shard number (shards without a secret are not created). */
  public get stacks(): NestedStack[] {
    return [...this.shards.entries()].sort(([a], [b]) => a - b).map(([, s]) => s);
  }

  /** Every secret of the catalog, in the order added. */
  public get secrets(): Secret[] {
    return [...this.all];
  }

  /** The shard number (1 to `shardCount`, the `N` of `ShardN`) of a secret id or shard key: a pure function of that string. */
  public shardOf(idOrShardKey: string): number {
    return 1 + crypto.createHash('sha256').update(idOrShardKey).digest().readUInt32BE(0) % this.shardCount;
  }

  /**
   * Declare a secret in the catalog, in the shard its id (or `shardKey`) hashes to. `id` must be unique in the
   * catalog, and so must `secretName` when given.
   */
  public addSecret(id: string, props: CatalogSecretProps = {}): Secret {
    if (this.ids.has(id)) {
      fail(this, 'duplicate-secret-id', `the catalog already has a secret with id "${id}"`);
    }
    if (props.secretName !== undefined) {
      const other = this.names.get(props.secretName);
      if (other !== undefined) {
        fail(this, 'duplicate-secret-name', `secret name "${props.secretName}" is already used by ${other} in this catalog`);
      }
    }
    if (props.shardKey !== undefined && props.shardKey.length === 0) {
      fail(this, 'catalog-shard-key', `the shard key of "${id}" is empty; give a non-empty string, or none to hash the id`);
    }
    const index = this.shardOf(props.shardKey ?? id);
    const used = this.reserved.get(index) ?? 0;
    const needed = RESOURCES_PER_SECRET + (props.rotation?.kind === SecretRotationKind.HOSTED ? 1 : 0);
    if (used + needed > this.maxResources) {
      fail(this, 'catalog-shard-full', `secret "${id}" hashes to Shard${index}, which already holds ${used} of its ${this.maxResources} `
        + `resources (${RESOURCES_PER_SECRET} reserved per secret); give it a shardKey whose shard has room (catalog.shardOf(key)), or `
        + 'raise maxResourcesPerStack (CloudFormation allows 500); more shards would move existing secrets to other nested stacks');
    }
    const { shardKey: _shardKey, ...secretProps } = props;
    const secret = new Secret(this.shard(index), id, { ...secretProps, encryptionKey: props.encryptionKey ?? this.encryptionKey });
    this.ids.add(id);
    if (props.secretName !== undefined) {
      this.names.set(props.secretName, secret.node.path);
    }
    this.reserved.set(index, used + Math.max(needed, countResources(secret) + hostedRotations(secret)));
    this.all.push(secret);
    this.readAll?.addSecret(secret);
    return secret;
  }

  /**
   * Allow `grantee` to read every secret of the catalog, present and future, through the catalog's own
   * {@link SecretGroup}: with tag-matched grants one constant statement, whatever the number of secrets.
   */
  public grantReadAll(grantee: iam.IGrantable): iam.Grant {
    if (!this.readAll) {
      this.readAll = new SecretGroup(this, 'ReadAll', { secrets: this.all });
    }
    return this.readAll.grantRead(grantee);
  }

  private shard(index: number): NestedStack {
    let shard = this.shards.get(index);
    if (!shard) {
      shard = new NestedStack(this, `Shard${index}`, {
        description: `Keyward secret catalog ${this.node.path}, shard ${index} of ${this.shardCount}`,
      });
      this.shards.set(index, shard);
    }
    return shard;
  }

  private validateShards(): string[] {
    const problems: string[] = [];
    for (const [index, shard] of this.shards) {
      const count = countResources(shard) + hostedRotations(shard);
      if (count > CFN_MAX_RESOURCES) {
        problems.push(formatViolation(this, 'catalog-shard-full', `Shard${index} holds ${count} resources (a hosted rotation counts its `
          + `rotation function's nested stack), over CloudFormation's limit of ${CFN_MAX_RESOURCES}; lower maxResourcesPerStack`));
      }
      const bytes = estimateTemplateBytes(shard, this.all.filter(s => s.node.scope === shard));
      if (bytes > TEMPLATE_BYTES_BUDGET) {
        problems.push(formatViolation(this, 'catalog-shard-full', `Shard${index}'s template is about ${Math.round(bytes / 1024)} KB, over `
          + `the ${Math.round(TEMPLATE_BYTES_BUDGET / 1024)} KB Keyward allows under CloudFormation's 1 MB (large tags, descriptions or `
          + 'resource policies); give some of its secrets a shardKey that lands in another shard, or lower maxResourcesPerStack'));
      }
    }
    return problems;
  }
}

function countResources(scope: IConstruct): number {
  return scope.node.findAll().filter(c => CfnResource.isCfnResource(c)).length;
}

/** Hosted rotations under `scope`: each becomes one more resource (a nested stack) when CloudFormation runs the transform. */
function hostedRotations(scope: IConstruct): number {
  return scope.node.findAll().filter(c => secretsmanager.CfnRotationSchedule.isCfnRotationSchedule(c) && c.hostedRotationLambda !== undefined).length;
}

/**
 * An upper estimate of a shard template's size: the property values that vary per secret (name, description,
 * generation options, tags, replicas, resource policy), resolved, plus a fixed allowance per secret for the rest.
 * Exported for its test, not from the package.
 */
export function estimateTemplateBytes(shard: NestedStack, secrets: Secret[]): number {
  const stack = Stack.of(shard);
  let bytes = 2048;
  for (const s of secrets) {
    const r = s.resource;
    const values = stack.resolve({
      name: r.name, description: r.description, generate: r.generateSecretString, string: r.secretString, replicas: r.replicaRegions,
      tags: r.tags.renderTags(), policy: s.resourcePolicy.resourcePolicy, path: s.node.path,
    });
    bytes += Buffer.byteLength(JSON.stringify(values)) + TEMPLATE_BYTES_PER_SECRET;
  }
  return bytes;
}
