import { Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { FactName, RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct, IConstruct } from 'constructs';
import { lambdaVariableProblems } from '../core/aws-names';
import { fail, failOnProblems } from '../core/errors';
import { dependOnPolicy } from './private/grants';
import { ISecret } from './secret';
import { WorkloadPolicy } from './workload-policy';

/** How a Lambda function receives a secret. */
export interface LambdaSecretOptions {
  /**
   * The environment variable that holds the secret's ARN (never its value).
   * @default - `<SECRET_CONSTRUCT_ID>_SECRET_ARN` in upper snake case
   */
  readonly environmentVariable?: string;
  /**
   * Settings of the AWS Parameters and Secrets Lambda Extension that Keyward adds on the first secret wired into the
   * function (its documented environment variables). A function created with `paramsAndSecrets` keeps its own layer
   * and settings.
   * @default - the extension's defaults (cache enabled, 1,000 entries, port 2773, TTL 300 s)
   */
  readonly extension?: lambda.ParamsAndSecretsOptions;
  /**
   * The extension layer version ARN to add instead of AWS's published layer for the function's region and architecture.
   * @default - AWS's layer of version `extensionVersion`
   */
  readonly extensionLayerArn?: string;
  /**
   * The version of AWS's published extension layer.
   * @default lambda.ParamsAndSecretsVersions.V1_0_103
   */
  readonly extensionVersion?: lambda.ParamsAndSecretsVersions;
  /**
   * A stable workload name for the function's role (see WorkloadPolicyOptions).
   * @default - a hash of the role's construct path
   */
  readonly workloadName?: string;
}

/** How an ECS container receives a secret. */
export interface ContainerSecretOptions {
  /**
   * One environment variable holding the whole secret value, injected by ECS at start.
   * @default - none (then `fields` is required)
   */
  readonly environmentVariable?: string;
  /**
   * One environment variable per JSON field: `{ DB_PASSWORD: 'password' }`.
   * @default - none
   */
  readonly fields?: { [environmentVariable: string]: string };
  /**
   * A stable workload name for the task execution role.
   * @default - a hash of the role's construct path
   */
  readonly workloadName?: string;
}

/** Options for wiring any role. */
export interface RoleSecretOptions {
  /**
   * A stable workload name for the role.
   * @default - a hash of the role's construct path
   */
  readonly workloadName?: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The variables the Parameters and Secrets extension reads its settings from. */
const EXTENSION_VARIABLES = /^(PARAMETERS_SECRETS_EXTENSION_|SECRETS_MANAGER_|SSM_PARAMETER_STORE_)/;
/** Marks a consumer's wiring record, so that a second copy of this package in one app finds it too. */
const WIRING = Symbol.for('keyward.aws.Wiring');
const WIRING_ID = 'KeywardWiring';

/**
 * What Keyward wired into one function or container, kept in the construct tree as a child of the consumer (it adds
 * nothing to the template), not in a module-level map: the variables Keyward set and the secret each holds, so none
 * is silently overwritten, and whether the extension and the checkov acknowledgement were added.
 */
class Wiring extends Construct {
  public static of(consumer: IConstruct): Wiring {
    const found = consumer.node.tryFindChild(WIRING_ID);
    if (found !== undefined) {
      if (!(typeof found === 'object' && WIRING in found)) {
        fail(consumer, 'environment-variable', `the consumer already has a child "${WIRING_ID}" that is not Keyward's`);
      }
      return found as unknown as Wiring;
    }
    return new Wiring(consumer as Construct, WIRING_ID);
  }

  /** Variable → the secret it holds (secret ARN variables and ECS secrets). */
  public readonly claimed = new Map<string, ISecret>();
  /** Every environment variable Keyward set on a function (secret ARNs and the extension's settings). */
  public readonly variables = new Set<string>();
  public extensionAdded = false;
  public checkovSkipAdded = false;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    Object.defineProperty(this, WIRING, { value: true });
  }
}

/**
 * One call wires a secret into a consumer with least privilege and no plaintext. Every wiring grants read through
 * the consumer's Keyward workload policy.
 */
export class Workload {
  /**
   * A Lambda function: an environment variable with the secret ARN, the Parameters and Secrets Lambda Extension layer
   * with its documented environment variables, and a read grant on the function's role. The function reads
   * `http://localhost:2773/secretsmanager/get?secretId=$ARN` with the `X-Aws-Parameters-Secrets-Token` header set to
   * `$AWS_SESSION_TOKEN`.
   */
  public static lambdaFunction(fn: lambda.Function, secret: ISecret, options: LambdaSecretOptions = {}): iam.Grant {
    if (!fn.role) {
      fail(fn, 'workload-principal', 'the function has no role Keyward can attach its workload policy to');
    }
    const variable = options.environmentVariable ?? `${upperSnake(secret.node.id)}_SECRET_ARN`;
    failOnProblems(fn, 'environment-variable', lambdaVariableProblems(variable));
    if (EXTENSION_VARIABLES.test(variable)) {
      fail(fn, 'environment-variable', `environment variable ${variable} is a setting of the Parameters and Secrets extension; `
        + 'give the secret ARN another name');
    }
    const wiring = Wiring.of(fn);
    // A function created with `paramsAndSecrets` already has the extension: its settings are in the environment.
    const hasLayer = wiring.extensionAdded || hasExtensionSettings(fn);
    const asked = options.extension !== undefined || options.extensionLayerArn !== undefined || options.extensionVersion !== undefined;
    if (asked && hasLayer) {
      fail(fn, 'lambda-extension', 'the function already has the Parameters and Secrets extension (its paramsAndSecrets prop, or an earlier '
        + 'Workload.lambdaFunction call); give extension only on the first secret wired into a function without it');
    }
    checkVariables(fn, [variable], secret, true);
    const extensionVariables = hasLayer ? undefined : extensionSettings(fn, options.extension ?? {});
    const policy = WorkloadPolicy.of(fn, { workloadName: options.workloadName });
    const grant = secret.grantRead(fn);
    fn.addEnvironment(variable, secret.secretArn);
    wiring.variables.add(variable);
    if (extensionVariables !== undefined) {
      const arn = options.extensionLayerArn ?? extensionLayerArn(fn, options.extensionVersion ?? lambda.ParamsAndSecretsVersions.V1_0_103);
      fn.addLayers(lambda.LayerVersion.fromLayerVersionArn(fn, 'KeywardParamsAndSecretsLayer', arn));
      for (const [k, v] of Object.entries(extensionVariables)) {
        fn.addEnvironment(k, v);
        wiring.variables.add(k);
      }
      wiring.extensionAdded = true;
    }
    recordVariables(fn, [variable], secret);
    acknowledgeEnvironmentEncryption(fn);
    dependOnPolicy(policy, fn);
    return grant;
  }

  /**
   * An ECS container: native `secrets` injection (ECS fetches the value at task start with the task execution role,
   * which gets the read grant), the whole value or one JSON field per variable.
   */
  public static ecsContainer(container: ecs.ContainerDefinition, secret: ISecret, options: ContainerSecretOptions = {}): iam.Grant {
    const fields = options.fields ?? {};
    const variables = [...(options.environmentVariable ? [options.environmentVariable] : []), ...Object.keys(fields)];
    if (variables.length === 0) {
      fail(container, 'environment-variable', 'give environmentVariable or fields: where should ECS inject the secret?');
    }
    for (const v of variables) {
      if (!ENV_NAME.test(v)) {
        fail(container, 'environment-variable', `environment variable name "${v}" is not a valid name`);
      }
    }
    for (const field of Object.values(fields)) {
      if (Token.isUnresolved(field) || field.length === 0 || field.includes(':')) {
        fail(container, 'json-field', `JSON field "${field}" must be a concrete name without ":"`);
      }
    }
    checkFields(container, secret, Object.values(fields));
    checkVariables(container, variables, secret, false);
    const role = container.taskDefinition.obtainExecutionRole();
    const policy = WorkloadPolicy.of(role, { workloadName: options.workloadName });
    const grant = secret.grantRead(role);
    const add = (name: string, field?: string) => {
      // aws-cdk-lib's own wiring: ECS grants the execution role through secret.grantRead, i.e. the Keyward policy.
      container.addSecret(name, field === undefined ? ecs.Secret.fromSecretsManager(secret) : ecs.Secret.fromSecretsManager(secret, field));
    };
    if (options.environmentVariable) {
      add(options.environmentVariable);
    }
    for (const [variable, field] of Object.entries(fields)) {
      add(variable, field);
    }
    recordVariables(container, variables, secret);
    dependOnPolicy(policy, container.taskDefinition);
    return grant;
  }

  /** Any role or grantable (EC2 instance role, EKS pod identity role...): a read grant in its workload policy. */
  public static role(grantable: iam.IGrantable, secret: ISecret, options: RoleSecretOptions = {}): iam.Grant {
    WorkloadPolicy.of(grantable, { workloadName: options.workloadName });
    return secret.grantRead(grantable);
  }

  private constructor() {
    // static only
  }
}

/** Why a function whose environment holds only what Keyward set needs no customer-managed key for it (checkov CKV_AWS_173). */
const ENVIRONMENT_ENCRYPTION_REASON = 'Keyward: the environment holds only secret ARNs and the Parameters and Secrets extension settings, '
  + 'no secret value; Lambda encrypts it at rest with its AWS managed key. Encrypting it with the secrets key would give the '
  + 'function direct kms:Decrypt on that key, outside the kms:ViaService condition its grants carry.';

/**
 * Skip checkov's CKV_AWS_173 (environment variables not encrypted with a customer-managed key) on `fn` with the reason
 * above — decided at synth, and only when every variable of the function is one Keyward set (an ARN or an extension
 * setting) and the function has no key of its own: a variable the app adds itself keeps the finding.
 */
function acknowledgeEnvironmentEncryption(fn: lambda.Function): void {
  const cfn = fn.node.defaultChild;
  const wiring = Wiring.of(fn);
  if (wiring.checkovSkipAdded || !lambda.CfnFunction.isCfnFunction(cfn)) {
    return;
  }
  wiring.checkovSkipAdded = true;
  const fnResource = cfn;
  const existing = cfn.getMetadata('checkov') as { skip?: unknown[] } | undefined;
  cfn.addMetadata('checkov', Lazy.any({
    produce: () => {
      const onlyOurs = environmentVariableNames(fn).every(v => wiring.variables.has(v));
      const skip = [...(existing?.skip ?? [])];
      if (onlyOurs && fnResource.kmsKeyArn === undefined) {
        skip.push({ id: 'CKV_AWS_173', comment: ENVIRONMENT_ENCRYPTION_REASON });
      }
      return skip.length > 0 ? { ...existing, skip } : existing;
    },
  }));
}

/** Throw when the secret's JSON is known at synth (generated content) and is not JSON or lacks one of `fields`. */
function checkFields(container: IConstruct, secret: ISecret, fields: string[]): void {
  // A Keyward secret of this package (or of a second copy of it) knows the JSON fields of generated content.
  const fieldsOf = (secret as { _jsonFields?: () => string[] | undefined })._jsonFields;
  const known = typeof fieldsOf === 'function' ? fieldsOf.call(secret) : undefined;
  if (known === undefined || fields.length === 0) {
    return;
  }
  if (known.length === 0) {
    fail(container, 'json-field', `${secret.node.path} holds one generated value, not JSON, so ECS cannot inject its field(s) `
      + `${fields.map(f => `"${f}"`).join(', ')} and the task would not start; inject the whole value with environmentVariable, `
      + 'or make the content SecretContent.generatedJson');
  }
  const missing = fields.filter(f => !known.includes(f));
  if (missing.length > 0) {
    fail(container, 'json-field', `the JSON of ${secret.node.path} has no field ${missing.map(f => `"${f}"`).join(', ')} `
      + `(its fields: ${known.join(', ')}), so the task would not start`);
  }
}

/**
 * Throw when one of `variables` of `consumer` already holds another secret — or, unless `sameSecretAgain`, is set at
 * all (ECS rejects a variable injected twice). Checked before anything is changed.
 */
function checkVariables(consumer: IConstruct, variables: string[], secret: ISecret, sameSecretAgain: boolean): void {
  const claimed = Wiring.of(consumer).claimed;
  variables.forEach((v, i) => {
    const holder = claimed.get(v);
    if (variables.indexOf(v) !== i || (holder !== undefined && (holder !== secret || !sameSecretAgain))) {
      fail(consumer, 'environment-variable', `environment variable ${v} already holds ${holder === undefined ? 'a secret' : `the secret ${holder.node.path}`}; `
        + 'give each secret its own variable');
    }
  });
}

/** Remember which secret each of `variables` of `consumer` holds. */
function recordVariables(consumer: IConstruct, variables: string[], secret: ISecret): void {
  const claimed = Wiring.of(consumer).claimed;
  variables.forEach(v => claimed.set(v, secret));
}

function upperSnake(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

/** The names of the function's environment variables as they stand (resolved from its CloudFormation resource). */
function environmentVariableNames(fn: lambda.Function): string[] {
  const cfn = fn.node.defaultChild;
  if (!lambda.CfnFunction.isCfnFunction(cfn)) {
    return [];
  }
  const rendered = Stack.of(fn).resolve(cfn.environment) as { variables?: { [name: string]: unknown } } | undefined;
  return Object.keys(rendered?.variables ?? {});
}

/** Whether the function's environment already holds the extension's settings (e.g. it was created with `paramsAndSecrets`). */
function hasExtensionSettings(fn: lambda.Function): boolean {
  return environmentVariableNames(fn).some(v => /^PARAMETERS_SECRETS_EXTENSION_/.test(v));
}

/** The extension's documented environment variables for `options`, with its documented defaults. */
function extensionSettings(fn: lambda.Function, options: lambda.ParamsAndSecretsOptions): { [name: string]: string } {
  const check = (ok: boolean, message: string) => {
    if (!ok) {
      fail(fn, 'lambda-extension', message);
    }
  };
  check(options.cacheSize === undefined || (Number.isInteger(options.cacheSize) && options.cacheSize >= 0 && options.cacheSize <= 1000),
    `the extension's cache size must be a whole number from 0 to 1000 (got ${options.cacheSize})`);
  check(options.httpPort === undefined || (Number.isInteger(options.httpPort) && options.httpPort >= 1 && options.httpPort <= 65535),
    `the extension's HTTP port must be from 1 to 65535 (got ${options.httpPort})`);
  check(options.maxConnections === undefined || (Number.isInteger(options.maxConnections) && options.maxConnections >= 1),
    `the extension's maximum connections must be at least 1 (got ${options.maxConnections})`);
  const seconds = (d: { toSeconds(): number } | undefined, max: number, what: string) => {
    const v = d?.toSeconds() ?? 300;
    check(v >= 0 && v <= max, `the extension's ${what} must be from 0 to ${max} seconds (got ${v})`);
    return String(v);
  };
  return {
    PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED: String(options.cacheEnabled ?? true),
    PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE: String(options.cacheSize ?? 1000),
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(options.httpPort ?? 2773),
    PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL: options.logLevel ?? lambda.ParamsAndSecretsLogLevel.INFO,
    PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS: String(options.maxConnections ?? 3),
    SECRETS_MANAGER_TIMEOUT_MILLIS: String(options.secretsManagerTimeout?.toMilliseconds() ?? 0),
    SECRETS_MANAGER_TTL: seconds(options.secretsManagerTtl, 300, 'Secrets Manager TTL'),
    SSM_PARAMETER_STORE_TIMEOUT_MILLIS: String(options.parameterStoreTimeout?.toMilliseconds() ?? 0),
    SSM_PARAMETER_STORE_TTL: seconds(options.parameterStoreTtl, 300, 'Parameter Store TTL'),
  };
}

/** AWS's published extension layer for the function's region and architecture (a regional mapping when the region is unknown). */
function extensionLayerArn(fn: lambda.Function, version: string): string {
  const stack = Stack.of(fn);
  const architecture = fn.architecture.name;
  if (Token.isUnresolved(stack.region)) {
    return stack.regionalFact(FactName.paramsAndSecretsLambdaLayer(version, architecture));
  }
  const arn = RegionInfo.get(stack.region).paramsAndSecretsLambdaLayerArn(version, architecture);
  if (arn === undefined) {
    fail(fn, 'lambda-extension', `the Parameters and Secrets extension ${version} is not published in ${stack.region} for ${architecture}; give extensionLayerArn`);
  }
  return arn;
}
