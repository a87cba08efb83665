// Public (jsii) surface of the target-neutral core. Only classes, interfaces and enums belong here:
// free functions and helpers are imported by path (e.g. '../core/errors') and stay internal.
export { GrantAction } from './grant';
