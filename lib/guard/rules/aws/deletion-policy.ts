import { CfnElement, GuardRule, RuleHit } from '../../private/rule';

/** Types that hold secret material (or make it readable): deleting them loses it. */
export const RETAINED_TYPES = ['AWS::SecretsManager::Secret', 'AWS::KMS::Key', 'AWS::KMS::ReplicaKey'];

/** Policies that keep the resource. `Snapshot` is only for types with snapshots (databases, volumes), not secrets or keys. */
const KEEPS = {
  DeletionPolicy: ['Retain', 'RetainExceptOnCreate'],
  UpdateReplacePolicy: ['Retain'],
};

/**
 * A secret or key synthesized with DeletionPolicy Delete is destroyed when it leaves the stack, with its data; with
 * UpdateReplacePolicy Delete (CloudFormation's default when the attribute is absent) the old one is destroyed when a
 * property change replaces it (a new Name, key spec or multi-region flag).
 */
export const deletionPolicy: GuardRule<CfnElement> = {
  id: 'keyward:retention-deletion-policy',
  description: 'secret or key is destroyed with the stack or on replacement (DeletionPolicy or UpdateReplacePolicy is not Retain)',
  fix: 'use RemovalPolicy.RETAIN (the Keyward default: DeletionPolicy and UpdateReplacePolicy Retain) or acknowledge this rule with the reason the data may be destroyed',
  check: (e) => {
    if (e.section !== 'Resources' || !e.type || !RETAINED_TYPES.includes(e.type)) {
      return [];
    }
    const hits: RuleHit[] = [];
    for (const attribute of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
      const policy = e.body[attribute] ?? 'Delete';
      if (KEEPS[attribute].includes(policy)) {
        continue;
      }
      const when = attribute === 'DeletionPolicy' ? 'when it leaves the stack' : 'when an update replaces it';
      const detail = policy === 'Snapshot'
        ? `${attribute} Snapshot is not valid for ${e.type} (only resources with snapshots support it): nothing keeps its data`
        : `${attribute} ${typeof policy === 'string' ? policy : JSON.stringify(policy)}${e.body[attribute] === undefined ? ' (the default)' : ''} on ${e.type}: it is destroyed ${when}`;
      hits.push({ propertyPath: attribute, detail });
    }
    return hits;
  },
};
