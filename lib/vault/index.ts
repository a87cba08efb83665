// Public (jsii) surface of the Vault target: classes, interfaces and props only; helpers stay internal
// (lib/vault/private/*, lib/core/vault-names.ts) and are imported by path.
export * from './vault-stack';
export * from './policy-document';
export * from './grant';
export * from './workload';
export * from './auth-backend';
export * from './jwt-auth-backend';
export * from './approle-auth-backend';
export * from './kubernetes-auth-backend';
export * from './aws-auth-backend';
export * from './jwt-workload';
export * from './github-actions-workload';
export * from './approle-workload';
export * from './kubernetes-workload';
export * from './aws-iam-workload';
export * from './kv-store';
export * from './secret-path';
export * from './transit-engine';
export * from './transit-key';
export * from './sops-file-variables';
