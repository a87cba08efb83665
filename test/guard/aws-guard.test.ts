import { App, CfnDeletionPolicy, CfnOutput, CfnParameter, CfnResource, CustomResource, NestedStack, RemovalPolicy, SecretValue, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { SecretCatalog, SecretRotation } from '../../lib/aws';
import { AwsGuard, AwsGuardProps, GuardAcknowledgements } from '../../lib/guard';

// Fake credentials, assembled at runtime so that no scanner mistakes this file for a leak.
const FAKE_AKIA = ['AKIA', 'Z7Q3', 'M2XK', 'P4WB', 'T6NV'].join('');
const FAKE_PASSWORD = ['Winter', '-', '2024', '-', 'Payments!'].join('');

function guarded(build: (stack: Stack) => void, props?: AwsGuardProps) {
  const app = new App();
  const stack = new Stack(app, 'Shop');
  build(stack);
  const guard = new AwsGuard(props);
  Validations.of(app).addPlugins(guard);
  let error: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  return { guard, error, findings: guard.findings };
}

function fn(stack: Stack, id: string, environment: { [key: string]: string }) {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_20_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => 1;'),
    environment,
  });
}

describe('AwsGuard plaintext rules', () => {
  test('a literal in a Lambda environment fails synth, naming path, rule and a masked value, never the value', () => {
    const { error, findings } = guarded((s) => fn(s, 'Api', { UPLOAD_KEY_ID: FAKE_AKIA, LOG_LEVEL: 'info' }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'keyward:plaintext-lambda-environment',
      constructPath: 'Shop/Api/Resource',
      propertyPath: 'Properties.Environment.Variables.UPLOAD_KEY_ID',
      detail: 'AWS access key id',
      maskedValue: 'AK****(20 chars)',
    });
    expect(findings[0].fix).toMatch(/Keyward secret/);
    expect(error?.message).toMatch(/keyward:plaintext-lambda-environment/);
    expect(error?.message).toMatch(/Shop\/Api\/Resource/);
    expect(error?.message).not.toContain(FAKE_AKIA);
  });

  test('references to secrets pass: Ref/GetAtt, ARNs, and dynamic references where the service resolves them', () => {
    const { error, findings } = guarded((s) => {
      const secret = new secretsmanager.Secret(s, 'Db', { removalPolicy: RemovalPolicy.RETAIN });
      fn(s, 'Api', { DB_SECRET_ARN: secret.secretArn, TABLE: 'orders' });
      new CfnResource(s, 'Database', { type: 'AWS::RDS::DBInstance', properties: { MasterUserPassword: secret.secretValueFromJson('password').unsafeUnwrap() } });
    });
    expect(findings).toEqual([]);
    expect(error).toBeUndefined();
  });

  test('a dynamic reference to a secret value in a Lambda, ECS or CodeBuild plain-text environment is a finding: resolved to the value at deploy', () => {
    const { findings } = guarded((s) => {
      const secret = new secretsmanager.Secret(s, 'Db', { removalPolicy: RemovalPolicy.RETAIN });
      fn(s, 'Api', { DB_PASSWORD: secret.secretValueFromJson('password').unsafeUnwrap() });
      const task = new ecs.FargateTaskDefinition(s, 'Task');
      task.addContainer('app', {
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'),
        environment: { DB: secret.secretValue.unsafeUnwrap() },
      });
      new CfnResource(s, 'Build', {
        type: 'AWS::CodeBuild::Project',
        properties: { Environment: { EnvironmentVariables: [{ Name: 'TOKEN', Type: 'PLAINTEXT', Value: '{{resolve:ssm-secure:/ci/token}}' }] } },
      });
    });
    expect(findings.map((f) => [f.ruleId, f.propertyPath])).toEqual(expect.arrayContaining([
      ['keyward:plaintext-lambda-environment', 'Properties.Environment.Variables.DB_PASSWORD'],
      ['keyward:plaintext-ecs-environment', expect.stringMatching(/^Properties\.ContainerDefinitions\[0\]\.Environment/)],
      ['keyward:plaintext-codebuild-environment', 'Properties.Environment.EnvironmentVariables[0].Value'],
    ]));
  });

  test('ECS environment literal is flagged; container secrets are not', () => {
    const { findings } = guarded((s) => {
      const secret = new secretsmanager.Secret(s, 'Db', { removalPolicy: RemovalPolicy.RETAIN });
      const task = new ecs.FargateTaskDefinition(s, 'Task');
      task.addContainer('app', {
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'),
        environment: { DB_PASSWORD: FAKE_PASSWORD },
        secrets: { API_TOKEN: ecs.Secret.fromSecretsManager(secret, 'token') },
      });
    });
    expect(findings.map((f) => [f.ruleId, f.propertyPath])).toEqual([
      ['keyward:plaintext-ecs-environment', 'Properties.ContainerDefinitions[0].Environment[0].Value'],
    ]);
  });

  test('EC2 user data with an exported password is flagged; fetching it at boot is not', () => {
    const vpc = (s: Stack) => new ec2.Vpc(s, 'Vpc', { natGateways: 0, maxAzs: 1 });
    const instance = (s: Stack, script: string) => {
      const userData = ec2.UserData.forLinux();
      userData.addCommands(script);
      new ec2.Instance(s, 'Box', {
        vpc: vpc(s),
        instanceType: new ec2.InstanceType('t3.micro'),
        machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0c55b159cbfafe1f0' }),
        userData,
      });
    };
    const bad = guarded((s) => instance(s, `export DB_PASSWORD='${FAKE_PASSWORD}'`));
    expect(bad.findings.map((f) => f.ruleId)).toEqual(['keyward:plaintext-ec2-user-data']);
    expect(bad.findings[0].constructPath).toBe('Shop/Box/Resource');
    const good = guarded((s) => instance(s, 'export DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id prod/db --query SecretString --output text)'));
    expect(good.findings).toEqual([]);
  });

  test('CodeBuild PLAINTEXT variables are flagged, SECRETS_MANAGER ones are not', () => {
    const { findings } = guarded((s) => {
      new codebuild.Project(s, 'Build', {
        buildSpec: codebuild.BuildSpec.fromObject({ version: '0.2', phases: { build: { commands: ['make'] } } }),
        environmentVariables: {
          NPM_TOKEN: { value: ['npm_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'].join('') },
          DOCKERHUB_PASSWORD: { value: 'prod/dockerhub:password', type: codebuild.BuildEnvironmentVariableType.SECRETS_MANAGER },
        },
      });
    });
    expect(findings.map((f) => [f.ruleId, f.detail])).toEqual([['keyward:plaintext-codebuild-environment', 'npm token']]);
  });

  test('parameter defaults (NoEcho too: the default is in the template), outputs and tags', () => {
    const { findings } = guarded((s) => {
      new CfnParameter(s, 'DbPassword', { default: FAKE_PASSWORD });
      new CfnParameter(s, 'HiddenPassword', { default: FAKE_PASSWORD, noEcho: true });
      new CfnOutput(s, 'ApiToken', { value: ['ghp_', 'Zq8Rk2Lm5Np7Tv9Wx1Yb3Cd5Ef7Gh9Jk1Mn3P'].join('') });
      const key = new kms.Key(s, 'Key');
      Tags.of(key).add('deploy-password', FAKE_PASSWORD);
    });
    expect(findings.map((f) => [f.ruleId, f.propertyPath]).sort()).toEqual([
      ['keyward:plaintext-output', 'Outputs.ApiToken.Value'],
      ['keyward:plaintext-parameter-default', 'Parameters.DbPassword.Default'],
      ['keyward:plaintext-parameter-default', 'Parameters.HiddenPassword.Default'],
      ['keyward:plaintext-tag', 'Properties.Tags[0].Value'],
    ]);
    expect(findings.find((f) => f.ruleId === 'keyward:plaintext-parameter-default')?.constructPath).toBe('Shop/DbPassword');
  });

  test('SSM String parameters, SecretString literals, custom resources and other properties', () => {
    const { findings } = guarded((s) => {
      new ssm.StringParameter(s, 'Param', { parameterName: '/prod/app/api-token', stringValue: 'tok-live-84hf73' });
      new secretsmanager.Secret(s, 'Literal', { secretStringValue: SecretValue.unsafePlainText(FAKE_PASSWORD), removalPolicy: RemovalPolicy.RETAIN });
      new CustomResource(s, 'Seed', { serviceToken: 'arn:aws:lambda:us-east-1:123456789012:function:seed', properties: { AdminPassword: FAKE_PASSWORD } });
      new rds.CfnDBInstance(s, 'Db', { engine: 'postgres', dbInstanceClass: 'db.t3.micro', masterUsername: 'app', masterUserPassword: FAKE_PASSWORD, allocatedStorage: '20' });
    });
    expect(findings.map((f) => [f.ruleId, f.constructPath, f.propertyPath]).sort()).toEqual([
      ['keyward:plaintext-custom-resource', 'Shop/Seed/Default', 'Properties.AdminPassword'],
      ['keyward:plaintext-property', 'Shop/Db', 'Properties.MasterUserPassword'],
      ['keyward:plaintext-secret-string', 'Shop/Literal/Resource', 'Properties.SecretString'],
      ['keyward:plaintext-ssm-string-parameter', 'Shop/Param/Resource', 'Properties.Value'],
    ]);
    for (const f of findings) {
      expect(JSON.stringify(f)).not.toContain(FAKE_PASSWORD);
    }
  });
});

