import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/** The kind of rotation decision. */
export enum SecretRotationKind {
  /** A Secrets Manager hosted rotation function for a database engine. */
  HOSTED = 'hosted',
  /** Your own rotation Lambda function. */
  LAMBDA = 'lambda',
  /** No rotation, with a written reason. */
  NONE = 'none',
}

/** When rotation runs. */
export interface SecretRotationOptions {
  /**
   * Rotate every this many days (1 to 1000).
   * @default Duration.days(30)
   */
  readonly automaticallyAfter?: Duration;
}

/**
 * The rotation decision every Keyward secret must carry: a secret without one fails synthesis.
 */
export class SecretRotation {
  /**
   * Hosted rotation for the database engines aws-cdk-lib supports, single or multi user, e.g.
   * `secretsmanager.HostedRotation.postgreSqlSingleUser({ vpc })`.
   */
  public static hosted(rotation: secretsmanager.HostedRotation, options: SecretRotationOptions = {}): SecretRotation {
    return new SecretRotation(SecretRotationKind.HOSTED, options, rotation, undefined, undefined);
  }

  /**
   * Your own rotation function. Keyward lets Secrets Manager invoke it and grants it read and write on the secret
   * (and the key through Secrets Manager) in its workload policy.
   */
  public static customFunction(fn: lambda.IFunction, options: SecretRotationOptions = {}): SecretRotation {
    return new SecretRotation(SecretRotationKind.LAMBDA, options, undefined, fn, undefined);
  }

  /**
   * No rotation. The reason is required, and becomes the acknowledgement of cdk-nag's rotation rules
   * (AwsSolutions-SMG4, NIST.800.53.R5-SecretsManagerRotationEnabled) on this secret.
   */
  public static none(reason: string): SecretRotation {
    return new SecretRotation(SecretRotationKind.NONE, {}, undefined, undefined, reason);
  }

  /** The kind of decision. */
  public readonly kind: SecretRotationKind;
  /** The rotation interval (hosted and lambda rotation). */
  public readonly automaticallyAfter?: Duration;
  /** The hosted rotation, for HOSTED. */
  public readonly hostedRotation?: secretsmanager.HostedRotation;
  /** The rotation function, for LAMBDA. */
  public readonly rotationFunction?: lambda.IFunction;
  /** The written reason, for NONE. */
  public readonly reason?: string;

  private constructor(kind: SecretRotationKind, options: SecretRotationOptions, hosted?: secretsmanager.HostedRotation, fn?: lambda.IFunction, reason?: string) {
    this.kind = kind;
    this.automaticallyAfter = kind === SecretRotationKind.NONE ? undefined : options.automaticallyAfter ?? Duration.days(30);
    this.hostedRotation = hosted;
    this.rotationFunction = fn;
    this.reason = reason;
  }
}
