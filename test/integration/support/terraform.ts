/**
 * Terraform against a synthesized cdk.tf.json: copied into a scratch directory together with an override file
 * (Terraform's own merge mechanism, https://developer.hashicorp.com/terraform/language/files/override) that carries
 * only what the test environment must change, so the copy of Keyward's output itself is byte-identical.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Engines } from './engines';
import { run, RunResult, runOk } from './process';

export class TerraformDir {
  public readonly dir: string;

  constructor(private readonly eng: Engines, private readonly env: NodeJS.ProcessEnv, label: string) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `keyward-tf-${label}-`));
  }

  /** Copies a cdk.tf.json (and any files cdktf put beside it) into the scratch dir. */
  public useConfig(tfJsonPath: string): void {
    fs.copyFileSync(tfJsonPath, path.join(this.dir, 'cdk.tf.json'));
  }

  public writeConfig(json: unknown): void {
    fs.writeFileSync(path.join(this.dir, 'cdk.tf.json'), JSON.stringify(json, null, 2));
  }

  public config(): any {  
    return JSON.parse(fs.readFileSync(path.join(this.dir, 'cdk.tf.json'), 'utf8'));
  }

  /**
   * Writes override.tf.json: state in the scratch dir (cdktf writes an absolute local-backend path into the repo),
   * and the vault provider pinned to the version setup-engines.sh built.
   */
  public writeOverride(extra: { [key: string]: unknown } = {}): void {
    const override: { [key: string]: unknown } = {
      terraform: {
        backend: { local: { path: 'terraform.tfstate' } },
        required_providers: { vault: { source: 'hashicorp/vault', version: this.eng.vaultProviderVersion } },
      },
      ...extra,
    };
    fs.writeFileSync(path.join(this.dir, 'override.tf.json'), JSON.stringify(override, null, 2));
  }

  /**
   * writeOverride for a configuration with exactly one JWT auth backend: it validates tokens with `publicKeyPem` (a
   * test issuer's key) instead of the discovery URL, which the loopback-only machine cannot reach. Vault stores the
   * PEM without its trailing newline; trimming avoids a perpetual diff.
   */
  public writeOverrideTrustingKey(publicKeyPem: string): void {
    const backends = Object.keys(this.config().resource.vault_jwt_auth_backend ?? {});
    if (backends.length !== 1) {
      throw new Error(`expected one vault_jwt_auth_backend in ${this.dir}, found ${backends.length}`);
    }
    this.writeOverride({
      resource: {
        vault_jwt_auth_backend: { [backends[0]]: { oidc_discovery_url: null, jwt_validation_pubkeys: [publicKeyPem.trimEnd()] } },
      },
    });
  }

  public tf(args: string[], extraEnv: NodeJS.ProcessEnv = {}): RunResult {
    return run(this.eng.terraform, args, { cwd: this.dir, env: { ...this.env, TF_IN_AUTOMATION: '1', ...extraEnv } });
  }

  public tfOk(args: string[], extraEnv: NodeJS.ProcessEnv = {}): RunResult {
    return runOk(this.eng.terraform, args, { cwd: this.dir, env: { ...this.env, TF_IN_AUTOMATION: '1', ...extraEnv } });
  }

  public init(): RunResult {
    return this.tfOk(['init', '-input=false', '-no-color']);
  }

  public apply(extraEnv: NodeJS.ProcessEnv = {}): RunResult {
    return this.tfOk(['apply', '-input=false', '-no-color', '-auto-approve'], extraEnv);
  }

  /** `terraform plan -detailed-exitcode`: 0 = no changes, 2 = changes, 1 = error (thrown). */
  public plan(extraEnv: NodeJS.ProcessEnv = {}): { exitCode: number; output: string; json: any } {  
    const r = this.tf(['plan', '-input=false', '-no-color', '-detailed-exitcode', '-out=plan.bin'], extraEnv);
    if (r.status !== 0 && r.status !== 2) throw new Error(`terraform plan failed (${r.status})\n${r.stdout}\n${r.stderr}`);
    const show = this.tfOk(['show', '-json', 'plan.bin'], extraEnv);
    return { exitCode: r.status, output: r.stdout + r.stderr, json: JSON.parse(show.stdout) };
  }

  public stateText(): string {
    return fs.readFileSync(path.join(this.dir, 'terraform.tfstate'), 'utf8');
  }

  public remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
