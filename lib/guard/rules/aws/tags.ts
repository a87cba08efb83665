import { PLAINTEXT_FIX_AWS } from '../../private/format';
import { CfnElement, GuardRule, hitsFrom } from '../../private/rule';
import { findSecrets } from '../../private/walk';

/** Tags are readable with tag:GetResources by principals that cannot read the resource itself. */
export const tags: GuardRule<CfnElement> = {
  id: 'keyward:plaintext-tag',
  description: 'resource tag holds a plaintext secret',
  fix: `${PLAINTEXT_FIX_AWS}; tags are metadata visible to the whole account`,
  check: (e) => {
    const t = e.body.Properties?.Tags;
    if (t === undefined) {
      return [];
    }
    // Tags come as [{Key, Value}] or, for some types (SSM, Serverless), as a map.
    return hitsFrom(findSecrets(t, 'Properties.Tags'));
  },
};
