import { PLAINTEXT_FIX_AWS } from '../../private/format';
import { CfnElement, GuardRule, hitsFrom } from '../../private/rule';
import { findDynamicSecretReferences, findSecrets } from '../../private/walk';

/** Lambda environment variables are readable by anyone with lambda:GetFunctionConfiguration and sit in the template. */
export const lambdaEnvironment: GuardRule<CfnElement> = {
  id: 'keyward:plaintext-lambda-environment',
  description: 'Lambda environment variable holds a plaintext secret',
  fix: `${PLAINTEXT_FIX_AWS}; the function reads it at runtime (Secrets Manager or the Parameters and Secrets extension)`,
  check: (e) =>
    e.type === 'AWS::Lambda::Function' || e.type === 'AWS::Serverless::Function'
      ? hitsFrom([
        ...findSecrets(e.body.Properties?.Environment?.Variables, 'Properties.Environment.Variables'),
        ...findDynamicSecretReferences(e.body.Properties?.Environment?.Variables, 'Properties.Environment.Variables'),
      ])
      : [],
};
