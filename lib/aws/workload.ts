import { Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { lambdaVariableProblems } from '../core/aws-names';
import { fail, failOnProblems } from '../core/errors';
import { KeywardGrant } from './grant';
import { ISecret, Secret } from './secret';
import { WorkloadPolicy } from './workload-policy';

/** How a Lambda function receives a secret. */
export interface LambdaSecretOptions {
  /**
   * The environment variable that holds the secret's ARN (never its value).
   * @default - `<SECRET_CONSTRUCT_ID>_SECRET_ARN` in upper snake case
   */
  readonly environmentVariable?: string;
  /**
   * The AWS Parameters and Secrets Lambda Extension layer (and its settings) to add, on the first secret wired into
   * the function. A function created with `paramsAndSecrets` keeps its own layer and settings.
   * @default - version 1.0.103 with its cache enabled
   */
  readonly extension?: lambda.ParamsAndSecretsLayerVersion;
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
/** Per function or container: the variables Keyward set and the secret each holds, so none is silently overwritten. */
const claimedVariables = new WeakMap<IConstruct, Map<string, ISecret>>();
/** Per function: every environment variable Keyward set (secret ARNs and the extension's settings). */
const keywardVariables = new WeakMap<lambda.Function, Set<string>>();

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
  public static lambdaFunction(fn: lambda.Function, secret: ISecret, options: LambdaSecretOptions = {}): KeywardGrant {
    if (!fn.role) {
      fail(fn, 'workload-principal', 'the function has no role Keyward can attach its workload policy to');
    }
    const variable = options.environmentVariable ?? `${upperSnake(secret.node.id)}_SECRET_ARN`;
    failOnProblems(fn, 'environment-variable', lambdaVariableProblems(variable));
    if (EXTENSION_VARIABLES.test(variable)) {
      fail(fn, 'environment-variable', `environment variable ${variable} is a setting of the Parameters and Secrets extension; `
        + 'give the secret ARN another name');
    }
    // A function created with `paramsAndSecrets` already has the layer (aws-cdk-lib's child "ParamsAndSecretsLayer").
    const hasLayer = claimedVariables.has(fn) || fn.node.tryFindChild('ParamsAndSecretsLayer') !== undefined;
    if (options.extension !== undefined && hasLayer) {
      fail(fn, 'lambda-extension', 'the function already has the Parameters and Secrets extension (its paramsAndSecrets prop, or an earlier '
        + 'Workload.lambdaFunction call); give extension only on the first secret wired into a function without it');
    }
    checkVariables(fn, [variable], secret, true);
    WorkloadPolicy.of(fn, { workloadName: options.workloadName });
    const grant = secret.grantRead(fn);
    fn.addEnvironment(variable, secret.secretArn);
    keywardVariables.set(fn, new Set([...(keywardVariables.get(fn) ?? []), variable]));
    if (!hasLayer) {
      const extension = options.extension ?? lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103, {
        cacheEnabled: true,
      });
      const bound = extension._bind(fn, fn);
      fn.addLayers(lambda.LayerVersion.fromLayerVersionArn(fn, 'KeywardParamsAndSecretsLayer', bound.arn));
      for (const [k, v] of Object.entries(bound.environmentVars)) {
        fn.addEnvironment(k, String(v));
        keywardVariables.set(fn, new Set([...(keywardVariables.get(fn) ?? []), k]));
      }
    }
    recordVariables(fn, [variable], secret);
    acknowledgeEnvironmentEncryption(fn);
    grant.applyBefore(fn);
    return grant;
  }

  /**
   * An ECS container: native `secrets` injection (ECS fetches the value at task start with the task execution role,
   * which gets the read grant), the whole value or one JSON field per variable.
   */
  public static ecsContainer(container: ecs.ContainerDefinition, secret: ISecret, options: ContainerSecretOptions = {}): KeywardGrant {
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
    WorkloadPolicy.of(role, { workloadName: options.workloadName });
    const grant = secret.grantRead(role);
    const add = (name: string, field?: string) => {
      container.addSecret(name, {
        arn: field ? `${secret.secretArn}:${field}::` : secret.secretArn,
        hasField: field !== undefined,
        // The grant above is the real one; ECS calls this to grant the execution role, which is already done.
        grantRead: (grantee: iam.IGrantable) => iam.Grant.drop(grantee, 'granted by the Keyward workload policy'),
      });
    };
    if (options.environmentVariable) {
      add(options.environmentVariable);
    }
    for (const [variable, field] of Object.entries(fields)) {
      add(variable, field);
    }
    recordVariables(container, variables, secret);
    grant.applyBefore(container.taskDefinition);
    return grant;
  }

  /** Any role or grantable (EC2 instance role, EKS pod identity role...): a read grant in its workload policy. */
  public static role(grantable: iam.IGrantable, secret: ISecret, options: RoleSecretOptions = {}): KeywardGrant {
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
const CHECKOV_SKIPPED = new WeakSet<lambda.Function>();

/**
 * Skip checkov's CKV_AWS_173 (environment variables not encrypted with a customer-managed key) on `fn` with the reason
 * above — decided at synth, and only when every variable of the function is one Keyward set (an ARN or an extension
 * setting) and the function has no key of its own: a variable the app adds itself keeps the finding.
 */
function acknowledgeEnvironmentEncryption(fn: lambda.Function): void {
  const cfn = fn.node.defaultChild;
  if (CHECKOV_SKIPPED.has(fn) || !(cfn instanceof lambda.CfnFunction)) {
    return;
  }
  CHECKOV_SKIPPED.add(fn);
  const existing = cfn.getMetadata('checkov') as { skip?: unknown[] } | undefined;
  cfn.addMetadata('checkov', Lazy.any({
    produce: () => {
      const rendered = Stack.of(fn).resolve(cfn.environment) as { variables?: { [name: string]: unknown } } | undefined;
      const ours = keywardVariables.get(fn) ?? new Set<string>();
      const onlyOurs = Object.keys(rendered?.variables ?? {}).every(v => ours.has(v));
      const skip = [...(existing?.skip ?? [])];
      if (onlyOurs && cfn.kmsKeyArn === undefined) {
        skip.push({ id: 'CKV_AWS_173', comment: ENVIRONMENT_ENCRYPTION_REASON });
      }
      return skip.length > 0 ? { ...existing, skip } : existing;
    },
  }));
}

/** Throw when the secret's JSON is known at synth (generated content) and is not JSON or lacks one of `fields`. */
function checkFields(container: IConstruct, secret: ISecret, fields: string[]): void {
  const known = secret instanceof Secret ? secret._jsonFields() : undefined;
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
  const claimed = claimedVariables.get(consumer);
  variables.forEach((v, i) => {
    const holder = claimed?.get(v);
    if (variables.indexOf(v) !== i || (holder !== undefined && (holder !== secret || !sameSecretAgain))) {
      fail(consumer, 'environment-variable', `environment variable ${v} already holds ${holder === undefined ? 'a secret' : `the secret ${holder.node.path}`}; `
        + 'give each secret its own variable');
    }
  });
}

/** Remember which secret each of `variables` of `consumer` holds. */
function recordVariables(consumer: IConstruct, variables: string[], secret: ISecret): void {
  const claimed = claimedVariables.get(consumer) ?? new Map<string, ISecret>();
  variables.forEach(v => claimed.set(v, secret));
  claimedVariables.set(consumer, claimed);
}

function upperSnake(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}
