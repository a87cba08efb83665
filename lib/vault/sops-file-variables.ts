import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { TerraformStack, TerraformVariable } from 'cdktf';
import { fail } from '../core/errors';
import { EnvExample } from '../core/env-example';
import { readSopsFile, sopsFormatOf } from '../core/sops-file';
import { SopsFileFormat } from '../core/sops-format';
import { findStackRegistry, stackRegistry } from './private/registry';

/** Settings of {@link SopsFileVariables}. */
export interface SopsFileVariablesProps {
  /** Path of the SOPS-encrypted file, relative to where synthesis (and `sops exec-env`) runs. */
  readonly path: string;
  /**
   * The file's layout: `sops exec-env` exports the top-level keys of a dotenv, JSON or YAML file.
   * @default - from the file name (`.env` dotenv, `.json` JSON, `.yaml`/`.yml` YAML)
   */
  readonly format?: SopsFileFormat;
  /**
   * The keys of the file that become fields of the secret.
   * @default - every top-level key of the file
   */
  readonly keys?: string[];
}

const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The keys of a SOPS-encrypted file as Terraform variables that are **sensitive and ephemeral** (Terraform >= 1.10):
 * their values are in neither state nor a saved plan file, and only reach write-only attributes. The values travel the
 * way SOPS users run Terraform: `sops exec-env <file> '<TF_VAR_… assignments> terraform apply'` (see
 * {@link SopsFileVariables.execCommand}). The file is read at synth only for its key names and its content hash,
 * never decrypted; give it to a `SecretPath` as `sopsFile`.
 */
export class SopsFileVariables extends Construct {
  /**
   * The one command that runs `terraformCommand` with the values of every SOPS file of `stack`: nested
   * `sops exec-env` calls, each mapping its file's keys to their `TF_VAR_` names.
   */
  public static execCommandFor(stack: TerraformStack, terraformCommand: string = 'terraform apply'): string {
    // The files are kept in the stack's registry (shared by every copy of Keyward in the app), in declaration order.
    const all = findStackRegistry(stack)?.sopsFiles ?? [];
    return all.reduceRight((inner, files) => files.execCommand(inner), terraformCommand);
  }

  /** The encrypted file. */
  public readonly file: string;
  /** The file keys that become fields, in file order. */
  public readonly keys: string[];
  /** The variable of each file key. */
  public readonly variables: { [fileKey: string]: TerraformVariable };
  /** SHA-256 of the encrypted file (hex): any edit made with sops changes it. */
  public readonly contentHash: string;
  /**
   * The `data_json_wo_version` for the file's content: the first 48 bits of its content hash. A changed file writes a
   * new version; an unchanged one plans nothing.
   */
  public readonly version: number;
  /** The Terraform variable name of each file key. */
  private readonly names: { [fileKey: string]: string };

  constructor(scope: Construct, id: string, props: SopsFileVariablesProps) {
    super(scope, id);
    this.file = props.path.split(path.sep).join('/');
    const format = props.format ?? sopsFormatOf(props.path);
    if (format === SopsFileFormat.BINARY) {
      fail(this, 'sops-file', `${this.file} is a binary SOPS file; sops exec-env exports the keys of a dotenv, JSON or YAML file`);
    }
    const { info, problems } = readSopsFile(props.path, format);
    if (!info) {
      fail(this, 'sops-file', problems.join('; '));
    }
    const keys = props.keys ?? info.keys;
    if (keys.length === 0) {
      fail(this, 'sops-file', `${this.file} has no keys`);
    }
    for (const key of keys) {
      if (!info.keys.includes(key)) {
        fail(this, 'sops-file', `${this.file} has no key "${key}" (its keys: ${info.keys.join(', ') || 'none'})`);
      }
      if (!SHELL_NAME.test(key)) {
        fail(this, 'sops-file', `key "${key}" of ${this.file} is not a shell variable name, so sops exec-env cannot pass it on; rename it`);
      }
      if (info.unencryptedKeys.includes(key)) {
        fail(this, 'sops-file', `${this.file} holds "${key}" unencrypted (unencrypted_suffix/regex): that value is plaintext in the repository`);
      }
    }
    this.keys = [...keys];
    this.contentHash = info.contentHash;
    this.version = parseInt(info.contentHash.slice(0, 12), 16) || 1;

    const prefix = id.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toLowerCase();
    this.names = Object.fromEntries(this.keys.map(k => [k, `${prefix}_${k}`]));
    this.variables = {};
    for (const key of this.keys) {
      const variable = new TerraformVariable(this, key, {
        type: 'string',
        sensitive: true,
        nullable: false,
        description: `Key ${key} of the SOPS-encrypted file ${this.file}; set by: ${this.execCommand()}`,
      });
      variable.overrideLogicalId(this.names[key]);
      // Terraform >= 1.10: the value stays out of state and saved plan files (cdktf 0.21 has no prop for it).
      variable.addOverride('ephemeral', true);
      this.variables[key] = variable;
    }
    stackRegistry(this).sopsFiles.push(this);
  }

  /** The `TF_VAR_` environment variable of each file key (what `sops exec-env` maps). */
  public environmentMapping(): { [tfVarName: string]: string } {
    return Object.fromEntries(this.keys.map(k => [`TF_VAR_${this.names[k]}`, k]));
  }

  /** `sops exec-env <file> '<TF_VAR_x="$KEY" …> <terraformCommand>'`: runs `terraformCommand` with this file's values. */
  public execCommand(terraformCommand: string = 'terraform apply'): string {
    const assignments = this.keys.map(k => `TF_VAR_${this.names[k]}="$${k}"`);
    return `sops exec-env ${shellQuote(this.file)} ${shellQuote(`${assignments.join(' ')} ${terraformCommand}`)}`;
  }

  /**
   * Write a `.env.example` listing the file's key names (never a value) for local development, e.g. next to the
   * workload's code. Returns the text written.
   */
  public writeEnvExample(outputPath: string): string {
    const text = EnvExample.forNames(this.keys);
    EnvExample.write(outputPath, `# Keys of ${this.file} (SOPS-encrypted). Run: sops exec-env ${this.file} '<command>'\n${text}`);
    return fs.readFileSync(outputPath, 'utf8');
  }
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