describe('AwsGuard data-loss rule', () => {
  test('a secret or key with DeletionPolicy Delete is flagged; RETAIN is not', () => {
    const { findings } = guarded((s) => {
      new secretsmanager.Secret(s, 'Gone', { removalPolicy: RemovalPolicy.DESTROY });
      new secretsmanager.Secret(s, 'Kept', { removalPolicy: RemovalPolicy.RETAIN });
      new kms.Key(s, 'Key'); // RETAIN by default
    });
    expect(findings.map((f) => [f.ruleId, f.constructPath, f.detail])).toEqual([
      ['keyward:retention-deletion-policy', 'Shop/Gone/Resource', 'DeletionPolicy Delete on AWS::SecretsManager::Secret: it is destroyed when it leaves the stack'],
      ['keyward:retention-deletion-policy', 'Shop/Gone/Resource', 'UpdateReplacePolicy Delete on AWS::SecretsManager::Secret: it is destroyed when an update replaces it'],
    ]);
  });

  test('UpdateReplacePolicy Delete (set or absent) is flagged even with DeletionPolicy Retain; Snapshot is flagged on both', () => {
    const { findings, error } = guarded((s) => {
      const replaced = new secretsmanager.Secret(s, 'Replaced', { removalPolicy: RemovalPolicy.RETAIN });
      (replaced.node.defaultChild as secretsmanager.CfnSecret).cfnOptions.updateReplacePolicy = undefined;
      const raw = new secretsmanager.CfnSecret(s, 'Raw', {});
      raw.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN;
      // applyRemovalPolicy(SNAPSHOT) on a key throws under the recommended flag validateSnapshotRemovalPolicy; an
      // escape hatch (or a template not made by aws-cdk-lib) still carries it.
      const snap = new kms.Key(s, 'Snap').node.defaultChild as kms.CfnKey;
      snap.cfnOptions.deletionPolicy = CfnDeletionPolicy.SNAPSHOT;
      snap.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.SNAPSHOT;
      const onCreate = new secretsmanager.Secret(s, 'OnCreate');
      onCreate.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    });
    expect(findings.map((f) => [f.constructPath, f.propertyPath, f.detail])).toEqual([
      ['Shop/Replaced/Resource', 'UpdateReplacePolicy', 'UpdateReplacePolicy Delete (the default) on AWS::SecretsManager::Secret: it is destroyed when an update replaces it'],
      ['Shop/Raw', 'UpdateReplacePolicy', 'UpdateReplacePolicy Delete (the default) on AWS::SecretsManager::Secret: it is destroyed when an update replaces it'],
      ['Shop/Snap/Resource', 'DeletionPolicy', 'DeletionPolicy Snapshot is not valid for AWS::KMS::Key (only resources with snapshots support it): nothing keeps its data'],
      ['Shop/Snap/Resource', 'UpdateReplacePolicy', 'UpdateReplacePolicy Snapshot is not valid for AWS::KMS::Key (only resources with snapshots support it): nothing keeps its data'],
    ]);
    expect(error?.message).toContain('keyward:retention-deletion-policy');
  });

  test('dataLoss: false turns it off', () => {
    const { findings } = guarded((s) => new secretsmanager.Secret(s, 'Gone', { removalPolicy: RemovalPolicy.DESTROY }), { dataLoss: false });
    expect(findings).toEqual([]);
  });
});

