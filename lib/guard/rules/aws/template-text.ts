import { PLAINTEXT_FIX_AWS } from '../../private/format';
import { CfnElement, GuardRule, hitsFrom } from '../../private/rule';
import { FoundSecret, walkValue } from '../../private/walk';

/**
 * Everything of a template that is not a resource property, a parameter default or an output value: the template's
 * Description, Metadata, Rules and Conditions, Mappings, resource Metadata (AWS::CloudFormation::Init files and
 * commands, ...), parameter descriptions and allowed values, output descriptions and export names. All of it is in
 * the template and readable by whoever can read the template.
 */
export const templateText: GuardRule<CfnElement> = {
  id: 'keyward:plaintext-template-text',
  description: 'template description, metadata, mapping or other non-property text holds a plaintext secret',
  fix: `${PLAINTEXT_FIX_AWS}; descriptions, metadata and mappings are plain text in the template`,
  check: (e) => {
    const found: FoundSecret[] = [];
    switch (e.section) {
      case 'Template':
      case 'Mappings':
        walkValue(e.body, '', undefined, found);
        break;
      case 'Resources': {
        const { Properties: _p, Type: _t, DeletionPolicy: _d, UpdateReplacePolicy: _u, DependsOn: _o, Condition: _c, ...rest } = e.body;
        walkValue(rest, '', undefined, found);
        break;
      }
      case 'Parameters': {
        const { Default: _d, Type: _t, NoEcho: _n, ...rest } = e.body;
        walkValue(rest, '', undefined, found);
        break;
      }
      case 'Outputs': {
        const { Value: _v, Condition: _c, ...rest } = e.body;
        walkValue(rest, '', undefined, found);
        break;
      }
    }
    return hitsFrom(found);
  },
};
