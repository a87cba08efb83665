// Public (jsii) surface of the AWS side. Named exports only: helpers in these files stay internal.
export { AccessTag, KeywardGrant, KeywardGrantProps } from './grant';
export { ISecretsKey, SecretsKey, SecretsKeyBase, SecretsKeyProps } from './secrets-key';
export { GeneratedValueOptions, SecretContent, SecretValueSource } from './secret-content';
export { SecretRotation, SecretRotationKind, SecretRotationOptions } from './secret-rotation';
export { ImportedSecretOptions, ISecret, Secret, SecretBase, SecretProps, SecretReplica } from './secret';
export { SecretGroup, SecretGroupProps } from './secret-group';
export { SecretCatalog, SecretCatalogProps } from './secret-catalog';
export { WorkloadPolicy, WorkloadPolicyOptions } from './workload-policy';
export { ContainerSecretOptions, LambdaSecretOptions, RoleSecretOptions, Workload } from './workload';
