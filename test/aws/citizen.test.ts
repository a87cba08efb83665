// A Keyward secret is an aws-cdk-lib `secretsmanager.ISecret` and a Keyward key a `kms.IKey`: aws-cdk-lib APIs take them
// directly, and every grant those APIs make lands in the grantee's Keyward workload policy — never in a default policy.
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Secret, SecretContent, SecretRotation, SecretsKey, WorkloadPolicy } from '../../lib/aws';
import { ACCOUNT, expectKeywardError, grantedActions, grantedResources, newStack, REGION, SECRET_READ } from './util';

const NO_ROTATION = SecretRotation.none('rotated by the vendor, documented in the runbook');
const DB_NAME = 'orders/db';
const DB_PATTERN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${DB_NAME}-??????`;

/** Every statement of every default/inline policy (AWS::IAM::Policy) and role inline policy in the template. */
function nonKeywardStatements(t: Template): any[] {
  const policies = Object.values<any>(t.findResources('AWS::IAM::Policy')).flatMap(p => p.Properties.PolicyDocument.Statement);
  const inline = Object.values<any>(t.findResources('AWS::IAM::Role')).flatMap(r => (r.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement));
  return [...policies, ...inline];
}

/** The Keyward workload policy attached to the role whose logical id starts with `rolePrefix`. */
function keywardPolicyOf(t: Template, rolePrefix: string): any[] {
  const found = Object.values<any>(t.findResources('AWS::IAM::ManagedPolicy'))
    .filter(p => JSON.stringify(p.Properties.Roles ?? []).includes(`"${rolePrefix}`));
  expect(found).toHaveLength(1);
  return found[0].Properties.PolicyDocument.Statement;
}