describe('acknowledgements', () => {
  const build = (ack: (f: lambda.Function) => void) => (s: Stack) => ack(fn(s, 'Api', { DB_PASSWORD: FAKE_PASSWORD }));

  test('Validations.of(construct).acknowledge with a reason silences the finding on that construct', () => {
    const { error, findings, guard } = guarded(build((f) => Validations.of(f).acknowledge({ id: 'keyward:plaintext-lambda-environment', reason: 'local test fixture, not deployed' })));
    expect(findings).toEqual([]);
    expect(guard.acknowledged.map((f) => f.ruleId)).toEqual(['keyward:plaintext-lambda-environment']);
    expect(error).toBeUndefined();
  });

  test('GuardAcknowledgements on the stack covers its children', () => {
    const { findings } = guarded((s) => {
      fn(s, 'Api', { DB_PASSWORD: FAKE_PASSWORD });
      GuardAcknowledgements.acknowledge(s, 'keyward:plaintext-lambda-environment', 'sandbox stack, throwaway values');
    });
    expect(findings).toEqual([]);
  });

  test('an acknowledgement of another rule does not silence this one', () => {
    const { findings } = guarded(build((f) => Validations.of(f).acknowledge({ id: 'keyward:plaintext-tag', reason: 'tags are fine' })));
    expect(findings.map((f) => f.ruleId)).toEqual(['keyward:plaintext-lambda-environment']);
  });

  test('an empty reason is an error naming the construct and the rule', () => {
    const { error, findings } = guarded(build((f) => GuardAcknowledgements.acknowledge(f, 'keyward:plaintext-lambda-environment', ' ')));
    expect(findings.map((f) => [f.ruleId, f.constructPath])).toEqual([
      ['keyward:plaintext-lambda-environment', 'Shop/Api/Resource'],
      ['keyward:acknowledgement-reason', 'Shop/Api'],
    ]);
    expect(error?.message).toMatch(/acknowledgement of keyward:plaintext-lambda-environment has an empty reason[\s\S]*Shop\/Api aws-cdk-lib.aws_lambda.Function/);
  });
});

