import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { Secret, SecretContent, SecretRotation, Workload, WorkloadPolicy } from '../../lib/aws';
import { expectKeywardError, grantedActions, newStack, SECRET_READ } from './util';

const NO_ROTATION = SecretRotation.none('test fixture: this secret is never deployed anywhere');

function fn(stack: import('aws-cdk-lib').Stack): lambda.Function {
  return new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}') });
}

describe('Workload', () => {
  test('Lambda: ARN in an env var, extension layer + its env vars, read grant, function waits for the policy', () => {
    const stack = newStack();
    const db = new Secret(stack, 'DatabaseCredentials', { rotation: NO_ROTATION });
    const api = new Secret(stack, 'ApiKey', { rotation: NO_ROTATION });
    const f = fn(stack);
    const g = Workload.lambdaFunction(f, db);
    Workload.lambdaFunction(f, api, { environmentVariable: 'VENDOR_KEY_ARN', workloadName: undefined });
    expect(grantedActions(g)).toEqual([SECRET_READ, ['kms:Decrypt']]);
    const t = Template.fromStack(stack);
    t.hasResource('AWS::Lambda::Function', {
      Properties: {
        Environment: {
          Variables: {
            DATABASE_CREDENTIALS_SECRET_ARN: { Ref: Match.stringLikeRegexp('^DatabaseCredentials') },
            VENDOR_KEY_ARN: { Ref: Match.stringLikeRegexp('^ApiKey') },
            PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED: 'true',
            PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '2773',
          },
        },
        Layers: [Match.stringLikeRegexp('^arn:aws:lambda:eu-west-1:\\d+:layer:AWS-Parameters-and-Secrets-Lambda-Extension:')],
      },
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^FnServiceRoleKeywardPolicy')]),
    });
    t.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
  });

  test('Lambda: every documented extension setting, one layer however many secrets, the same wiring twice is harmless', () => {
    const stack = newStack();
    const db = new Secret(stack, 'Db', { rotation: NO_ROTATION });
    const f = fn(stack);
    Workload.lambdaFunction(f, db);
    Workload.lambdaFunction(f, db);
    Workload.lambdaFunction(f, new Secret(stack, 'Other', { rotation: NO_ROTATION }));
    const fnJson = Object.values<any>(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0];
    expect(fnJson.Properties.Layers).toHaveLength(1);
    expect(Object.keys(fnJson.Properties.Environment.Variables).sort()).toEqual([
      'DB_SECRET_ARN', 'OTHER_SECRET_ARN',
      'PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED', 'PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE', 'PARAMETERS_SECRETS_EXTENSION_HTTP_PORT',
      'PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL', 'PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS',
      'SECRETS_MANAGER_TIMEOUT_MILLIS', 'SECRETS_MANAGER_TTL', 'SSM_PARAMETER_STORE_TIMEOUT_MILLIS', 'SSM_PARAMETER_STORE_TTL',
    ]);
  });

  test('Lambda: a function created with paramsAndSecrets keeps its own layer and settings', () => {
    const stack = newStack();
    const f = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}'),
      paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103, { secretsManagerTtl: Duration.seconds(60) }),
    });
    const s = new Secret(stack, 'S', { rotation: NO_ROTATION });
    Workload.lambdaFunction(f, s);
    const props = Object.values<any>(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0].Properties;
    expect(props.Layers).toHaveLength(1);
    expect(props.Environment.Variables.SECRETS_MANAGER_TTL).toBe('60');
    expectKeywardError(() => Workload.lambdaFunction(f, new Secret(stack, 'T', { rotation: NO_ROTATION }), { extension: { cacheSize: 10 } }), 'Svc/Fn', 'lambda-extension');
    expectKeywardError(() => Workload.lambdaFunction(f, new Secret(stack, 'U', { rotation: NO_ROTATION }), { extensionLayerArn: 'arn:aws:lambda:eu-west-1:111111111111:layer:x:1' }), 'Svc/Fn', 'lambda-extension');
  });

  test('ECS: native secrets injection per JSON field and whole value, grant on the execution role', () => {
    const stack = newStack();
    const db = new Secret(stack, 'Db', { content: SecretContent.generatedJson({ username: 'app' }, 'password'), rotation: NO_ROTATION });
    const task = new ecs.FargateTaskDefinition(stack, 'Task');
    const c = task.addContainer('app', { image: ecs.ContainerImage.fromRegistry('busybox') });
    Workload.ecsContainer(c, db, { environmentVariable: 'DB_JSON', fields: { DB_USER: 'username', DB_PASSWORD: 'password' } });
    const t = Template.fromStack(stack);
    const ref = { Ref: Match.stringLikeRegexp('^Db') };
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Secrets: [
          { Name: 'DB_JSON', ValueFrom: ref },
          { Name: 'DB_USER', ValueFrom: { 'Fn::Join': ['', [ref, ':username::']] } },
          { Name: 'DB_PASSWORD', ValueFrom: { 'Fn::Join': ['', [ref, ':password::']] } },
        ],
        Environment: Match.absent(),
      })],
    });
    // ECS reads `secrets` with the execution role at task start; the task role (the app's own) gets nothing.
    t.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: Match.stringLikeRegexp('^TaskExecutionRole') }] });
    t.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('any role (EC2 instance role) with a stable name', () => {
    const stack = newStack();
    const s = new Secret(stack, 'S', { rotation: NO_ROTATION });
    const r = new iam.Role(stack, 'Instance', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const g = Workload.role(r, s, { workloadName: 'batch-host' });
    expect(g.success).toBe(true);
    expect(WorkloadPolicy.of(r).workloadId).toBe('batch-host');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Description: 'Keyward grants of workload batch-host',
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'KeywardRead', Resource: { Ref: Match.stringLikeRegexp('^S') } })]) },
    });
  });

  test('errors: bad env var names, nothing to inject, bad JSON field', () => {
    const stack = newStack();
    const s = new Secret(stack, 'S', { rotation: NO_ROTATION });
    expectKeywardError(() => Workload.lambdaFunction(fn(stack), s, { environmentVariable: '1BAD' }), 'Svc/Fn', 'environment-variable');
    const task = new ecs.FargateTaskDefinition(stack, 'Task');
    const c = task.addContainer('app', { image: ecs.ContainerImage.fromRegistry('busybox') });
    expectKeywardError(() => Workload.ecsContainer(c, s), 'Svc/Task/app', 'environment-variable', /where should ECS inject/);
    expectKeywardError(() => Workload.ecsContainer(c, s, { fields: { 'A-B': 'x' } }), 'Svc/Task/app', 'environment-variable');
    expectKeywardError(() => Workload.ecsContainer(c, s, { fields: { A: 'x:y' } }), 'Svc/Task/app', 'json-field');
  });

  test('errors: a variable never silently changes secret', () => {
    const stack = newStack();
    // Two secrets with the same construct id in different scopes: the same default variable name.
    const content = SecretContent.generatedJson({ username: 'app' }, 'password');
    const a = new Secret(new Construct(stack, 'Orders'), 'Db', { rotation: NO_ROTATION, content });
    const b = new Secret(new Construct(stack, 'Billing'), 'Db', { rotation: NO_ROTATION, content });
    const f = fn(stack);
    Workload.lambdaFunction(f, a);
    expectKeywardError(() => Workload.lambdaFunction(f, b), 'Svc/Fn', 'environment-variable', /DB_SECRET_ARN already holds the secret Svc\/Orders\/Db/);
    Workload.lambdaFunction(f, b, { environmentVariable: 'BILLING_DB_SECRET_ARN' });

    const task = new ecs.FargateTaskDefinition(stack, 'Task');
    const c = task.addContainer('app', { image: ecs.ContainerImage.fromRegistry('busybox') });
    Workload.ecsContainer(c, a, { fields: { DB_PASSWORD: 'password' } });
    expectKeywardError(() => Workload.ecsContainer(c, b, { fields: { DB_PASSWORD: 'password' } }), 'Svc/Task/app', 'environment-variable');
    expectKeywardError(() => Workload.ecsContainer(c, a, { fields: { DB_PASSWORD: 'password' } }), 'Svc/Task/app', 'environment-variable');
    expectKeywardError(() => Workload.ecsContainer(c, a, { environmentVariable: 'X', fields: { X: 'password' } }), 'Svc/Task/app', 'environment-variable');
    const defs = Object.values<any>(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions;
    expect(defs[0].Secrets.map((x: any) => x.Name)).toEqual(['DB_PASSWORD']);
  });
});

