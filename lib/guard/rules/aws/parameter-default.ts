import { PLAINTEXT_FIX_AWS } from '../../private/format';
import { CfnElement, GuardRule, hitsFrom } from '../../private/rule';
import { findSecrets } from '../../private/walk';

/**
 * A parameter default is in the template: NoEcho hides it from describe-stacks and the console, not from anyone who
 * can read the template (cdk.out, the deployment bucket, GetTemplate).
 */
export const parameterDefault: GuardRule<CfnElement> = {
  id: 'keyward:plaintext-parameter-default',
  description: 'CloudFormation parameter default holds a plaintext secret (NoEcho does not keep it out of the template)',
  fix: `${PLAINTEXT_FIX_AWS}; if a parameter is unavoidable, give it no default and set NoEcho`,
  check: (e) =>
    e.section === 'Parameters' && e.body.Default !== undefined
      ? hitsFrom(findSecrets(e.body.Default, 'Default', e.body.NoEcho === true || e.body.NoEcho === 'true' ? `${e.logicalId}Password` : e.logicalId))
      : [],
};
