/** The synthesized example outputs the integration tests read (npm run synth writes them). */
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from './engines';

export const CDK_OUT = path.join(REPO_ROOT, 'cdk.out');
export const CDKTF_OUT = path.join(REPO_ROOT, 'cdktf.out');

/** Every cdk.out/*.template.json; none is an error (the AWS example must synthesize). */
export function cdkTemplates(): string[] {
  const files = fs.existsSync(CDK_OUT) ? fs.readdirSync(CDK_OUT).filter((f) => f.endsWith('.template.json')) : [];
  if (files.length === 0) throw new Error(`no templates in ${CDK_OUT}: run npm run synth`);
  return files.map((f) => path.join(CDK_OUT, f));
}

/** Every cdktf.out/stacks/<stack>/cdk.tf.json, by stack name; none is an error. */
export function cdktfStacks(): { [stack: string]: string } {
  const dir = path.join(CDKTF_OUT, 'stacks');
  const stacks: { [stack: string]: string } = {};
  if (fs.existsSync(dir)) {
    for (const s of fs.readdirSync(dir)) {
      const f = path.join(dir, s, 'cdk.tf.json');
      if (fs.existsSync(f)) stacks[s] = f;
    }
  }
  if (Object.keys(stacks).length === 0) throw new Error(`no cdk.tf.json under ${dir}: run npm run synth`);
  return stacks;
}

export interface IgnoredCheck {
  readonly id: string;
  readonly reason: string;
}

export function ignoredChecks(): { cfnLint: IgnoredCheck[]; checkov: IgnoredCheck[] } {
  const raw = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'test', 'integration', 'ignored-checks.json'), 'utf8'));
  for (const list of [raw.cfnLint, raw.checkov]) {
    for (const entry of list as IgnoredCheck[]) {
      if (!entry.id || !entry.reason || entry.reason.trim().length < 20) {
        throw new Error(`ignored-checks.json: ${JSON.stringify(entry)} needs an id and a real reason`);
      }
    }
  }
  return raw;
}