/** The read statement and KMS statement a workload must have for the named secret, as the app declares it. */
function expectExactRead(statements: any[], pattern: string): void {
  expect(statements).toEqual(expect.arrayContaining([
    expect.objectContaining({ Sid: 'KeywardRead', Action: SECRET_READ, Resource: pattern }),
    expect.objectContaining({
      Sid: 'KeywardSecretsKeys', Action: 'kms:Decrypt',
      Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` }, StringLike: { 'kms:EncryptionContext:SecretARN': pattern } },
    }),
  ]));
}

function dbSecret(stack: Stack, props: { rotation?: SecretRotation } = { rotation: NO_ROTATION }): Secret {
  return new Secret(stack, 'Db', {
    secretName: DB_NAME,
    content: SecretContent.generatedJson({ username: 'orders' }, 'password'),
    ...props,
  });
}

describe('a Keyward secret is an aws-cdk-lib ISecret', () => {
  test('its grants return iam.Grant: success, assertSuccess, principal statements, applyBefore', () => {
    const stack = newStack();
    const secret = dbSecret(stack);
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}'),
    });
    const asInterface: secretsmanager.ISecret = secret;
    const grant = asInterface.grantRead(fn);
    expect(grant).toBeInstanceOf(iam.Grant);
    expect(grant.success).toBe(true);
    expect(() => grant.assertSuccess()).not.toThrow();
    expect(grantedActions(grant)).toEqual([SECRET_READ, ['kms:Decrypt']]);
    expect(grantedResources(grant)).toEqual([DB_PATTERN]);
    grant.applyBefore(fn.node.defaultChild!);
    const t = Template.fromStack(stack);
    expectExactRead(keywardPolicyOf(t, 'FnServiceRole'), DB_PATTERN);
    expect(JSON.stringify(nonKeywardStatements(t))).not.toMatch(/secretsmanager:|kms:/);
    const policyId = Object.keys(t.findResources('AWS::IAM::ManagedPolicy'))[0];
    t.hasResource('AWS::Lambda::Function', { DependsOn: Match.arrayWith([policyId]) });
  });

  test('RDS: credentials from the secret, attachment, proxy and single-user rotation; the proxy role reads through its Keyward policy', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    // No rotation decision given: the database's rotation below is the decision.
    const secret = dbSecret(stack, {});
    const instance = new rds.DatabaseInstance(stack, 'Orders', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      credentials: rds.Credentials.fromSecret(secret),
    });
    expect(instance.secret).toBeDefined();
    instance.addProxy('Proxy', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, secrets: [instance.secret!] });
    instance.addRotationSingleUser({ automaticallyAfter: Duration.days(30) });
    const t = Template.fromStack(stack);
    const secretId = Object.keys(t.findResources('AWS::SecretsManager::Secret'))[0];
    // The password is a dynamic reference CloudFormation resolves at deploy: no value in the template.
    const db = Object.values<any>(t.findResources('AWS::RDS::DBInstance'))[0].Properties;
    expect(JSON.stringify(db.MasterUserPassword)).toContain('{{resolve:secretsmanager:');
    expect(JSON.stringify(db.MasterUserPassword)).toContain(secretId);
    t.hasResourceProperties('AWS::SecretsManager::SecretTargetAttachment', { SecretId: { Ref: secretId }, TargetType: 'AWS::RDS::DBInstance' });
    t.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(30 days)' } });
    t.hasResourceProperties('AWS::SecretsManager::Secret', { Tags: Match.arrayWith([{ Key: 'keyward:rotation', Value: 'lambda' }]) });
    const proxy = keywardPolicyOf(t, 'OrdersProxyIAMRole');
    expectExactRead(proxy, DB_PATTERN);
    // aws-cdk-lib's proxy also calls secret.encryptionKey.grantDecrypt(role): the key through Secrets Manager for this
    // secret only, not the key itself (which would decrypt every secret it encrypts).
    expect(proxy.map((s: any) => s.Sid)).not.toContain('KeywardKeyDecrypt');
    expect(JSON.stringify(nonKeywardStatements(t))).not.toMatch(/secretsmanager:|kms:Decrypt/);
  });

  test('ECS: ecs.Secret.fromSecretsManager grants the execution role through its Keyward policy', () => {
    const stack = newStack();
    const secret = dbSecret(stack);
    const task = new ecs.FargateTaskDefinition(stack, 'Task');
    task.addContainer('App', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37'),
      secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(secret, 'password'), DB: ecs.Secret.fromSecretsManager(secret) },
    });
    const t = Template.fromStack(stack);
    expectExactRead(keywardPolicyOf(t, 'TaskExecutionRole'), DB_PATTERN);
    expect(JSON.stringify(nonKeywardStatements(t))).not.toMatch(/secretsmanager:|kms:/);
    const container = Object.values<any>(t.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0];
    expect(container.Secrets.map((s: any) => s.Name).sort()).toEqual(['DB', 'DB_PASSWORD']);
  });

  test('CodeBuild: registry credentials and a SECRETS_MANAGER variable; the project role reads through its Keyward policy', () => {
    const stack = newStack();
    const secret = dbSecret(stack);
    const project = new codebuild.Project(stack, 'Build', {
      buildSpec: codebuild.BuildSpec.fromObject({ version: '0.2', phases: { build: { commands: ['make'] } } }),
      environment: { buildImage: codebuild.LinuxBuildImage.fromDockerRegistry('registry.example.com/builder:1', { secretsManagerCredentials: secret }) },
      environmentVariables: { DB: { type: codebuild.BuildEnvironmentVariableType.SECRETS_MANAGER, value: secret.secretArn } },
    });
    expect(project.role).toBeDefined();
    const t = Template.fromStack(stack);
    expectExactRead(keywardPolicyOf(t, 'BuildRole'), DB_PATTERN);
    // aws-cdk-lib's CodeBuild adds its own GetSecretValue for SECRETS_MANAGER variables; it names only this secret.
    const own = nonKeywardStatements(t).filter(s => JSON.stringify(s.Action).includes('secretsmanager:'));
    for (const s of own) {
      expect(JSON.stringify(s.Resource)).toContain(Object.keys(t.findResources('AWS::SecretsManager::Secret'))[0]);
    }
    expect(JSON.stringify(nonKeywardStatements(t))).not.toMatch(/kms:Decrypt/);
  });

  test('CodeBuild SECRETS_MANAGER variables alone (by reference, by name, with a JSON key) get the read grant in the Keyward policy', () => {
    const stack = newStack();
    const secret = dbSecret(stack);
    const other = new Secret(stack, 'Other', { secretName: 'orders/other', rotation: NO_ROTATION });
    const spec = codebuild.BuildSpec.fromObject({ version: '0.2', phases: { build: { commands: ['make'] } } });
    const SM = codebuild.BuildEnvironmentVariableType.SECRETS_MANAGER;
    new codebuild.Project(stack, 'ByRef', { buildSpec: spec, environmentVariables: { DB: { type: SM, value: secret.secretArn } } });
    new codebuild.Project(stack, 'ByName', { buildSpec: spec, environmentVariables: { PW: { type: SM, value: `${DB_NAME}:password` } } });
    new codebuild.Project(stack, 'Plain', { buildSpec: spec, environmentVariables: { STAGE: { value: 'prod' } } });
    const t = Template.fromStack(stack);
    for (const role of ['ByRefRole', 'ByNameRole']) {
      const statements = keywardPolicyOf(t, role);
      expectExactRead(statements, DB_PATTERN);
      expect(JSON.stringify(statements)).not.toContain('orders/other');
    }
    expect(JSON.stringify(t.findResources('AWS::IAM::ManagedPolicy'))).not.toContain('PlainRole');
    expect(other.secretName).toBe('orders/other');
  });

  test('hosted rotation: a Keyward master secret, and addRotationSchedule as the rotation decision', () => {
    const stack = newStack();
    const master = new Secret(stack, 'Master', { rotation: NO_ROTATION });
    const app = new Secret(stack, 'App');
    const schedule = app.addRotationSchedule('Rotation', {
      hostedRotation: secretsmanager.HostedRotation.postgreSqlMultiUser({ masterSecret: master }),
      automaticallyAfter: Duration.days(7),
    });
    expect(schedule).toBeInstanceOf(secretsmanager.RotationSchedule);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      HostedRotationLambda: Match.objectLike({ RotationType: 'PostgreSQLMultiUser', MasterSecretArn: { Ref: Match.stringLikeRegexp('^Master') } }),
    });
    expectKeywardError(() => app.addRotationSchedule('Again', { hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser() }),
      'Svc/App/Again', 'rotation-decision');
  });

  test('addRotationSchedule with a function of the app: read, write and GetRandomPassword in its Keyward policy, nothing in its default policy', () => {
    const stack = newStack();
    const secret = dbSecret(stack, {});
    const fn = new lambda.Function(stack, 'Rotator', {
      runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}'),
    });
    secret.addRotationSchedule('Rotation', { rotationLambda: fn });
    const t = Template.fromStack(stack);
    const statements = keywardPolicyOf(t, 'RotatorServiceRole');
    expect(statements.map((s: any) => s.Sid)).toEqual(expect.arrayContaining(['KeywardRead', 'KeywardWrite', 'KeywardSecretsKeys', 'KeywardRandomPassword']));
    expect(JSON.stringify(nonKeywardStatements(t))).not.toMatch(/secretsmanager:|kms:/);
    t.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'secretsmanager.amazonaws.com', SourceAccount: ACCOUNT });
  });

  test('values and names as aws-cdk-lib gives them: dynamic references, never the value', () => {
    const stack = newStack();
    const secret = dbSecret(stack);
    // unsafeUnwrap shows the reference itself: a `{{resolve:…}}` placeholder, not a value.
    const resolved = JSON.stringify(stack.resolve(secret.secretValueFromJson('password').unsafeUnwrap()));
    expect(resolved).toContain('{{resolve:secretsmanager:');
    expect(resolved).toContain(':SecretString:password::}}');
    expect(secret.secretName).toBe(DB_NAME);
    expect(stack.resolve(secret.secretFullArn)).toEqual({ Ref: expect.stringMatching(/^Db/) });
    expect(stack.resolve(secret.secretRef.secretId)).toEqual(stack.resolve(secret.secretArn));
  });

  test('addToResourcePolicy and denyAccountRootDelete add statements after Keyward\'s denies', () => {
    const stack = newStack();
    const secret = dbSecret(stack);
    const result = secret.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AuditRead', actions: ['secretsmanager:DescribeSecret'], resources: ['*'], principals: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/audit`)],
    }));
    expect(result.statementAdded).toBe(true);
    secret.denyAccountRootDelete();
    const statements = Object.values<any>(Template.fromStack(stack).findResources('AWS::SecretsManager::ResourcePolicy'))[0].Properties.ResourcePolicy.Statement;
    expect(statements.map((s: any) => s.Sid ?? s.Action)).toEqual(['KeywardDenyOutsideAccounts', 'KeywardDenyAccessTagChanges', 'AuditRead', 'secretsmanager:DeleteSecret']);
  });

  test('version stages and a second attachment throw with the path and rule', () => {
    const stack = newStack();
    const secret = dbSecret(stack);
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    expectKeywardError(() => secret.grantRead(role, ['AWSCURRENT']), 'Svc/Db', 'version-stages');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const instance = new rds.DatabaseInstance(stack, 'Orders', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }), vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, credentials: rds.Credentials.fromSecret(secret),
    });
    expectKeywardError(() => secret.attach(instance), 'Svc/Db', 'secret-attachment');
  });
});