describe('Workload.lambdaFunction and checkov CKV_AWS_173 (environment encryption)', () => {
  const skips = (stack: import('aws-cdk-lib').Stack) =>
    Object.values<any>(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0].Metadata?.checkov?.skip ?? [];

  test('an environment holding only what Keyward set (ARNs, extension settings) skips the check, with the reason', () => {
    const stack = newStack();
    Workload.lambdaFunction(fn(stack), new Secret(stack, 'Db', { rotation: NO_ROTATION }));
    expect(skips(stack)).toEqual([{ id: 'CKV_AWS_173', comment: expect.stringMatching(/only secret ARNs and the Parameters and Secrets extension settings/) }]);
  });

  test('a variable the app sets itself keeps the finding; so does a function with its own key', () => {
    const stack = newStack();
    const f = fn(stack);
    Workload.lambdaFunction(f, new Secret(stack, 'Db', { rotation: NO_ROTATION }));
    f.addEnvironment('LOG_LEVEL', 'debug');
    expect(skips(stack)).toEqual([]);

    const other = newStack('Other');
    const g = new lambda.Function(other, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}'),
      environmentEncryption: new kms.Key(other, 'EnvKey', { enableKeyRotation: true }),
    });
    Workload.lambdaFunction(g, new Secret(other, 'Db', { rotation: NO_ROTATION }));
    expect(skips(other)).toEqual([]);
  });

  test('checkov skips the app declared itself are kept', () => {
    const stack = newStack();
    const f = fn(stack);
    (f.node.defaultChild as lambda.CfnFunction).addMetadata('checkov', { skip: [{ id: 'CKV_AWS_116', comment: 'no DLQ: synchronous API' }] });
    Workload.lambdaFunction(f, new Secret(stack, 'Db', { rotation: NO_ROTATION }));
    expect(skips(stack).map((s: any) => s.id)).toEqual(['CKV_AWS_116', 'CKV_AWS_173']);
  });
});

test('the reason of the ignored cfn-lint W3005 holds: aws-cdk-lib makes every function (no VPC) depend on its role', () => {
  const stack = newStack();
  const f = fn(stack);
  const json = Object.values<any>(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0];
  const roleId = stack.getLogicalId(f.role!.node.defaultChild as import('aws-cdk-lib').CfnElement);
  expect(json.Properties.VpcConfig).toBeUndefined();
  expect(json.Properties.Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  expect(json.DependsOn).toContain(roleId);
});
