import { PLAINTEXT_FIX_AWS } from '../../private/format';
import { CfnElement, GuardRule, hitsFrom } from '../../private/rule';
import { findDynamicSecretReferences } from '../../private/walk';

/**
 * Properties that services keep as plain configuration, readable by whoever may describe the resource: a
 * `{{resolve:secretsmanager:…}}` or `{{resolve:ssm-secure:…}}` reference there becomes the value at deploy. (Lambda,
 * ECS and CodeBuild environments have rules of their own; password properties such as RDS `MasterUserPassword` are
 * where such a reference belongs and are not listed.)
 */
const PLAIN_CONFIGURATION: { readonly [type: string]: readonly string[] } = {
  'AWS::Batch::JobDefinition': ['ContainerProperties', 'NodeProperties', 'EcsProperties', 'EksProperties', 'Parameters'],
  'AWS::AppRunner::Service': ['SourceConfiguration'],
  'AWS::StepFunctions::StateMachine': ['DefinitionString', 'Definition', 'DefinitionSubstitutions'],
  'AWS::SSM::Parameter': ['Value'],
  'AWS::EC2::LaunchTemplate': ['LaunchTemplateData'],
  'AWS::EC2::Instance': ['UserData'],
  'AWS::AutoScaling::LaunchConfiguration': ['UserData'],
  'AWS::Glue::Job': ['DefaultArguments', 'NonOverridableArguments'],
  'AWS::ElasticBeanstalk::Environment': ['OptionSettings'],
  'AWS::Events::Rule': ['Targets'],
};

/** A dynamic reference to a secret value in a property a service stores as plain configuration. */
export const dynamicReference: GuardRule<CfnElement> = {
  id: 'keyward:dynamic-reference-in-configuration',
  description: 'a secret dynamic reference sits in plain configuration, where CloudFormation writes the value at deploy',
  fix: `${PLAINTEXT_FIX_AWS}; pass the secret's ARN and read it at runtime, or use the service's secret setting (e.g. Batch "Secrets", App Runner "RuntimeEnvironmentSecrets")`,
  check: (e) => {
    const properties: readonly string[] | undefined = e.type === undefined ? undefined : PLAIN_CONFIGURATION[e.type];
    if (properties === undefined) {
      return [];
    }
    // An SSM SecureString holds secrets by design; only String and StringList parameters are plain.
    if (e.type === 'AWS::SSM::Parameter' && e.body.Properties?.Type === 'SecureString') {
      return [];
    }
    return hitsFrom(properties.flatMap((p: string) => findDynamicSecretReferences(e.body.Properties?.[p], `Properties.${p}`)));
  },
};
