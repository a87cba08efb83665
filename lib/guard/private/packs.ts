import { anyProperty } from '../rules/aws/any-property';
import { codebuildEnvironment } from '../rules/aws/codebuild-environment';
import { customResource } from '../rules/aws/custom-resource';
import { deletionPolicy } from '../rules/aws/deletion-policy';
import { dynamicReference } from '../rules/aws/dynamic-reference';
import { ec2UserData } from '../rules/aws/ec2-user-data';
import { ecsContainerEnvironment } from '../rules/aws/ecs-container-environment';
import { lambdaEnvironment } from '../rules/aws/lambda-environment';
import { outputValue } from '../rules/aws/output-value';
import { parameterDefault } from '../rules/aws/parameter-default';
import { secretString } from '../rules/aws/secret-string';
import { sopsSource } from '../rules/aws/sops-source';
import { ssmStringParameter } from '../rules/aws/ssm-string-parameter';
import { tags } from '../rules/aws/tags';
import { templateText } from '../rules/aws/template-text';
import { attribute } from '../rules/terraform/attribute';
import { kvSecretData } from '../rules/terraform/kv-secret-data';
import { preventDestroy } from '../rules/terraform/prevent-destroy';
import { CfnElement, GuardRule, TfBlock } from './rule';

// Order matters: the first rule to report a property path owns it; the catch-alls come last.
export const AWS_PLAINTEXT_RULES: readonly GuardRule<CfnElement>[] = [
  sopsSource,
  secretString,
  lambdaEnvironment,
  ecsContainerEnvironment,
  ec2UserData,
  codebuildEnvironment,
  ssmStringParameter,
  dynamicReference,
  customResource,
  tags,
  parameterDefault,
  outputValue,
  anyProperty,
  templateText,
];
export const AWS_DATA_LOSS_RULES: readonly GuardRule<CfnElement>[] = [deletionPolicy];

export const TERRAFORM_PLAINTEXT_RULES: readonly GuardRule<TfBlock>[] = [kvSecretData, attribute];
export const TERRAFORM_DATA_LOSS_RULES: readonly GuardRule<TfBlock>[] = [preventDestroy];

/** Every rule id, for docs and the plugin's `ruleIds`. */
export const ALL_RULE_IDS: string[] = [
  ...AWS_PLAINTEXT_RULES,
  ...AWS_DATA_LOSS_RULES,
  ...TERRAFORM_PLAINTEXT_RULES,
  ...TERRAFORM_DATA_LOSS_RULES,
].map((r) => r.id);
