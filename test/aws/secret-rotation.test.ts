import { App, Duration, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { Secret, SecretRotation, SecretRotationKind } from '../../lib/aws';
import { expectKeywardError, newStack } from './util';

function rotationFunction(scope: import('constructs').Construct): lambda.Function {
  return new lambda.Function(scope, 'Rotator', {
    runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
}

describe('SecretRotation', () => {
  test('hosted single-user rotation in a VPC, every 30 days by default', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new Secret(stack, 'Db', { rotation: SecretRotation.hosted(secretsmanager.HostedRotation.mysqlSingleUser({ vpc })) });
    const t = Template.fromStack(stack);
    expect(t.toJSON().Transform).toBe('AWS::SecretsManager-2024-09-16');
    t.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: Match.stringLikeRegexp('^Db') },
      HostedRotationLambda: Match.objectLike({ RotationType: 'MySQLSingleUser', KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KeywardDefaultKey'), 'Arn'] } }),
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
    t.hasResourceProperties('AWS::SecretsManager::Secret', { Tags: Match.arrayWith([{ Key: 'keyward:rotation', Value: 'hosted' }]) });
  });

  test('hosted multi-user rotation uses a Keyward master secret', () => {
    const stack = newStack();
    const master = new Secret(stack, 'Master', { rotation: SecretRotation.none('master credentials rotated by the DBA runbook quarterly') });
    new Secret(stack, 'App', {
      rotation: SecretRotation.hosted(secretsmanager.HostedRotation.postgreSqlMultiUser({ masterSecret: master }), { automaticallyAfter: Duration.days(7) }),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      HostedRotationLambda: Match.objectLike({ RotationType: 'PostgreSQLMultiUser', MasterSecretArn: { Ref: Match.stringLikeRegexp('^Master') } }),
      RotationRules: { ScheduleExpression: 'rate(7 days)' },
    });
  });

  test('custom rotation Lambda: invoke permission, read-write through its workload policy, GetRandomPassword', () => {
    const stack = newStack();
    const fn = rotationFunction(stack);
    const rotation = SecretRotation.customFunction(fn);
    expect(rotation.kind).toBe(SecretRotationKind.LAMBDA);
    new Secret(stack, 'S', { rotation });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationLambdaARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Rotator'), 'Arn'] } });
    t.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'secretsmanager.amazonaws.com', SourceAccount: '111111111111', Action: 'lambda:InvokeFunction' });
    // Exact mode (the default): the rotation function's policy names the secret; the secret carries no access tag.
    expect(JSON.stringify(t.findResources('AWS::SecretsManager::Secret'))).not.toContain('keyward:access:');
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'KeywardRead', Resource: { Ref: Match.stringLikeRegexp('^S') } }),
          Match.objectLike({ Sid: 'KeywardWrite', Resource: { Ref: Match.stringLikeRegexp('^S') } }),
          Match.objectLike({ Sid: 'KeywardRandomPassword', Action: 'secretsmanager:GetRandomPassword', Resource: '*' }),
        ]),
      },
    });
  });

  test('none with a reason acknowledges the cdk-nag rotation rules on the secret only', () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
    const stack = newStack('Svc', app);
    new Secret(stack, 'S', { rotation: SecretRotation.none('vendor key without a rotation API; reissued yearly') });
    expect(() => app.synth()).not.toThrow();
    const acks = stack.node.findChild('S').node.metadata.filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    expect(JSON.stringify(acks)).toContain('vendor key without a rotation API');
  });

  describe('errors', () => {
    test('none without a reason', () => {
      expectKeywardError(() => new Secret(newStack(), 'S', { rotation: SecretRotation.none('') }), 'Svc/S', 'rotation-reason');
      expectKeywardError(() => new Secret(newStack(), 'S', { rotation: SecretRotation.none('n/a') }), 'Svc/S', 'rotation-reason');
      // Only visible characters count: 20 zero-width spaces or a padded short word are no reason.
      expectKeywardError(() => new Secret(newStack(), 'S', { rotation: SecretRotation.none('\u200b'.repeat(25)) }), 'Svc/S', 'rotation-reason');
      expectKeywardError(() => new Secret(newStack(), 'S', { rotation: SecretRotation.none('n/a\u00a0\u2003\u200b'.repeat(6)) }), 'Svc/S', 'rotation-reason');
    });
    test('rotation period out of range', () => {
      const stack = newStack();
      expectKeywardError(() => new Secret(stack, 'S', { rotation: SecretRotation.customFunction(rotationFunction(stack), { automaticallyAfter: Duration.days(1001) }) }),
        'Svc/S', 'rotation-period', /1 to 1000/);
    });
    test('rotation decided twice', () => {
      const s = new Secret(newStack(), 'S', { rotation: SecretRotation.none('fixture secret that is never deployed') });
      expectKeywardError(() => s.decideRotation(SecretRotation.none('fixture secret that is never deployed')), 'Svc/S', 'rotation-decision');
    });
    test('no decision is a synth error; decideRotation later fixes it', () => {
      const stack = newStack();
      const s = new Secret(stack, 'S');
      s.decideRotation(SecretRotation.none('fixture secret that is never deployed'));
      expect(() => Template.fromStack(stack)).not.toThrow();
    });
  });
});
