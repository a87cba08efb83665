// Consumer app for AWS only: run by scripts/consumer-install.sh with ts-node (type-checked, TypeScript 6) in a folder
// where cdktf and @cdktf/provider-vault are NOT installed. It is README example 1, plus checks of what synthesized.
import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Secret, SecretContent, SecretRotation } from 'keyward/aws';
import { AwsGuard } from 'keyward/guard';

const app = new App();
Validations.of(app).addPlugins(new AwsGuard());
const stack = new Stack(app, 'Orders', { env: { account: '111111111111', region: 'eu-west-1' } });

const apiKey = new Secret(stack, 'PaymentApiKey', {
  secretName: 'orders/payment-api-key',
  content: SecretContent.declaredOnly('set by the payments team with aws secretsmanager put-secret-value'),
  rotation: SecretRotation.none('the provider issues API keys by hand and has no rotation API'),
});
const worker = new iam.Role(stack, 'Worker', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
apiKey.grantRead(worker);

// A Keyward secret is this app's aws-cdk-lib ISecret (type-checked by ts-node against the consumer's aws-cdk-lib):
// ECS injects it, and the execution role's grant lands in its Keyward policy, not a default policy.
const asCdk: secretsmanager.ISecret = apiKey;
const task = new ecs.FargateTaskDefinition(stack, 'Task');
task.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37'), secrets: { API_KEY: ecs.Secret.fromSecretsManager(asCdk) } });

const template = app.synth().getStackByName('Orders').template as { Resources: Record<string, { Type: string; Properties?: unknown }> };
const types = Object.values(template.Resources).map((r) => r.Type);
const defaultPolicies = JSON.stringify(Object.values(template.Resources).filter((r) => r.Type === 'AWS::IAM::Policy'));
assert.ok(!/secretsmanager:|kms:/.test(defaultPolicies), 'no secret or key permission in a default policy');
assert.equal(types.filter((t) => t === 'AWS::IAM::ManagedPolicy').length, 2, 'one Keyward policy for the worker, one for the execution role');
for (const type of ['AWS::KMS::Key', 'AWS::SecretsManager::Secret', 'AWS::SecretsManager::ResourcePolicy', 'AWS::IAM::ManagedPolicy']) {
  assert.ok(types.includes(type), `${type} in the template`);
}
assert.ok(!Object.keys(require.cache).some((f) => /node_modules[\\/](cdktf|@cdktf)[\\/]/.test(f)), 'cdktf was not loaded');
console.log(`aws-only: synthesized ${types.length} resources with aws-cdk-lib ${JSON.parse(readFileSync(require.resolve('aws-cdk-lib/package.json'), 'utf8')).version}`);
