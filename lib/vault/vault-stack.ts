import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';

/** Settings of a Vault stack. */
export interface VaultStackProps {
  /**
   * Vault Enterprise / OpenBao namespace to work in.
   * @default - the provider's default (`VAULT_NAMESPACE` if set, else the root namespace)
   */
  readonly vaultNamespace?: string;
}

/**
 * The Terraform and OpenTofu versions a Vault stack declares (write-only attributes exist from 1.11 on both).
 */
const TARGET_VERSIONS = { terraform: '>=1.11.0', opentofu: '>=1.11.0' };

/**
 * A Terraform stack with the Vault provider configured from the environment: the address and token come from
 * `VAULT_ADDR` and `VAULT_TOKEN` (or `~/.vault-token`) when Terraform runs; nothing is hard-coded. Requires
 * Terraform or OpenTofu >= 1.11 for write-only attributes.
 *
 * Runs on CDK for Terraform (`cdktf`) and CDK Terrain (`cdktn`). CDK Terrain checks every provider feature a resource
 * uses against the project's declared `targetVersions` (cdktf.json) and, when none are declared, assumes every
 * Terraform and OpenTofu release, so write-only attributes fail synthesis there. A stack declares
 * `{ terraform: ">=1.11.0", opentofu: ">=1.11.0" }` for itself unless the app already declared target versions
 * (then those stand, and a range below 1.11 is reported by CDK Terrain as it should be).
 */
export class VaultStack extends TerraformStack {
  /** The Vault provider. */
  public readonly provider: VaultProvider;
  /**
   * The Vault namespace the stack works in. Policy and role names must be unique across the app's stacks that share
   * a namespace (the default: one Vault).
   */
  public readonly vaultNamespace?: string;

  constructor(scope: Construct, id: string, props: VaultStackProps = {}) {
    super(scope, id);
    if (this.node.tryGetContext('targetVersions') === undefined) {
      this.node.setContext('targetVersions', TARGET_VERSIONS);
    }
    this.vaultNamespace = props.vaultNamespace;
    this.provider = new VaultProvider(this, 'vault', { namespace: props.vaultNamespace });
    // data_json_wo is a write-only attribute: older Terraform would reject it.
    this.addOverride('terraform.required_version', '>= 1.11.0');
  }
}
