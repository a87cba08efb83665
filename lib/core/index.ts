// Public (jsii) surface of the target-neutral core. jsii publishes classes, interfaces and enums; free functions in
// these modules (e.g. describeActions) are not part of the jsii assembly and are imported by path internally.
export * from './grant';
export * from './sops-format';
export * from './env-example';
