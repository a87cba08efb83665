import { Construct, IConstruct } from 'constructs';
import { Lazy, Token } from 'cdktf';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { fail, failOnProblems } from '../core/errors';
import { uniqueNameFromPath, validateCidr, validatePolicyName, validateSimpleName, validateTtl } from '../core/vault-names';
import { VaultPolicyDocument, VaultPolicyRule } from './policy-document';
import { reasonProblem } from '../core/reason';
import { policyRuleProblem } from './private/policy';
import { claimInApp } from './private/registry';

/**
 * A Vault workload: an identity that logs in to Vault (a JWT/OIDC, AppRole, Kubernetes or AWS-IAM role) and gets
 * exactly one `vault_policy`, holding exactly what it was granted.
 */
export interface IVaultWorkload extends IConstruct {
  /** The name of the workload's `vault_policy`. */
  readonly policyName: string;
  /** The workload's policy, as rendered into its `vault_policy` at synth. */
  readonly policyDocument: VaultPolicyDocument;
  /** Add a rule to the workload's policy. Grants call this; prefer `secret.grantRead(workload)` and friends. */
  addToPolicy(rule: VaultPolicyRule): void;
}

/** Settings shared by every workload. */
export interface VaultWorkloadProps {
  /**
   * Name of the workload's `vault_policy`. Must be unique in Vault: across every stack of the app in the same Vault
   * namespace (`duplicate-path`), since a second policy of one name rewrites the first.
   * @default - derived from the construct path, path segments joined by `--`, e.g. `payments-vault--deploy` (a short
   *            hash of the path is appended when an id holds other characters than letters, digits, `_` and single `-`)
   */
  readonly policyName?: string;
  /**
   * Name of the auth role the workload logs in with. Must be unique in its auth backend path, across the app's stacks
   * in the same Vault namespace.
   * @default - the same as the policy name
   */
  readonly roleName?: string;
  /**
   * Lifetime of the tokens the workload receives, in seconds.
   * @default 900 (15 minutes)
   */
  readonly tokenTtlSeconds?: number;
  /**
   * Longest lifetime of a token after renewals, in seconds. Must be at least `tokenTtlSeconds`.
   * @default 3600 (1 hour)
   */
  readonly tokenMaxTtlSeconds?: number;
  /**
   * CIDR blocks the workload's tokens may be used from.
   * @default - tokens may be used from any address
   */
  readonly tokenBoundCidrs?: string[];
  /**
   * Also attach Vault's built-in `default` policy to the workload's tokens, and say why (at least 20 visible
   * characters; kept in the construct metadata). The `default` policy grants cubbyhole, `sys/tools/hash`, response
   * wrapping, token self-lookup and whatever an operator later adds to it: a grant nobody declared here.
   * @default - tokens carry only the workload's own policy (`token_no_default_policy = true`)
   */
  readonly defaultPolicyReason?: string;
}

/** Default token lifetime: 15 minutes. */
const DEFAULT_TOKEN_TTL = 900;
/** Default token max lifetime: 1 hour. */
const DEFAULT_TOKEN_MAX_TTL = 3600;

/**
 * Shared logic of every workload: the one `vault_policy`, rendered lazily so that grants made after the workload was
 * created are included, and the token settings of its auth role.
 */
export abstract class VaultWorkload extends Construct implements IVaultWorkload {
  public readonly policyName: string;
  /** The name of the auth role the workload logs in with. */
  public readonly roleName: string;
  public readonly policyDocument: VaultPolicyDocument;
  /** The `vault_policy` resource. Its text is rendered at synth from `policyDocument`. */
  public readonly policy: Policy;
  /** Token lifetime in seconds. */
  public readonly tokenTtlSeconds: number;
  /** Token max lifetime in seconds. */
  public readonly tokenMaxTtlSeconds: number;

  /**
   * Whether the workload's tokens also carry Vault's `default` policy (only with `defaultPolicyReason`).
   */
  public readonly attachesDefaultPolicy: boolean;

  /** @internal the token fields every auth role takes, in provider (camelCase) form. */
  protected readonly _tokenConfig: {
    tokenTtl: number; tokenMaxTtl: number; tokenPolicies: string[]; tokenBoundCidrs?: string[]; tokenNoDefaultPolicy: boolean;
  };

  protected constructor(scope: Construct, id: string, props: VaultWorkloadProps) {
    super(scope, id);
    this.policyName = props.policyName ?? uniqueNameFromPath(this.node.path);
    this.roleName = props.roleName ?? this.policyName;
    failOnProblems(this, 'vault-name', validatePolicyName(this.policyName));
    failOnProblems(this, 'vault-name', validateSimpleName('role name', this.roleName));
    // Vault lowercases policy names: "Api" and "api" are one policy.
    claimInApp(this, 'policy', this.policyName.toLowerCase(), 'duplicate-path', 'policy name');

    this.tokenTtlSeconds = props.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL;
    this.tokenMaxTtlSeconds = props.tokenMaxTtlSeconds ?? DEFAULT_TOKEN_MAX_TTL;
    failOnProblems(this, 'token-ttl', validateTtl(this.tokenTtlSeconds, this.tokenMaxTtlSeconds));
    const cidrs = props.tokenBoundCidrs;
    if (cidrs) {
      failOnProblems(this, 'cidr', cidrs.filter((c) => !Token.isUnresolved(c)).flatMap(validateCidr));
    }

    if (props.defaultPolicyReason !== undefined) {
      const problem = reasonProblem('defaultPolicyReason', props.defaultPolicyReason, 'why the tokens need Vault\'s "default" policy');
      if (problem) {
        fail(this, 'default-policy', problem);
      }
      this.node.addMetadata('keyward:default-policy', props.defaultPolicyReason.trim());
    }
    this.attachesDefaultPolicy = props.defaultPolicyReason !== undefined;

    this.policyDocument = new VaultPolicyDocument();
    const doc = this.policyDocument;
    this.policy = new Policy(this, 'Policy', {
      name: this.policyName,
      // A policy with no rules grants nothing; Vault needs a non-empty text, so say so in a comment.
      policy: Lazy.stringValue({ produce: () => doc.render() || '# no grants\n' }),
    });

    this._tokenConfig = {
      tokenTtl: this.tokenTtlSeconds,
      tokenMaxTtl: this.tokenMaxTtlSeconds,
      // A reference, not the literal name: the role is then created after its policy.
      tokenPolicies: [this.policy.name],
      tokenBoundCidrs: cidrs,
      // Without this every token also carries Vault's "default" policy: grants nobody declared here.
      tokenNoDefaultPolicy: !this.attachesDefaultPolicy,
    };
  }

  /**
   * @internal Claim the role name in its auth backend: two workloads with one role name in one backend would be one
   * Vault role, the last apply silently replacing the other's bindings and policy.
   */
  protected _claimRoleName(backendPath: string): void {
    claimInApp(this, `role:${backendPath}`, this.roleName.toLowerCase(), 'duplicate-path', `role name in auth/${backendPath}`);
  }

  public addToPolicy(rule: VaultPolicyRule): void {
    const problem = policyRuleProblem(rule.path, rule.capabilities);
    if (problem) {
      fail(this, 'policy-rule', problem);
    }
    this.policyDocument.addRule(rule);
  }
}
