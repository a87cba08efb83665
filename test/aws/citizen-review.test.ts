// Findings of an independent review of Keyward secrets and keys as aws-cdk-lib ISecret / IKey (as a new user and as an
// attacker), each kept as a test of the behaviour now expected. Expected values come from what the app declares.
import * as fs from 'fs';
import * as path from 'path';
import { Fn, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Secret, SecretContent, SecretRotation, SecretsKey } from '../../lib/aws';
import { ACCOUNT, expectKeywardError, newStack, OTHER_ACCOUNT, REGION } from './util';

const NO_ROTATION = SecretRotation.none('rotated by the vendor, documented in the runbook');

function dbSecret(stack: Stack, id = 'Db', props: { rotation?: SecretRotation } = { rotation: NO_ROTATION }): Secret {
  return new Secret(stack, id, {
    secretName: `orders/${id.toLowerCase()}`,
    content: SecretContent.generatedJson({ username: 'orders' }, 'password'),
    ...props,
  });
}

function fnOf(stack: Stack, id = 'Fn'): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}'),
  });
}

/** Every statement of every default/inline policy (AWS::IAM::Policy). */
function defaultPolicyStatements(t: Template): any[] {
  return Object.values<any>(t.findResources('AWS::IAM::Policy')).flatMap(p => p.Properties.PolicyDocument.Statement);
}

/** The statements of the Keyward policy attached to the role whose logical id starts with `rolePrefix` ([] if none). */
function keywardStatementsOf(t: Template, rolePrefix: string): any[] {
  return Object.values<any>(t.findResources('AWS::IAM::ManagedPolicy'))
    .filter(p => JSON.stringify(p.Properties.Roles ?? []).includes(`"${rolePrefix}`))
    .flatMap(p => p.Properties.PolicyDocument.Statement);
}

