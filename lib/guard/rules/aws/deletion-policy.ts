import { CfnElement, GuardRule } from '../../private/rule';

/** Types that hold secret material (or make it readable): deleting them loses it. */
export const RETAINED_TYPES = ['AWS::SecretsManager::Secret', 'AWS::KMS::Key', 'AWS::KMS::ReplicaKey'];

/** A secret or key synthesized with DeletionPolicy Delete is destroyed when it leaves the stack, with its data. */
export const deletionPolicy: GuardRule<CfnElement> = {
  id: 'keyward:retention-deletion-policy',
  description: 'secret or key is deleted with the stack (DeletionPolicy is not Retain/RetainExceptOnCreate/Snapshot)',
  fix: 'use RemovalPolicy.RETAIN (the Keyward default) or acknowledge this rule with the reason the data may be destroyed',
  check: (e) => {
    if (e.section !== 'Resources' || !e.type || !RETAINED_TYPES.includes(e.type)) {
      return [];
    }
    const policy = e.body.DeletionPolicy ?? 'Delete';
    return ['Retain', 'RetainExceptOnCreate', 'Snapshot'].includes(policy)
      ? []
      : [{ propertyPath: 'DeletionPolicy', detail: `DeletionPolicy ${policy} on ${e.type}` }];
  },
};
