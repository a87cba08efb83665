import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Secret, SecretContent, SecretRotation, SecretsKey, Workload } from 'keyward/aws';
import { AwsGuard } from 'keyward/guard';

const app = new App();
Validations.of(app).addPlugins(new AwsGuard()); // fail synth on any plaintext secret or deletable secret/key
const stack = new Stack(app, 'Orders', { env: { account: '111111111111', region: 'eu-west-1' } });

const key = new SecretsKey(stack, 'SecretsKey', { alias: 'alias/orders/secrets' });
const apiKey = new Secret(stack, 'PaymentApiKey', {
  secretName: 'orders/payment-api-key',
  encryptionKey: key,
  content: SecretContent.declaredOnly('set by the payments team with aws secretsmanager put-secret-value'),
  rotation: SecretRotation.none('the provider issues API keys by hand and has no rotation API'),
});

const fn = new lambda.Function(stack, 'Api', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
  timeout: Duration.seconds(10),
});
// PAYMENT_API_KEY_SECRET_ARN = the ARN (never the value), the Parameters and Secrets extension, and a read grant
// in the function role's one Keyward policy.
Workload.lambdaFunction(fn, apiKey, { environmentVariable: 'PAYMENT_API_KEY_SECRET_ARN' });

app.synth();
