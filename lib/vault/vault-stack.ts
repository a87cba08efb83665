import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';

/** Settings of a Vault stack. */
export interface VaultStackProps {
  /**
   * Vault Enterprise / OpenBao namespace to work in.
   * @default - the provider's default (`VAULT_NAMESPACE` if set, else the root namespace)
   */
  readonly namespace?: string;
}

/**
 * A Terraform stack with the Vault provider configured from the environment: the address and token come from
 * `VAULT_ADDR` and `VAULT_TOKEN` (or `~/.vault-token`) when Terraform runs; nothing is hard-coded. Requires
 * Terraform >= 1.11 for write-only attributes.
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
    this.vaultNamespace = props.namespace;
    this.provider = new VaultProvider(this, 'vault', { namespace: props.namespace });
    // data_json_wo is a write-only attribute: older Terraform would reject it.
    this.addOverride('terraform.required_version', '>= 1.11.0');
  }
}
