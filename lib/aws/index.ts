// Public (jsii) surface of the AWS side. Internal helpers live in ./private and are imported by path.
export * from './grant';
export * from './secrets-key';
export * from './secret-content';
export * from './sops-file-options';
export * from './secret-rotation';
export * from './secret';
export * from './secret-group';
export * from './secret-catalog';
export * from './workload-policy';
export * from './workload';
