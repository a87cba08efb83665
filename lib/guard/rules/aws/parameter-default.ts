import { PLAINTEXT_FIX_AWS } from '../../private/format';
import { CfnElement, GuardRule, hitsFrom } from '../../private/rule';
import { findSecrets } from '../../private/walk';

/** A parameter default without NoEcho is printed by describe-stacks and the console. */
export const parameterDefault: GuardRule<CfnElement> = {
  id: 'keyward:plaintext-parameter-default',
  description: 'CloudFormation parameter default holds a plaintext secret and NoEcho is not set',
  fix: `${PLAINTEXT_FIX_AWS}; if a parameter is unavoidable, give it no default and set NoEcho`,
  check: (e) =>
    e.section === 'Parameters' && e.body.Default !== undefined && e.body.NoEcho !== true && e.body.NoEcho !== 'true'
      ? hitsFrom(findSecrets(e.body.Default, 'Default', e.logicalId))
      : [],
};
