import { GrantAction } from '../core/grant';
import { VaultPolicyDocument, VaultPolicyRule } from './policy-document';
import { IVaultWorkload } from './workload';

/**
 * What one grant added to a workload's policy: the Vault counterpart of `iam.Grant`.
 *
 * `policyText` is the HCL of this grant alone; the workload's whole policy is `workload.policyDocument.render()`.
 */
export class VaultGrant {
  /** Apply `rules` to `workload` and describe the result. */
  public static addToWorkload(workload: IVaultWorkload, actions: GrantAction[], rules: VaultPolicyRule[]): VaultGrant {
    for (const rule of rules) {
      workload.addToPolicy(rule);
    }
    return new VaultGrant(workload, actions, rules);
  }

  /** The workload that received the grant. */
  public readonly workload: IVaultWorkload;
  /** What the grant allows, in the shared vocabulary. */
  public readonly actions: GrantAction[];
  /** The policy rules the grant added. */
  public readonly rules: VaultPolicyRule[];

  private constructor(workload: IVaultWorkload, actions: GrantAction[], rules: VaultPolicyRule[]) {
    this.workload = workload;
    this.actions = actions;
    this.rules = rules;
  }

  /** The HCL of the rules this grant added (sorted, merged), e.g. `path "kv/data/app/db" { capabilities = ["read"] }`. */
  public get policyText(): string {
    return VaultPolicyDocument.renderRules(this.rules);
  }
}
