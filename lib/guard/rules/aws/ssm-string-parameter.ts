import { PLAINTEXT_FIX_AWS } from '../../private/format';
import { CfnElement, GuardRule, hitsFrom } from '../../private/rule';
import { findSecrets } from '../../private/walk';

/** SSM String parameters are not encrypted and readable with ssm:GetParameter; CloudFormation cannot create SecureString. */
export const ssmStringParameter: GuardRule<CfnElement> = {
  id: 'keyward:plaintext-ssm-string-parameter',
  description: 'SSM String parameter holds a plaintext secret',
  fix: `${PLAINTEXT_FIX_AWS}; an SSM String parameter is not encrypted`,
  check: (e) => {
    if (e.type !== 'AWS::SSM::Parameter') {
      return [];
    }
    const name = e.body.Properties?.Name;
    // The parameter's own name is the best hint of what it holds: /prod/db/password.
    const hint = typeof name === 'string' ? name.split('/').filter(Boolean).pop() : e.logicalId;
    return hitsFrom(findSecrets(e.body.Properties?.Value, 'Properties.Value', hint));
  },
};
