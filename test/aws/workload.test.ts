import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Secret, SecretContent, SecretRotation, Workload } from '../../lib/aws';
import { expectKeywardError, newStack } from './util';

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
    expect(g.statementIds).toContain('KeywardRead');
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
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: Match.stringLikeRegexp('^TaskExecutionRole') }] });
    t.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('any role (EC2 instance role) with a stable name', () => {
    const stack = newStack();
    const s = new Secret(stack, 'S', { rotation: NO_ROTATION });
    const r = new iam.Role(stack, 'Instance', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const g = Workload.role(r, s, { workloadName: 'batch-host' });
    expect(g.resourceTag).toEqual({ key: 'keyward:access:batch-host', value: 'read' });
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::Secret', { Tags: Match.arrayWith([{ Key: 'keyward:access:batch-host', Value: 'read' }]) });
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
});
