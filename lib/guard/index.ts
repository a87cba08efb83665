// Synth-time guards for both targets: plaintext secrets in the synthesized output, and secrets or keys lost to a
// refactor. Rules live one per file under rules/; packs.ts composes them.
export { Finding } from './finding';
export { AwsGuard, AwsGuardProps } from './aws-guard';
export { TerraformGuard, TerraformGuardProps } from './terraform-guard';
export { GuardAcknowledgements } from './guard-acknowledgements';
