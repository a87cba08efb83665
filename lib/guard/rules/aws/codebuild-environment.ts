import { PLAINTEXT_FIX_AWS } from '../../private/format';
import { CfnElement, GuardRule, RuleHit, hitsFrom } from '../../private/rule';
import { findDynamicSecretReferences, findSecrets } from '../../private/walk';

/** PLAINTEXT CodeBuild variables are shown in the console and the project definition; secrets use SECRETS_MANAGER. */
export const codebuildEnvironment: GuardRule<CfnElement> = {
  id: 'keyward:plaintext-codebuild-environment',
  description: 'CodeBuild PLAINTEXT environment variable or inline buildspec holds a plaintext secret',
  fix: `${PLAINTEXT_FIX_AWS}; use a SECRETS_MANAGER environment variable (type BuildEnvironmentVariableType.SECRETS_MANAGER)`,
  check: (e) => {
    if (e.type !== 'AWS::CodeBuild::Project') {
      return [];
    }
    const hits: RuleHit[] = [];
    const vars: any[] = e.body.Properties?.Environment?.EnvironmentVariables ?? [];
    vars.forEach((v, i) => {
      // SECRETS_MANAGER and PARAMETER_STORE values are names of secrets, not secrets.
      if (v && (v.Type === undefined || v.Type === 'PLAINTEXT')) {
        const at = `Properties.Environment.EnvironmentVariables[${i}].Value`;
        hits.push(...hitsFrom([...findSecrets(v.Value, at, v.Name), ...findDynamicSecretReferences(v.Value, at)]));
      }
    });
    const buildSpec = e.body.Properties?.Source?.BuildSpec;
    if (buildSpec !== undefined) {
      hits.push(...hitsFrom(findSecrets(typeof buildSpec === 'string' ? `${buildSpec}\n` : buildSpec, 'Properties.Source.BuildSpec')));
    }
    return hits;
  },
};
