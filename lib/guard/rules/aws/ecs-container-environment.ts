import { PLAINTEXT_FIX_AWS } from '../../private/format';
import { CfnElement, GuardRule, RuleHit, hitsFrom } from '../../private/rule';
import { findDynamicSecretReferences, findSecrets } from '../../private/walk';

/** ECS `Environment` (and command lines) are plain text in the task definition; `Secrets` is the place for secrets. */
export const ecsContainerEnvironment: GuardRule<CfnElement> = {
  id: 'keyward:plaintext-ecs-environment',
  description: 'ECS container environment or command holds a plaintext secret',
  fix: `${PLAINTEXT_FIX_AWS}; pass it with ecs.Secret.fromSecretsManager (container "Secrets"), not "Environment"`,
  check: (e) => {
    if (e.type !== 'AWS::ECS::TaskDefinition') {
      return [];
    }
    const containers: any[] = e.body.Properties?.ContainerDefinitions ?? [];
    const hits: RuleHit[] = [];
    containers.forEach((c, i) => {
      const base = `Properties.ContainerDefinitions[${i}]`;
      hits.push(...hitsFrom([...findSecrets(c?.Environment, `${base}.Environment`), ...findDynamicSecretReferences(c?.Environment, `${base}.Environment`)]));
      for (const field of ['Command', 'EntryPoint']) {
        const parts = c?.[field];
        // A command is one line split into words: scan it joined so that `--password x` is seen as an assignment.
        if (Array.isArray(parts) && parts.every((p) => typeof p === 'string')) {
          hits.push(...hitsFrom(findSecrets(`${parts.join(' ')}\n`, `${base}.${field}`)));
        }
      }
    });
    return hits;
  },
};
