import { App, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsGuard } from 'keyward/guard';

const app = new App();
Validations.of(app).addPlugins(new AwsGuard());
const stack = new Stack(app, 'Legacy');
new lambda.Function(stack, 'Fn', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  environment: { STRIPE_API_KEY: 'sk_live_51HxAmPlEkEy0123456789abcdEFGH' }, // a leaked value
});
app.synth(); // throws: the report names Legacy/Fn and keyward:plaintext-lambda-environment
