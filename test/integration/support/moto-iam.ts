/**
 * Acting as a workload on moto with IAM enforcement on, and the probes that measure what moto's IAM evaluator can see
 * for Secrets Manager (Allow on "*", no policy, Allow on the exact secret ARN, Allow on "*" with a ResourceTag
 * condition the secret does not meet), with the LIMIT lines for what they show moto does not evaluate. aws.test.ts and
 * scale.test.ts both run them.
 */
import {
  AttachRolePolicyCommand, CreateAccessKeyCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { Matrix, Outcome } from './matrix';
import { Credentials, Moto } from './moto';

export const HARNESS_USER = 'keyward-harness';

export function harnessUserArn(account: string): string {
  return `arn:aws:iam::${account}:user/${HARNESS_USER}`;
}

function httpStatus(e: unknown): number | undefined {
  const err = e as { $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } };
  return err.$metadata?.httpStatusCode ?? err.$response?.statusCode;
}

/** moto answers an IAM denial with HTTP 403 (its body is not always the service's JSON error shape). */
export function isDenied(e: unknown): boolean {
  const name = (e as { name?: string }).name;
  return name === 'AccessDeniedException' || name === 'AccessDenied' || httpStatus(e) === 403;
}

/** GetSecretValue as `sm`: allowed or denied with moto's answer; any other error is thrown. */
export async function tryGetSecret(sm: SecretsManagerClient, secretId: string): Promise<{ outcome: Outcome; evidence: string; value?: string }> {
  try {
    const r = await sm.send(new GetSecretValueCommand({ SecretId: secretId }));
    return { outcome: 'allowed', evidence: 'GetSecretValue 200', value: r.SecretString };
  } catch (e) {
    if (isDenied(e)) return { outcome: 'denied', evidence: `HTTP ${httpStatus(e)} (denied)` };
    throw e;
  }
}

/** A user that may only assume roles (moto runs no Lambda or ECS task as a role). Call before enforceIam. */
export async function createHarnessUser(moto: Moto): Promise<Credentials> {
  const { iam } = moto.clients();
  await iam.send(new CreateUserCommand({ UserName: HARNESS_USER }));
  await iam.send(new PutUserPolicyCommand({
    UserName: HARNESS_USER, PolicyName: 'assume',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }),
  }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: HARNESS_USER }))).AccessKey!;
  return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
}

/** A Secrets Manager client acting as `roleName`, assumed by the harness user. */
export async function assumeRoleSm(moto: Moto, harness: Credentials, account: string, roleName: string): Promise<SecretsManagerClient> {
  const c = (await moto.clients(harness).sts.send(new AssumeRoleCommand({
    RoleArn: `arn:aws:iam::${account}:role/${roleName}`, RoleSessionName: 'keyward-it',
  }))).Credentials!;
  return moto.clients({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken }).sm;
}

interface ProbeDef {
  readonly role: string;
  readonly statement?: object;
  /** What AWS answers. */
  readonly aws: Outcome;
  readonly what: string;
}

/** What moto's evaluator was measured to see. */
export interface MotoIamCapabilities {
  /** Allow on the exact secret ARN is allowed (moto passes the secret ARN to its evaluator). */
  readonly resourceScoped: boolean;
  /** Allow on "*" with an unmet secretsmanager:ResourceTag condition is denied (moto evaluates that condition). */
  readonly conditionsEvaluated: boolean;
}

export const LIMIT_RESOURCE = 'moto 5.2.5 authorizes Secrets Manager calls against Resource "*" (it passes no secret ARN to its IAM evaluator): '
  + 'a statement scoped to a secret ARN or ARN pattern never matches, so every Keyward grant is observed as denied';
export const LIMIT_CONDITION = 'moto 5.2.5 does not evaluate secretsmanager:ResourceTag/... conditions (a condition whose key is absent from its '
  + 'request context counts as met): Keyward\'s attribute-based grant cannot be proven or refuted by moto';
export const LIMIT_KMS = 'moto does not evaluate secret resource policies on GetSecretValue, nor call KMS as the caller '
  + '(kms:Decrypt, kms:ViaService and kms:EncryptionContext:SecretARN are never checked)';

/**
 * The probe roles, each trusting the harness user. Create them (with the admin client) before enforceIam; run them
 * with {@link runIamProbes} after.
 */
export class MotoIamProbes {
  private readonly defs: ProbeDef[];

  constructor(private readonly moto: Moto, private readonly account: string, secretArn: string) {
    this.defs = [
      { role: 'probe-any-resource', statement: { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }, aws: 'allowed', what: 'Allow on "*": enforcement is on and credentials work' },
      { role: 'probe-no-policy', aws: 'denied', what: 'no policy: implicit deny' },
      { role: 'probe-exact-arn', statement: { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretArn }, aws: 'allowed', what: 'Allow on the exact secret ARN' },
      {
        role: 'probe-false-tag-condition',
        statement: { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { StringEquals: { 'secretsmanager:ResourceTag/keyward:access:nobody': 'read' } } },
        aws: 'denied', what: 'Allow on "*" with a ResourceTag condition the secret does not meet',
      },
    ];
  }

  /** Creates the probe roles and policies (before enforceIam). */
  public async create(): Promise<void> {
    const { iam } = this.moto.clients();
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: harnessUserArn(this.account) }, Action: 'sts:AssumeRole' }] };
    for (const d of this.defs) {
      await iam.send(new CreateRoleCommand({ RoleName: d.role, AssumeRolePolicyDocument: JSON.stringify(trust) }));
      if (d.statement) {
        const policy = await iam.send(new CreatePolicyCommand({ PolicyName: `${d.role}-policy`, PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [d.statement] }) }));
        await iam.send(new AttachRolePolicyCommand({ RoleName: d.role, PolicyArn: policy.Policy!.Arn }));
      }
    }
  }

  /**
   * Runs every probe against `secretId` (after enforceIam), records each in `probes`, checks that enforcement is on
   * (throws otherwise), and adds to `matrix` a LIMIT line for each thing moto was measured not to evaluate.
   */
  public async run(harness: Credentials, secretId: string, probes: Matrix, matrix: Matrix): Promise<MotoIamCapabilities> {
    const results = new Map<string, Outcome>();
    for (const d of this.defs) {
      const r = await tryGetSecret(await assumeRoleSm(this.moto, harness, this.account, d.role), secretId);
      results.set(d.role, r.outcome);
      probes.record({ workload: d.role, action: 'GetSecretValue', target: secretId, expected: d.aws, observed: r.outcome, evidence: `${r.evidence}; ${d.what}; AWS would: ${d.aws}` });
    }
    // Enforcement must really be on, or nothing measured after this means anything.
    if (results.get('probe-any-resource') !== 'allowed' || results.get('probe-no-policy') !== 'denied') {
      throw new Error(`moto IAM enforcement is not on: ${JSON.stringify([...results])}`);
    }
    const caps: MotoIamCapabilities = {
      resourceScoped: results.get('probe-exact-arn') === 'allowed',
      conditionsEvaluated: results.get('probe-false-tag-condition') === 'denied',
    };
    if (!caps.resourceScoped) matrix.limit(LIMIT_RESOURCE);
    if (!caps.conditionsEvaluated) matrix.limit(LIMIT_CONDITION);
    matrix.limit(LIMIT_KMS);
    return caps;
  }
}
