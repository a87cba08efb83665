import { PLAINTEXT_FIX_AWS } from '../../private/format';
import { CfnElement, GuardRule, hitsFrom } from '../../private/rule';
import { findSecrets } from '../../private/walk';

/** Outputs are shown to anyone who can describe the stack, and exports to every stack in the account. */
export const outputValue: GuardRule<CfnElement> = {
  id: 'keyward:plaintext-output',
  description: 'stack output holds a plaintext secret',
  fix: `${PLAINTEXT_FIX_AWS}; output the secret ARN or name instead`,
  check: (e) => (e.section === 'Outputs' ? hitsFrom(findSecrets(e.body.Value, 'Value', e.logicalId)) : []),
};
