import { PLAINTEXT_FIX_AWS } from '../../private/format';
import { CfnElement, GuardRule, hitsFrom } from '../../private/rule';
import { findSecrets } from '../../private/walk';

const USER_DATA_PATHS: { [type: string]: string[] } = {
  'AWS::EC2::Instance': ['UserData'],
  'AWS::EC2::LaunchTemplate': ['LaunchTemplateData', 'UserData'],
  'AWS::AutoScaling::LaunchConfiguration': ['UserData'],
};

/** User data is readable from the instance metadata service and the console; scripts must fetch secrets, not embed them. */
export const ec2UserData: GuardRule<CfnElement> = {
  id: 'keyward:plaintext-ec2-user-data',
  description: 'EC2 user data embeds a plaintext secret',
  fix: `${PLAINTEXT_FIX_AWS}; the script fetches it at boot with "aws secretsmanager get-secret-value" using the instance role`,
  check: (e) => {
    const path = e.type ? USER_DATA_PATHS[e.type] : undefined;
    if (!path) {
      return [];
    }
    let value: any = e.body.Properties;
    for (const p of path) {
      value = value?.[p];
    }
    // Fn::Base64 of a literal is the literal script at deploy time; walkValue scans through it (and through Fn::Join).
    return value === undefined ? [] : hitsFrom(findSecrets(value, ['Properties', ...path].join('.'), 'UserData'));
  },
};