describe('secret.encryptionKey: the key as the secret shows it to aws-cdk-lib', () => {
  test('its grants allow the key through Secrets Manager for that secret only; other actions and other accounts throw', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    const secret = new Secret(stack, 'Db', { secretName: DB_NAME, encryptionKey: key, rotation: NO_ROTATION });
    new Secret(stack, 'Other', { secretName: 'orders/other', encryptionKey: key, rotation: NO_ROTATION });
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    expect(stack.resolve(secret.encryptionKey!.keyArn)).toEqual(stack.resolve(key.keyArn));
    const grant = secret.encryptionKey!.grantDecrypt(role);
    expect(grantedActions(grant)).toEqual([['kms:Decrypt']]);
    const statements = keywardPolicyOf(Template.fromStack(stack), 'R');
    expect(statements).toEqual([expect.objectContaining({
      Sid: 'KeywardSecretsKeys', Action: 'kms:Decrypt',
      Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` }, StringLike: { 'kms:EncryptionContext:SecretARN': DB_PATTERN } },
    })]);
    expectKeywardError(() => secret.encryptionKey!.grant(role, 'kms:CreateGrant'), 'Svc/Db', 'key-grant-action');
    expectKeywardError(() => secret.encryptionKey!.grantSign(role), 'Svc/Key', 'key-usage');
    expectKeywardError(() => secret.encryptionKey!.grantDecrypt(iam.Role.fromRoleArn(stack, 'Foreign', 'arn:aws:iam::222222222222:role/reader')),
      'Svc/Db', 'cross-account');
  });
});

describe('a Keyward key is an aws-cdk-lib IKey', () => {
  test('aws-cdk-lib constructs encrypt with it, and their key grants land in the Keyward policy', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    const asKey: kms.IKey = key;
    const queue = new sqs.Queue(stack, 'Queue', { encryptionMasterKey: asKey });
    const bucket = new s3.Bucket(stack, 'Bucket', { encryptionKey: asKey, enforceSSL: true });
    const role = new iam.Role(stack, 'Worker', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    queue.grantSendMessages(role);
    bucket.grantRead(role);
    const t = Template.fromStack(stack);
    const keyRef = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] };
    t.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyRef });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'KeywardKeyDecrypt', Action: 'kms:Decrypt', Resource: keyRef }),
          Match.objectLike({ Sid: 'KeywardKeyEncrypt', Action: ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'], Resource: keyRef }),
        ]),
      },
    });
    expect(JSON.stringify(nonKeywardStatements(t))).not.toMatch(/kms:/);
    expect(WorkloadPolicy.of(role).document.toJSON().Statement.length).toBeGreaterThan(0);
  });

  test('grant(...actions) goes to a statement of its own; signing and MAC grants, bad actions and a no-op policy statement on an import throw', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const grant = key.grant(role, 'kms:DescribeKey');
    expect(grantedActions(grant)).toEqual([['kms:DescribeKey']]);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: Match.stringLikeRegexp('^KeywardKeyUse'), Action: 'kms:DescribeKey' })]) },
    });
    const other = newStack('Other');
    const k2 = new SecretsKey(other, 'Key');
    const r2 = new iam.Role(other, 'R', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    for (const g of [() => k2.grantSign(r2), () => k2.grantVerify(r2), () => k2.grantSignVerify(r2), () => k2.grantGenerateMac(r2), () => k2.grantVerifyMac(r2)]) {
      expectKeywardError(g, 'Other/Key', 'key-usage');
    }
    expectKeywardError(() => k2.grant(r2, 's3:GetObject'), 'Other/Key', 'key-grant-action');
    expectKeywardError(() => k2.grant(r2), 'Other/Key', 'key-grant-action');
    const imported = SecretsKey.fromKeyArn(other, 'Imported', `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`);
    expect(imported.addToResourcePolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['*'], principals: [new iam.AccountRootPrincipal()] })).statementAdded).toBe(false);
    expectKeywardError(() => imported.addToResourcePolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['*'], principals: [new iam.AccountRootPrincipal()] }), false),
      'Other/Imported', 'imported-key');
  });

  test('addAlias is validated and unique per account and region', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key', { alias: 'alias/orders' });
    expectKeywardError(() => key.addAlias('alias/aws/x'), 'Svc/Key', 'key-alias');
    const other = new SecretsKey(stack, 'Other');
    expectKeywardError(() => other.addAlias('alias/orders'), 'Svc/Other', 'duplicate-key-alias');
    other.addAlias('alias/billing');
    expect(Object.values<any>(Template.fromStack(stack).findResources('AWS::KMS::Alias')).map(a => a.Properties.AliasName).sort()).toEqual(['alias/billing', 'alias/orders']);
  });
});
