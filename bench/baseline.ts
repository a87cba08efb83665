/**
 * What a team writes without Keyward: aws-cdk-lib `Secret` + `Key`, one `secret.grantRead(role)` per secret,
 * and the same Vault resources written directly with @cdktf/provider-vault.
 */
import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sm from 'aws-cdk-lib/aws-secretsmanager';
import { App as TfApp, TerraformStack } from 'cdktf';
import { kvSecretV2, mount, policy, provider } from '@cdktf/provider-vault';

export interface AwsScenario {
  /** Number of secrets in the stack. */
  readonly secrets: number;
  /** Number of workload roles, each granted read of every secret (1 for the per-secret scaling rows). */
  readonly workloads: number;
  readonly minimizePolicies?: boolean;
}

/** Builds and synthesizes plain aws-cdk-lib; returns the assembly directory. */
export function synthPlainAws(s: AwsScenario, outdir: string): string {
  const app = new cdk.App({
    outdir,
    // The 500-resource check is lifted so that synthesis time can be measured past it; the table marks stacks that
    // CloudFormation would refuse.
    context: { '@aws-cdk/core:stackResourceLimit': 0, ...(s.minimizePolicies ? { '@aws-cdk/aws-iam:minimizePolicies': true } : {}) },
  });
  const stack = new cdk.Stack(app, 'Bench', { env: { account: '123456789012', region: 'us-east-1' } });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const roles = Array.from({ length: s.workloads }, (_, i) =>
    new iam.Role(stack, `Workload${i}`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
  for (let i = 0; i < s.secrets; i++) {
    const secret = new sm.Secret(stack, `Secret${i}`, { encryptionKey: key, secretName: `svc/secret-${i}` });
    for (const role of roles) secret.grantRead(role);
  }
  app.synth();
  return outdir;
}

/** The same Vault job with raw provider resources: one KV mount, N secret paths, one policy listing every path. */
export function synthPlainVault(n: number, outdir: string): void {
  const app = new TfApp({ outdir });
  const stack = new TerraformStack(app, 'bench');
  new provider.VaultProvider(stack, 'vault', {});
  const kv = new mount.Mount(stack, 'kv', { path: 'kv', type: 'kv-v2' });
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    new kvSecretV2.KvSecretV2(stack, `s${i}`, { mount: kv.path, name: `svc/secret-${i}`, dataJson: '{}' });
    lines.push(`path "kv/data/svc/secret-${i}" {\n  capabilities = ["read"]\n}`);
  }
  new policy.Policy(stack, 'reader', { name: 'reader', policy: lines.join('\n') });
  app.synth();
}
