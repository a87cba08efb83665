import { isReference, stripReferences } from '../../../core/detect-reference';
import { maskSecret } from '../../../core/detect';
import { CfnElement, GuardRule, RuleHit, hitsFrom } from '../../private/rule';
import { findSecrets } from '../../private/walk';

/** A literal SecretString puts the secret value itself in the template, whatever it looks like. */
export const secretString: GuardRule<CfnElement> = {
  id: 'keyward:plaintext-secret-string',
  description: 'Secrets Manager secret has a literal SecretString: the value is in the template',
  fix: 'let Secrets Manager generate the value (GenerateSecretString) or set it out of band after deploy; keyward.aws.Secret never takes a value',
  check: (e) => {
    if (e.type !== 'AWS::SecretsManager::Secret') {
      return [];
    }
    const hits: RuleHit[] = [];
    const value = e.body.Properties?.SecretString;
    if (typeof value === 'string' && value.trim() !== '' && !isReference(value) && stripReferences(value).trim() !== '') {
      hits.push({ propertyPath: 'Properties.SecretString', detail: `literal secret value ${maskSecret(value)}`, secret: value });
    } else if (value !== undefined && typeof value !== 'string') {
      hits.push(...hitsFrom(findSecrets(value, 'Properties.SecretString', 'SecretString')));
    }
    const template = e.body.Properties?.GenerateSecretString?.SecretStringTemplate;
    if (template !== undefined) {
      hits.push(...hitsFrom(findSecrets(template, 'Properties.GenerateSecretString.SecretStringTemplate')));
    }
    return hits;
  },
};