describe('aws-cdk-lib constructs that grant a Keyward key to a principal that is not a role of the app', () => {
  test('a service principal gets the key-policy statement aws-cdk-lib would write, exactly as asked', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    const grant = key.grantEncryptDecrypt(new iam.ServicePrincipal('logs.amazonaws.com'));
    expect(grant.success).toBe(true);
    const statements = Object.values<any>(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement;
    expect(statements).toEqual(expect.arrayContaining([expect.objectContaining({ Principal: { Service: 'logs.amazonaws.com' }, Resource: '*' })]));
    expect(defaultPolicyStatements(Template.fromStack(stack))).toEqual([]);
  });

  test('an imported key cannot take that statement: the error names the key and the rule', () => {
    const stack = newStack();
    const key = SecretsKey.fromKeyArn(stack, 'Key', `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`);
    expectKeywardError(() => key.grantEncryptDecrypt(new iam.ServicePrincipal('logs.amazonaws.com')), 'Svc/Key', 'workload-principal');
  });

  test('aws-cdk-lib secretsmanager.Secret, RDS generated credentials and DocDB synthesize with a Keyward key', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    new secretsmanager.Secret(stack, 'Plain', { encryptionKey: key });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    new rds.DatabaseInstance(stack, 'Orders', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      credentials: rds.Credentials.fromGeneratedSecret('admin', { encryptionKey: key }),
    });
    new docdb.DatabaseCluster(stack, 'Docs', {
      masterUser: { username: 'admin', kmsKey: key },
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.R5, ec2.InstanceSize.LARGE), vpc,
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SecretsManager::Secret', 3);
    expect(JSON.stringify(defaultPolicyStatements(t))).not.toMatch(/kms:/);
  });

  test('key.grantDecrypt(new kms.ViaServicePrincipal(service, role)) lands in the role\'s Keyward policy with the kms:ViaService condition', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    const role = new iam.Role(stack, 'Worker', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const service = `s3.${REGION}.amazonaws.com`;
    const grant = key.grantDecrypt(new kms.ViaServicePrincipal(service, role));
    expect(grant.success).toBe(true);
    const statements = keywardStatementsOf(Template.fromStack(stack), 'Worker');
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:ViaService': service } } }),
    ]));
    expect(statements.filter(s => s.Action === 'kms:Decrypt' && s.Condition === undefined)).toEqual([]);
  });

  test('aws-cdk-lib SecretTargetAttachment and RotationSchedule over a Keyward secret: the key part lands in the Keyward policy, for that secret only', () => {
    const stack = newStack();
    const secret = dbSecret(stack, 'Db', {});
    new secretsmanager.RotationSchedule(stack, 'Rotation', { secret, rotationLambda: fnOf(stack, 'Rotator') });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const instance = new rds.DatabaseInstance(stack, 'Orders', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      credentials: rds.Credentials.fromPassword('admin', secret.secretValueFromJson('password')),
    });
    new secretsmanager.SecretTargetAttachment(stack, 'Attachment', { secret, target: instance }).grantRead(fnOf(stack));
    secret.decideRotation(NO_ROTATION);
    const t = Template.fromStack(stack);
    const pattern = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:orders/db-??????`;
    for (const role of ['RotatorServiceRole', 'FnServiceRole']) {
      const keys = keywardStatementsOf(t, role).find(s => s.Sid === 'KeywardSecretsKeys');
      expect(keys.Condition.StringLike['kms:EncryptionContext:SecretARN']).toBe(pattern);
    }
    // aws-cdk-lib's own objects write their secretsmanager statements to the default policy; no key use goes there.
    expect(JSON.stringify(defaultPolicyStatements(t))).not.toMatch(/kms:/);
  });
});

describe('resource policy and statement ids', () => {
  test('secret.addToResourcePolicy allowing an account the resource policy denies fails at synth, naming the secret', () => {
    const stack = newStack();
    const secret = dbSecret(stack);
    secret.addToResourcePolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'], resources: ['*'], principals: [new iam.AccountPrincipal(OTHER_ACCOUNT)],
    }));
    expect(() => Template.fromStack(stack)).toThrow(/Svc\/Db: [^\n]*\[keyward:resource-policy-account\]/);
    const shared = newStack('Shared');
    const ok = new Secret(shared, 'Db', { rotation: NO_ROTATION, sharedWithAccounts: [OTHER_ACCOUNT] });
    ok.addToResourcePolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'], resources: ['*'], principals: [new iam.AccountPrincipal(OTHER_ACCOUNT)],
    }));
    expect(() => Template.fromStack(shared)).not.toThrow();
  });

  test('two principals of one other account granted the same key use get distinct statement ids in the key policy; a repeat adds nothing', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    key.grantDecrypt(iam.Role.fromRoleArn(stack, 'A', `arn:aws:iam::${OTHER_ACCOUNT}:role/reader-a`));
    key.grantDecrypt(iam.Role.fromRoleArn(stack, 'B', `arn:aws:iam::${OTHER_ACCOUNT}:role/reader-b`));
    key.grantDecrypt(iam.Role.fromRoleArn(stack, 'A2', `arn:aws:iam::${OTHER_ACCOUNT}:role/reader-a`));
    const sids = Object.values<any>(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement
      .map((s: any) => s.Sid).filter((s: unknown) => s !== undefined);
    expect(new Set(sids).size).toBe(sids.length);
    expect(sids.filter((s: string) => s.startsWith('KeywardCrossAccount'))).toHaveLength(2);
  });

  test('the same statement added twice (denyAccountRootDelete from two rotations) is rendered once', () => {
    const stack = newStack();
    const secret = dbSecret(stack);
    secret.denyAccountRootDelete();
    secret.denyAccountRootDelete();
    const statements = Object.values<any>(Template.fromStack(stack).findResources('AWS::SecretsManager::ResourcePolicy'))[0]
      .Properties.ResourcePolicy.Statement;
    expect(statements.filter((s: any) => s.Action === 'secretsmanager:DeleteSecret')).toHaveLength(1);
  });
});

describe('no half-built state, no widening', () => {
  test('after a refused grant (caught), a second grant is refused again rather than reporting success with nothing in the template', () => {
    const stack = newStack();
    const secret = dbSecret(stack);
    const role = iam.Role.fromRoleArn(stack, 'Imported', Fn.importValue('OpsRoleArn'));
    expectKeywardError(() => secret.grantRead(role), 'Svc/Imported/KeywardPolicy', 'workload-principal');
    expectKeywardError(() => secret.grantRead(role), 'Svc/Imported/KeywardPolicy', 'workload-principal');
    expect(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy')).toEqual({});
  });

  test('write on one secret and read on another: kms:Encrypt/GenerateDataKey cover only the written secret\'s encryption context', () => {
    const stack = newStack();
    const written = dbSecret(stack, 'Written');
    const read = dbSecret(stack, 'Read');
    const role = new iam.Role(stack, 'Worker', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    written.grantWrite(role);
    read.grantRead(role);
    const statements = keywardStatementsOf(Template.fromStack(stack), 'Worker');
    const readPattern = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:orders/read-??????`;
    const writtenPattern = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:orders/written-??????`;
    const encrypting = statements.filter(s => JSON.stringify(s.Action).includes('kms:Encrypt') || JSON.stringify(s.Action).includes('kms:GenerateDataKey'));
    expect(encrypting).toHaveLength(1);
    expect(encrypting[0].Condition.StringLike['kms:EncryptionContext:SecretARN']).toBe(writtenPattern);
    const decrypting = statements.find(s => s.Action === 'kms:Decrypt');
    expect([...decrypting.Condition.StringLike['kms:EncryptionContext:SecretARN']].sort()).toEqual([readPattern, writtenPattern]);
  });
});

describe('documentation', () => {
  test('docs name no API that was removed (KeywardGrant, asSecretsManagerSecret)', () => {
    const docs = path.join(__dirname, '..', '..', 'docs');
    const stale = fs.readdirSync(docs).filter(f => f.endsWith('.md'))
      .flatMap(f => fs.readFileSync(path.join(docs, f), 'utf8').split('\n').map((line, i) => ({ where: `docs/${f}:${i + 1}`, line })))
      .filter(({ line }) => /\bKeywardGrant\b|asSecretsManagerSecret/.test(line))
      .map(({ where }) => where);
    expect(stale).toEqual([]);
  });
});

describe('principals aws-cdk-lib hands over', () => {
  test('iam.LazyRole (a role) gets a Keyward policy attached to the role it creates', () => {
    const stack = newStack();
    const secret = dbSecret(stack);
    const role = new iam.LazyRole(stack, 'Lazy', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    secret.grantRead(role);
    const policies = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'));
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.Roles).toEqual([{ Ref: expect.stringMatching(/^Lazy/) }]);
  });

  test('a role imported by a token ARN is refused with a message that says why and what to do', () => {
    const stack = newStack();
    const secret = dbSecret(stack);
    const role = iam.Role.fromRoleArn(stack, 'Imported', Fn.importValue('OpsRoleArn'));
    expectKeywardError(() => secret.grantRead(role), 'Svc/Imported/KeywardPolicy', 'workload-principal', /not known at synth[\s\S]*fromRoleName/);
  });
});
