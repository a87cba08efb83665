import * as fs from 'fs';
import * as path from 'path';
import type * as AwsCheck from './aws-check';
import { checkOutputFiles } from './file-check';
import { KeywardInputError } from './loss/input-error';
import { AWS_DATA_LOSS_RULES, AWS_PLAINTEXT_RULES, TERRAFORM_DATA_LOSS_RULES, TERRAFORM_PLAINTEXT_RULES } from './packs';
import type * as TerraformCheck from './terraform-check';
import { Finding } from '../finding';

// Each target's checks load its peer (aws-cdk-lib, cdktf): load them only for an output of that target, so the CLI
// runs where only one target is installed.
/* eslint-disable @typescript-eslint/no-require-imports */
const awsCheck = (): typeof AwsCheck => require('./aws-check');
const terraformCheck = (): typeof TerraformCheck => require('./terraform-check');
/* eslint-enable @typescript-eslint/no-require-imports */

/** What `keyward scan` read and found. */
export interface ScanResult {
  readonly target: 'cloudformation' | 'terraform';
  /** Files read by the template/configuration rules, relative to the scanned path. */
  readonly configurations: string[];
  readonly findings: Finding[];
}

function readJson(file: string): any {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch (e) {
    throw new KeywardInputError(`${file} is not JSON: ${(e as Error).message}`);
  }
}

function walkFiles(dir: string, keep: (file: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(...walkFiles(abs, keep));
    } else if (entry.isFile() && keep(abs)) {
      out.push(abs);
    }
  }
  return out;
}

/**
 * Check a synthesized output offline with every guard rule, the way the synth-time guards do (without a construct
 * tree: construct paths come from the templates' `aws:cdk:path` / cdktf's `//` metadata, and acknowledgements are not
 * known). `source` is a cdk.out or cdktf.out directory, a CloudFormation template or a cdk.tf.json file.
 */
export function scanOutput(source: string): ScanResult {
  if (!fs.existsSync(source)) {
    throw new KeywardInputError(`${source} does not exist`);
  }
  const isDir = fs.statSync(source).isDirectory();
  const files = isDir ? walkFiles(source, (f) => f.endsWith('.template.json') || path.basename(f) === 'cdk.tf.json') : [source];
  const tf = files.filter((f) => path.basename(f) === 'cdk.tf.json');
  const cfn = files.filter((f) => !tf.includes(f));
  if (files.length === 0) {
    throw new KeywardInputError(`${source} holds no CloudFormation template (*.template.json) and no cdk.tf.json`);
  }
  const findings: Finding[] = [];
  const rel = (f: string) => (isDir ? path.relative(source, f).split(path.sep).join('/') : path.basename(f));
  for (const file of cfn) {
    const doc = readJson(file);
    if (!doc || typeof doc !== 'object' || (!doc.Resources && !doc.AWSTemplateFormatVersion)) {
      throw new KeywardInputError(`${file} is not a CloudFormation template (no Resources)`);
    }
    const stackName = path.basename(file).replace(/\.template\.json$/, '').replace(/\.json$/, '');
    findings.push(...awsCheck().checkTemplate(doc, [...AWS_PLAINTEXT_RULES, ...AWS_DATA_LOSS_RULES], undefined, stackName).findings);
  }
  for (const file of tf) {
    const stackName = path.basename(path.dirname(file));
    findings.push(...terraformCheck().checkTerraform(readJson(file), [...TERRAFORM_PLAINTEXT_RULES, ...TERRAFORM_DATA_LOSS_RULES], undefined, stackName).findings);
  }
  if (isDir) {
    findings.push(...checkOutputFiles(source, undefined).findings);
  }
  return { target: tf.length > 0 && cfn.length === 0 ? 'terraform' : 'cloudformation', configurations: files.map(rel), findings };
}
