// Public (jsii) surface of the Vault target: classes, interfaces and props only; helpers stay internal.
export { VaultStack, VaultStackProps } from './vault-stack';
export { VaultPolicyDocument, VaultPolicyRule } from './policy-document';
export { VaultGrant } from './grant';
export { IVaultWorkload, VaultWorkload, VaultWorkloadProps } from './workload';
export { JwtAuthBackend, JwtAuthBackendProps } from './jwt-auth-backend';
export { AppRoleAuthBackend, AppRoleAuthBackendProps } from './approle-auth-backend';
export { KubernetesAuthBackend, KubernetesAuthBackendProps } from './kubernetes-auth-backend';
export { AwsAuthBackend, AwsAuthBackendProps } from './aws-auth-backend';
export { JwtWorkload, JwtWorkloadProps } from './jwt-workload';
export { GitHubActionsWorkload, GitHubActionsWorkloadProps } from './github-actions-workload';
export { AppRoleWorkload, AppRoleWorkloadProps } from './approle-workload';
export { KubernetesWorkload, KubernetesWorkloadProps } from './kubernetes-workload';
export { AwsIamWorkload, AwsIamWorkloadProps } from './aws-iam-workload';
export { IKvStore, KvStore, KvStoreProps, KvMountAttributes } from './kv-store';
export { ISecretPath, SecretPath, SecretPathProps } from './secret-path';
export { TransitEngine, TransitEngineProps } from './transit-engine';
export { TransitKey, TransitKeyProps } from './transit-key';
