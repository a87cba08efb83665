import { DetectionKind } from '../../../core/detect';
import { PLAINTEXT_FIX_AWS } from '../../private/format';
import { CfnElement, GuardRule, hitsFrom } from '../../private/rule';
import { findSecrets } from '../../private/walk';

/**
 * Catch-all over every other resource property (RDS MasterUserPassword, API keys, inline code, ...). Entropy alone is
 * not used here: arbitrary properties are full of ids that look random.
 */
export const anyProperty: GuardRule<CfnElement> = {
  id: 'keyward:plaintext-property',
  description: 'resource property holds a plaintext secret',
  fix: PLAINTEXT_FIX_AWS,
  check: (e) =>
    e.section === 'Resources'
      ? hitsFrom(findSecrets(e.body.Properties, 'Properties').filter((f) => f.detection.kind !== DetectionKind.HIGH_ENTROPY))
      : [],
};
