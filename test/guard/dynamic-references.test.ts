// From an attacker's review: the guard's finding for dynamic references to secret values in plain-text settings.
// A dynamic reference is resolved to the plaintext by CloudFormation at deploy: where the service stores the property
// as plain configuration, the value leaks there; where the service consumes it as a password, it is safe.
import { App, CfnCondition, CfnResource, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsGuard } from '../../lib/guard';

function guarded(build: (stack: Stack) => void) {
  const app = new App();
  const stack = new Stack(app, 'Shop');
  build(stack);
  const guard = new AwsGuard();
  Validations.of(app).addPlugins(guard);
  try {
    app.synth();
  } catch {
    // findings are read below
  }
  return guard.findings;
}
function dbSecret(s: Stack) {
  return new secretsmanager.Secret(s, 'Db', { removalPolicy: RemovalPolicy.RETAIN });
}
function fn(s: Stack) {
  return new lambda.Function(s, 'Api', {
    runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;'),
  });
}
const paths = (fs: { ruleId: string; constructPath: string; propertyPath: string }[]) => fs.map(f => `${f.constructPath} ${f.propertyPath}`);

describe('5. dynamic references: false negatives', () => {
  test('5a Lambda addEnvironment with secretValue is a finding', () => {
    const findings = guarded(s => fn(s).addEnvironment('DB_PASSWORD', dbSecret(s).secretValue.unsafeUnwrap()));
    expect(paths(findings)).toContain('Shop/Api/Resource Properties.Environment.Variables.DB_PASSWORD');
  });

  test('5b Fn::Sub with a secretsmanager dynamic reference around a Ref in a Lambda environment is a finding', () => {
    const findings = guarded(s => {
      const secret = dbSecret(s);
      fn(s).addEnvironment('DB_PASSWORD', Fn.sub('{{resolve:secretsmanager:${Arn}:SecretString:password}}', { Arn: secret.secretArn }));
    });
    expect(paths(findings)).toContain('Shop/Api/Resource Properties.Environment.Variables.DB_PASSWORD');
  });

  test('5c a dynamic reference split across an Fn::Join with a conditional part is a dynamic-reference finding (a neutral variable name)', () => {
    const findings = guarded(s => {
      const secret = dbSecret(s);
      const cond = new CfnCondition(s, 'Prod', { expression: Fn.conditionEquals('a', 'a') });
      fn(s).addEnvironment('DB_CONN', Fn.join('', ['{{resolve:', Fn.conditionIf(cond.logicalId, 'secretsmanager', 'secretsmanager').toString(),
        ':', secret.secretArn, ':SecretString:password}}']));
    });
    expect(findings.filter(f => /dynamic reference/.test(f.detail)).map(f => f.propertyPath)).toContain('Properties.Environment.Variables.DB_CONN');
  });

  test('5d {{resolve:ssm:...}} (a plain String parameter) is not a finding', () => {
    const findings = guarded(s => fn(s).addEnvironment('STAGE', '{{resolve:ssm:/app/stage}}'));
    expect(findings).toEqual([]);
  });

  test.each([
    ['AWS::Batch::JobDefinition', { Type: 'container', ContainerProperties: { Image: 'app', Environment: [{ Name: 'DB_CONN', Value: 'REF' }] } }],
    ['AWS::AppRunner::Service', { SourceConfiguration: { ImageRepository: { ImageIdentifier: 'public.ecr.aws/app:1', ImageRepositoryType: 'ECR_PUBLIC', ImageConfiguration: { RuntimeEnvironmentVariables: [{ Name: 'DB_CONN', Value: 'REF' }] } } } }],
    ['AWS::StepFunctions::StateMachine', { RoleArn: 'arn:aws:iam::111111111111:role/sfn', DefinitionString: '{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"conn":"REF"},"End":true}}}' }],
    ['AWS::SSM::Parameter', { Type: 'String', Value: 'REF' }],
    ['AWS::EC2::LaunchTemplate', { LaunchTemplateData: { UserData: { 'Fn::Base64': '#!/bin/sh\nexport DB_CONN=REF\n' } } }],
    ['AWS::Glue::Job', { Role: 'r', Command: { Name: 'glueetl', ScriptLocation: 's3://b/k' }, DefaultArguments: { '--db-conn': 'REF' } }],
  ])('5e a secretsmanager dynamic reference stored as plain configuration in %s is a finding', (type, props) => {
    const findings = guarded(s => {
      const secret = dbSecret(s);
      const ref = secret.secretValueFromJson('password').unsafeUnwrap();
      const properties = JSON.parse(JSON.stringify(props), (_k, v) => (typeof v === 'string' && v.includes('REF') ? v.replace('REF', '@@REF@@') : v));
      // Put the token back in (JSON round trip cannot carry it).
      const fill = (v: any): any => (typeof v === 'string' ? (v.includes('@@REF@@') ? Fn.join('', v.split('@@REF@@').flatMap((p, i) => (i === 0 ? [p] : [ref, p]))) : v)
        : Array.isArray(v) ? v.map(fill) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)])) : v);
      new CfnResource(s, 'Target', { type, properties: fill(properties) });
    });
    // Found as a dynamic reference (the variable names are neutral, so the name heuristic does not find it by chance).
    expect(findings.filter(f => f.constructPath === 'Shop/Target' && /dynamic reference/.test(f.detail))).not.toEqual([]);
  });
});

describe('5. dynamic references: false positives', () => {
  test.each([
    ['AWS::RDS::DBInstance', 'MasterUserPassword'],
    ['AWS::RDS::DBCluster', 'MasterUserPassword'],
    ['AWS::DocDB::DBCluster', 'MasterUserPassword'],
    ['AWS::Redshift::Cluster', 'MasterUserPassword'],
    ['AWS::ElastiCache::ReplicationGroup', 'AuthToken'],
  ])('5f a dynamic reference in %s.%s (the service consumes it as a password) passes', (type, prop) => {
    const findings = guarded(s => {
      new CfnResource(s, 'Target', { type, properties: { [prop]: dbSecret(s).secretValueFromJson('password').unsafeUnwrap() } });
    });
    expect(findings).toEqual([]);
  });
});