describe('AwsGuard follows nested stacks', () => {
  const R = SecretRotation.none('test secret: rotation is not what this test is about');

  test('a plaintext SSM String parameter in a plain NestedStack fails synth with the nested construct path', () => {
    const { findings, error } = guarded((s) => {
      const nested = new NestedStack(s, 'Config');
      new ssm.StringParameter(nested, 'Param', { parameterName: '/shop/aws-key', stringValue: FAKE_AKIA });
    });
    expect(findings.map((f) => [f.ruleId, f.constructPath, f.propertyPath])).toEqual([
      ['keyward:plaintext-ssm-string-parameter', 'Shop/Config/Param/Resource', 'Properties.Value'],
    ]);
    expect(error?.message).toContain('Shop/Config/Param/Resource');
    expect(JSON.stringify(findings)).not.toContain(FAKE_AKIA);
  });

  test('a nested stack inside a nested stack is followed too; an acknowledgement inside it applies', () => {
    const { findings, guard } = guarded((s) => {
      const outer = new NestedStack(s, 'Outer');
      const inner = new NestedStack(outer, 'Inner');
      new ssm.StringParameter(inner, 'Param', { stringValue: FAKE_AKIA });
      const acked = new ssm.StringParameter(inner, 'Acked', { stringValue: FAKE_AKIA });
      GuardAcknowledgements.acknowledge(acked, 'keyward:plaintext-ssm-string-parameter', 'test fixture, never deployed');
    });
    expect(findings.map((f) => f.constructPath)).toEqual(['Shop/Outer/Inner/Param/Resource']);
    expect(guard.acknowledged.map((f) => f.constructPath)).toEqual(['Shop/Outer/Inner/Acked/Resource']);
  });

  test('a SecretCatalog secret with RemovalPolicy DESTROY (in a catalog shard) fails synth with its construct path', () => {
    const { findings, error } = guarded((s) => {
      const catalog = new SecretCatalog(s, 'Catalog', { shards: 1 });
      catalog.addSecret('Kept', { secretName: 'shop/kept', rotation: R });
      catalog.addSecret('Gone', { secretName: 'shop/gone', rotation: R, removalPolicy: RemovalPolicy.DESTROY });
    });
    expect(findings.map((f) => [f.ruleId, f.constructPath, f.propertyPath])).toEqual([
      ['keyward:retention-deletion-policy', 'Shop/Catalog/Shard1/Gone/Resource', 'DeletionPolicy'],
      ['keyward:retention-deletion-policy', 'Shop/Catalog/Shard1/Gone/Resource', 'UpdateReplacePolicy'],
    ]);
    expect(error?.message).toContain('Shop/Catalog/Shard1/Gone/Resource');
  });

  test('a clean catalog passes', () => {
    const { findings, error } = guarded((s) => {
      const catalog = new SecretCatalog(s, 'Catalog', { maxResourcesPerStack: 10 });
      for (let i = 0; i < 12; i++) {
        catalog.addSecret(`S${i}`, { secretName: `shop/s${i}`, rotation: R });
      }
    });
    expect(findings).toEqual([]);
    expect(error).toBeUndefined();
  });
});
