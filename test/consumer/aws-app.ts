// Consumer app for AWS only: run by scripts/consumer-install.sh with ts-node (type-checked, TypeScript 6) in a folder
// where cdktf and @cdktf/provider-vault are NOT installed. It is README example 1, plus checks of what synthesized.
import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
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

const template = app.synth().getStackByName('Orders').template as { Resources: Record<string, { Type: string }> };
const types = Object.values(template.Resources).map((r) => r.Type);
for (const type of ['AWS::KMS::Key', 'AWS::SecretsManager::Secret', 'AWS::SecretsManager::ResourcePolicy', 'AWS::IAM::ManagedPolicy']) {
  assert.ok(types.includes(type), `${type} in the template`);
}
assert.ok(!Object.keys(require.cache).some((f) => /node_modules[\\/](cdktf|@cdktf)[\\/]/.test(f)), 'cdktf was not loaded');
console.log(`aws-only: synthesized ${types.length} resources with aws-cdk-lib ${JSON.parse(readFileSync(require.resolve('aws-cdk-lib/package.json'), 'utf8')).version}`);
