// Public (jsii) surface of the guards: plaintext secrets in the synthesized output (AWS and Terraform) and secrets or
// keys lost to a refactor (`keyward diff`). Rules live one per file under rules/, packs compose them in private/packs.ts;
// everything under private/ is internal and imported by path.
export * from './finding';
export * from './aws-guard';
export * from './terraform-guard';
export * from './guard-acknowledgements';
export * from './data-loss-change';
export * from './data-loss-diff';
