import * as path from 'path';
import { CustomResource, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { readSopsFile, sopsFormatOf } from '../core/sops-file';
import { SopsFileFormat } from '../core/sops-format';
import { acknowledgeWithoutTrace, nagFindingResource } from './private/nag';
import type { Secret } from './secret';
import { ISecretsKey, SecretsKey } from './secrets-key';
import type { SopsFileOptions } from './sops-file-options';
import { WorkloadPolicy } from './workload-policy';

/** The custom resource type of one SOPS-sourced secret value. */
export const SOPS_RESOURCE_TYPE = 'Custom::KeywardSopsSecret';

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** What a SOPS-sourced content renders to (see SecretContent._bind). */
export interface BoundSopsContent {
  readonly note: string;
  /** Called with the secret once its CloudFormation resource exists. */
  readonly attach: (secret: Secret) => void;
}

/**
 * Check a SOPS file at synth (never decrypting it) and return how the secret gets its value: a random placeholder at
 * creation, then the file's value written by the stack's {@link SopsSecretWriter} at deploy.
 */
export function bindSopsFile(scope: IConstruct, file: string, options: SopsFileOptions): BoundSopsContent {
  if (Token.isUnresolved(file)) {
    fail(scope, 'sops-file', 'the SOPS file path must be a concrete string');
  }
  const format = options.format ?? sopsFormatOf(file);
  const { info, problems } = readSopsFile(file, format);
  if (!info) {
    return fail(scope, 'sops-file', problems.join('; '));
  }
  const field = options.field;
  if (field !== undefined) {
    if (format === SopsFileFormat.BINARY) {
      fail(scope, 'sops-file', `${file} is a binary SOPS file, which has no fields; remove field "${field}"`);
    }
    if (!info.keys.includes(field)) {
      fail(scope, 'sops-file', `${file} has no key "${field}" (its keys: ${info.keys.join(', ') || 'none'})`);
    }
  }
  const clear = info.unencryptedKeys.filter(k => field === undefined || k === field);
  if (clear.length > 0) {
    fail(scope, 'sops-file', `${file} holds ${clear.map(k => `"${k}"`).join(', ')} unencrypted (unencrypted_suffix/regex): `
      + 'that value is plaintext in the repository; encrypt every value that becomes a secret');
  }
  const keyArn = chooseKey(scope, file, info.kmsKeyArns, options.decryptionKey);
  return {
    note: `Value written at deploy from the SOPS-encrypted file ${file.split(path.sep).join('/')}${field !== undefined ? ` (key ${field})` : ''}.`,
    attach: (secret) => SopsSecretWriter.of(secret).addSecret(secret, {
      file, format, field, keyArn, key: options.decryptionKey,
    }),
  };
}

function chooseKey(scope: IConstruct, file: string, arns: string[], given: ISecretsKey | undefined): string {
  if (arns.length === 0) {
    fail(scope, 'sops-key', `${file} has no AWS KMS key in its sops metadata, so nothing in AWS can decrypt it; `
      + `add one: sops updatekeys (with a .sops.yaml rule listing the key) or sops rotate --add-kms <key ARN> --in-place ${file}`);
  }
  if (given !== undefined) {
    if (!Token.isUnresolved(given.keyArn) && !arns.includes(given.keyArn)) {
      fail(scope, 'sops-key', `decryptionKey ${given.keyArn} is not one of the AWS KMS keys of ${file} (${arns.join(', ')})`);
    }
    return given.keyArn;
  }
  const region = Stack.of(scope).region;
  const arn = (!Token.isUnresolved(region) && arns.find(a => a.split(':')[3] === region)) || arns[0];
  if (!KEY_ARN.test(arn)) {
    fail(scope, 'sops-key', `${file}'s AWS KMS key ${arn} is not a key ARN (an alias cannot be granted kms:Decrypt); `
      + 'encrypt the file with the key ARN, or give decryptionKey');
  }
  return arn;
}

interface SopsSecretSpec {
  readonly file: string;
  readonly format: SopsFileFormat;
  readonly field?: string;
  readonly keyArn: string;
  readonly key?: ISecretsKey;
}

const WRITER_ID = 'KeywardSopsSecretWriter';
/** Object ARNs per read policy: ~110 characters each keeps a managed policy well under IAM's 6,144. */
const FILES_PER_POLICY = 40;
/** A role holds 10 managed policies (IAM default quota): the workload policy, the logs policy and up to 8 read policies. */
const MAX_READ_POLICIES = 8;

/**
 * One per stack: the Lambda function (behind aws-cdk-lib's custom-resource Provider) that writes SOPS-sourced values.
 * Its role holds exactly: PutSecretValue on those secrets (granted like any workload: by name in exact mode), kms:Decrypt on those files' keys, and
 * s3:GetObject on those files' asset objects; it writes its own log group only.
 */
export class SopsSecretWriter extends Construct {
  /** The stack's writer, created on first use. */
  public static of(scope: IConstruct): SopsSecretWriter {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(WRITER_ID) as SopsSecretWriter | undefined) ?? new SopsSecretWriter(stack, WRITER_ID);
  }

  public readonly role: iam.Role;
  public readonly function: lambda.Function;
  public readonly provider: cr.Provider;
  private readonly readPolicies: { policy: iam.ManagedPolicy; statement: iam.PolicyStatement; objects: Set<string> }[] = [];
  private readonly keys = new Map<string, ISecretsKey>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Keyward: writes values of SOPS-encrypted files to their secrets at deploy time',
    });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    new iam.ManagedPolicy(this, 'WriteLogs', {
      description: 'Keyward: the SOPS writer writes its own logs',
      roles: [this.role],
      statements: [new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] })],
    });
    this.function = new lambda.Function(this, 'Function', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, 'sops-handler')),
      role: this.role,
      timeout: Duration.minutes(2),
      memorySize: 256,
      logGroup,
      reservedConcurrentExecutions: 5,
      description: 'Keyward: decrypts SOPS files with their KMS key and writes the values with PutSecretValue (never logs them)',
    });
    // The framework function logs to a log group of its own, created before it (not one named /aws/lambda/<name>
    // after it, which an invocation can create first: CloudFormation then fails on "log group already exists").
    const providerLogs = new logs.LogGroup(this, 'ProviderLogs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    this.provider = new cr.Provider(this, 'Provider', { onEventHandler: this.function, logGroup: providerLogs });
    // The Provider framework's own function holds one variable, the writer function's ARN: nothing to encrypt.
    for (const fn of this.provider.node.findAll().filter((c): c is lambda.CfnFunction => lambda.CfnFunction.isCfnFunction(c))) {
      const existing = fn.getMetadata('checkov') as { skip?: unknown[] } | undefined;
      fn.addMetadata('checkov', { ...existing, skip: [...(existing?.skip ?? []), { id: 'CKV_AWS_173', comment: 'Keyward: aws-cdk-lib\'s custom-resource Provider framework function; its environment holds only the ARN of the function it invokes, no secret.' }] });
    }
    const fnArn = nagFindingResource(Stack.of(this).resolve(this.function.functionArn));
    acknowledgeWithoutTrace(this.provider,
      { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'aws-cdk-lib\'s custom-resource Provider framework function writes its own logs with this AWS managed policy.' },
      { id: `AwsSolutions-IAM5[Resource::${fnArn}:*]`,
        reason: 'aws-cdk-lib\'s Provider framework may invoke the versions of the one writer function (lambda:InvokeFunction on <function ARN>:*).' },
      { id: 'AwsSolutions-L1', reason: 'The Provider framework function\'s runtime is chosen by aws-cdk-lib; the writer itself runs Node.js 24.' },
      { id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: 'aws-cdk-lib\'s Provider framework role holds one inline statement: invoke the writer function.' },
      { id: 'NIST.800.53.R5-LambdaConcurrency', reason: 'The Provider framework function is invoked by CloudFormation only, once per SOPS-sourced secret change.' },
    );
    acknowledgeWithoutTrace(this,
      { id: 'NIST.800.53.R5-LambdaDLQ', reason: 'Invoked synchronously by CloudFormation through the Provider framework, which reports failures to the stack.' },
      { id: 'NIST.800.53.R5-LambdaInsideVPC', reason: 'Deploy-time functions calling only S3, KMS and Secrets Manager APIs; they serve no traffic.' },
      { id: 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', reason: 'The writer logs no values: only request ids and errors that name files, keys and secrets.' },
    );
  }

  /** Write the value of `spec.file` to `secret` on every deploy that changes the file (or the secret). */
  public addSecret(secret: Secret, spec: SopsSecretSpec): CustomResource {
    const asset = new s3assets.Asset(secret, 'SopsFile', { path: spec.file });
    const readPolicy = this.allowRead(secret, asset);
    secret.grantWrite(this.role);
    if (!this.keys.has(spec.keyArn)) {
      const key = spec.key ?? SecretsKey.fromKeyArn(this, `Key${this.keys.size}`, spec.keyArn);
      key.grantDecrypt(this.role);
      this.keys.set(spec.keyArn, key);
    }
    const resource = new CustomResource(secret, 'SopsValue', {
      serviceToken: this.provider.serviceToken,
      resourceType: SOPS_RESOURCE_TYPE,
      properties: {
        SecretArn: secret.secretArn,
        Bucket: asset.s3BucketName,
        ObjectKey: asset.s3ObjectKey,
        // The asset hash changes with the file, so an edited file is an Update that writes the new value.
        FileHash: asset.assetHash,
        Format: spec.format,
        Field: spec.field,
        KmsKeyArn: spec.keyArn,
        SourceFile: spec.file.split(path.sep).join('/'),
      },
      // The value stays in the secret (which has its own removal policy); deleting this resource writes nothing.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    resource.node.addDependency(WorkloadPolicy.of(this.role), readPolicy);
    return resource;
  }

  /** s3:GetObject on exactly the asset's object, in a read policy with room (one per 40 distinct files). */
  private allowRead(secret: Secret, asset: s3assets.Asset): iam.ManagedPolicy {
    const existing = this.readPolicies.find(p => p.objects.has(asset.assetHash));
    if (existing) {
      return existing.policy;
    }
    let current = this.readPolicies[this.readPolicies.length - 1];
    if (!current || current.objects.size >= FILES_PER_POLICY) {
      if (this.readPolicies.length >= MAX_READ_POLICIES) {
        fail(secret, 'sops-file-limit', `a stack's SOPS writer reads at most ${FILES_PER_POLICY * MAX_READ_POLICIES} distinct files `
          + '(IAM allows 10 managed policies per role); put more SOPS-sourced secrets in another stack, or more keys in one file');
      }
      const statement = new iam.PolicyStatement({ actions: ['s3:GetObject'] });
      const policy = new iam.ManagedPolicy(this, `ReadFiles${this.readPolicies.length || ''}`, {
        description: 'Keyward: the SOPS writer reads these encrypted file assets (ciphertext)',
        roles: [this.role],
        statements: [statement],
      });
      current = { policy, statement, objects: new Set() };
      this.readPolicies.push(current);
    }
    current.statement.addResources(asset.bucket.arnForObjects(asset.s3ObjectKey));
    current.objects.add(asset.assetHash);
    return current.policy;
  }
}
