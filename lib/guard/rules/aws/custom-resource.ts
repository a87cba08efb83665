import { PLAINTEXT_FIX_AWS } from '../../private/format';
import { CfnElement, GuardRule, hitsFrom } from '../../private/rule';
import { findSecrets } from '../../private/walk';

/** Custom resource properties are sent to the provider, logged by it, and kept in the template. */
export const customResource: GuardRule<CfnElement> = {
  id: 'keyward:plaintext-custom-resource',
  description: 'custom resource property holds a plaintext secret',
  fix: `${PLAINTEXT_FIX_AWS}; pass the secret ARN and let the provider read it`,
  check: (e) => {
    if (!e.type || !(e.type.startsWith('Custom::') || e.type === 'AWS::CloudFormation::CustomResource')) {
      return [];
    }
    const { ServiceToken: _serviceToken, ...props } = e.body.Properties ?? {};
    return hitsFrom(findSecrets(props, 'Properties'));
  },
};
