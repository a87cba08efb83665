/**
 * A second opinion on the guards: gitleaks (built from the Go module proxy by scripts/setup-engines.sh) scans the
 * synthesized outputs of the examples (cdk.out/, cdktf.out/) and of a corpus run (every leak of the detection corpus
 * planted in an AWS app and a CDKTF app, across channels). Every secret gitleaks finds must also be found by the guard
 * rules, or be in test/integration/second-opinion-reviewed.json with a reason. The corpus run also measures the
 * guards' end-to-end recall on the planted leaks.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnOutput, CfnResource, Fn, Stack } from 'aws-cdk-lib';
import * as s3Assets from 'aws-cdk-lib/aws-s3-assets';
import { App as TfApp, TerraformLocal, TerraformStack, TerraformVariable } from 'cdktf';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { templateElements } from '../../lib/guard/private/aws-check';
import { runRules } from '../../lib/guard/private/evaluate';
import { outputFiles } from '../../lib/guard/private/output-files';
import { AWS_PLAINTEXT_RULES, TERRAFORM_PLAINTEXT_RULES } from '../../lib/guard/private/packs';
import { GuardRule } from '../../lib/guard/private/rule';
import { terraformBlocks } from '../../lib/guard/private/terraform-check';
import { outputFile } from '../../lib/guard/rules/output-file';
import { REPO_ROOT } from './support/engines';
import { CDK_OUT, CDKTF_OUT } from './support/outputs';
import { run } from './support/process';

interface Case {
  readonly category: string;
  readonly expect: 'leak' | 'benign';
  readonly value: string;
  readonly name?: string;
  readonly text?: boolean;
}
interface GitleaksFinding {
  readonly RuleID: string;
  readonly File: string;
  readonly StartLine: number;
  readonly Secret: string;
}
interface Reviewed {
  readonly rule: string;
  /** Regex on the file path relative to the scanned directory. */
  readonly file: string;
  /** Regex the whole secret must match: an entry explains one shape of value, never a whole file. */
  readonly secret: string;
  readonly reason: string;
}

const GITLEAKS = process.env.KEYWARD_GITLEAKS ?? '';
// The corpus apps are deliberately not deployable (placeholder Lambda code, tags over 256 characters): skip aws-cdk-lib's
// own template validation, which would only print warnings about that.
process.env.CDK_VALIDATION = 'false';
const reviewed: Reviewed[] = JSON.parse(fs.readFileSync(path.join(__dirname, 'second-opinion-reviewed.json'), 'utf-8')).reviewed;
const cases: Case[] = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'guard', 'corpus-categories.json'), 'utf-8')).cases;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-second-opinion-'));

beforeAll(() => {
  if (!GITLEAKS || !fs.existsSync(GITLEAKS)) {
    throw new Error('KEYWARD_GITLEAKS is not set or missing: run through scripts/test-integration.sh (setup-engines builds gitleaks)');
  }
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function gitleaks(dir: string): GitleaksFinding[] {
  const report = path.join(tmp, `gitleaks-${path.basename(dir)}-${Date.now()}.json`);
  const r = run(GITLEAKS, ['dir', dir, '--no-banner', '--no-color', '--log-level', 'error', '--report-format', 'json', '--report-path', report, '--exit-code', '0']);
  if (r.status !== 0) {
    throw new Error(`gitleaks failed (${r.status}): ${r.stderr}`);
  }
  return JSON.parse(fs.readFileSync(report, 'utf-8'));
}

/** The secrets the guard rules find in every file of a synthesized output (unmasked: test only). */
function guardSecrets(dir: string): string[] {
  const secrets: string[] = [];
  const files = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(d, e.name)) : [path.join(d, e.name)]));
  for (const f of files(dir)) {
    if (f.endsWith('.template.json')) {
      const hits = runRules(templateElements(JSON.parse(fs.readFileSync(f, 'utf-8'))), AWS_PLAINTEXT_RULES);
      secrets.push(...hits.map((h) => h.hit.secret ?? ''));
    } else if (path.basename(f) === 'cdk.tf.json') {
      const hits = runRules(terraformBlocks(JSON.parse(fs.readFileSync(f, 'utf-8'))), TERRAFORM_PLAINTEXT_RULES);
      secrets.push(...hits.map((h) => h.hit.secret ?? ''));
    }
  }
  secrets.push(...runRules(outputFiles(dir).files, [outputFile as GuardRule<unknown>]).map((h) => h.hit.secret ?? ''));
  return secrets.filter((s) => s !== '');
}

/** A secret is covered when a guard finding holds it, is held by it, or holds it base64-encoded. */
function covered(secret: string, guard: string[]): boolean {
  const s = secret.trim();
  return guard.some((g) => g.includes(s) || s.includes(g) || Buffer.from(g, 'base64').toString('utf-8').includes(s));
}

/**
 * The content hashes of the assets the output's asset manifests declare (`<hash>` keys of `files` and
 * `dockerImages`): the CDK names asset objects (S3Key, objectKey, a custom resource's FileHash) after them.
 */
function assetHashes(dir: string): Set<string> {
  const hashes = new Set<string>();
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.assets.json')) : []) {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf-8'));
    for (const id of [...Object.keys(manifest.files ?? {}), ...Object.keys(manifest.dockerImages ?? {})]) hashes.add(id);
  }
  return hashes;
}

function compare(label: string, dir: string): void {
  const found = gitleaks(dir);
  const guard = guardSecrets(dir);
  const assets = assetHashes(dir);
  const rel = (f: string) => path.relative(dir, f).split(path.sep).join('/');
  const missed = found.filter((f) => !covered(f.Secret, guard));
  // Explained: a reviewed pattern, or exactly the content hash of an asset this output declares (plus an extension).
  const explained = missed.filter((m) =>
    assets.has(m.Secret.trim().replace(/\.[a-z0-9]+$/i, ''))
    || reviewed.some((r) => r.rule === m.RuleID && new RegExp(r.file).test(rel(m.File)) && new RegExp(`^(?:${r.secret})$`).test(m.Secret)),
  );
  const unexplained = missed.filter((m) => !explained.includes(m));
  process.stdout.write(
    `second opinion on ${label}: gitleaks ${found.length} finding(s), the guard ${guard.length}; ` +
      `gitleaks-only ${missed.length} (${explained.length} in the reviewed list)\n` +
      unexplained.map((m) => `  MISSED ${m.RuleID} ${rel(m.File)}:${m.StartLine} (${m.Secret.length} chars)\n`).join(''),
  );
  expect(unexplained.map((m) => `${m.RuleID} ${rel(m.File)}:${m.StartLine}`)).toEqual([]);
}

test('examples: everything gitleaks finds in cdk.out/ and cdktf.out/ the guard finds too', () => {
  compare('cdk.out', CDK_OUT);
  compare('cdktf.out', CDKTF_OUT);
});

/** Plant every case (leaks, or benign values) of the corpus in an AWS app, channel by channel, and synthesize it. */
function corpusAwsApp(leaks: Case[], label = 'corpus'): string {
  const outdir = path.join(tmp, `${label}-cdk.out`);
  const app = new App({ outdir });
  const stack = new Stack(app, 'Corpus');
  const assetDir = fs.mkdtempSync(path.join(tmp, 'asset-src-'));
  const env: { [k: string]: string }[] = [];
  leaks.forEach((c, i) => {
    const name = c.name ?? `VALUE_${i}`;
    if (c.text) {
      if (i % 2 === 0) {
        fs.writeFileSync(path.join(assetDir, `script-${i}.sh`), c.value);
      } else {
        new CfnResource(stack, `Host${i}`, { type: 'AWS::EC2::Instance', properties: { ImageId: 'ami-12345678', UserData: Fn.base64(c.value) } });
      }
      return;
    }
    switch (i % 5) {
      case 0:
        (env[Math.floor(i / 50)] ??= {})[name.replace(/[^A-Za-z0-9_]/g, '_')] = c.value;
        break;
      case 1:
        new CfnOutput(stack, `Out${i}`, { value: c.value });
        break;
      case 2:
        new CfnResource(stack, `Param${i}`, { type: 'AWS::SSM::Parameter', properties: { Type: 'String', Name: `/corpus/${name}`, Value: c.value } });
        break;
      case 3:
        new CfnResource(stack, `Tagged${i}`, { type: 'AWS::S3::Bucket', properties: { Tags: [{ Key: name, Value: c.value }] } });
        break;
      default:
        new CfnResource(stack, `Sub${i}`, { type: 'AWS::S3::Bucket', properties: { BucketName: Fn.sub('b-${V}', { V: c.value }) } });
    }
  });
  env.forEach((variables, i) =>
    new CfnResource(stack, `Fn${i}`, { type: 'AWS::Lambda::Function', properties: { Role: 'arn:aws:iam::123456789012:role/x', Code: { ZipFile: 'x' }, Environment: { Variables: variables } } }),
  );
  // A staged asset directory (copied into the assembly as asset.<hash>/).
  new s3Assets.Asset(stack, 'Scripts', { path: assetDir });
  app.synth();
  return outdir;
}

/** Plant every (non-text) leak in a CDKTF app: locals and variable defaults. */
function corpusTerraformApp(leaks: Case[], label = 'corpus'): string {
  const outdir = path.join(tmp, `${label}-cdktf.out`);
  const app = new TfApp({ outdir });
  const stack = new TerraformStack(app, 'corpus');
  new VaultProvider(stack, 'vault', { address: 'https://vault.example.com:8200' });
  leaks.forEach((c, i) => {
    const name = (c.name ?? `value_${i}`).replace(/[^A-Za-z0-9_]/g, '_');
    if (i % 2 === 0) {
      new TerraformLocal(stack, `${name}_${i}`, { [name]: c.value });
    } else {
      new TerraformVariable(stack, `${name}_${i}`, { type: 'string', default: c.value });
    }
  });
  app.synth();
  return outdir;
}

test('corpus run: every planted leak is found by the guards, and everything gitleaks finds the guards find too', () => {
  const leaks = cases.filter((c) => c.expect === 'leak');
  const cdkOut = corpusAwsApp(leaks);
  const tfOut = corpusTerraformApp(leaks.filter((c) => !c.text));
  const guard = [...guardSecrets(cdkOut), ...guardSecrets(tfOut)];
  const plantedCaught = leaks.filter((c) => guard.some((g) => c.value.includes(g) || g.includes(c.value.trim())));
  process.stdout.write(`corpus run: the guards found ${plantedCaught.length}/${leaks.length} planted leaks (recall ${(plantedCaught.length / leaks.length).toFixed(3)})\n`);
  expect(plantedCaught.length / leaks.length).toBeGreaterThanOrEqual(0.95);
  compare('corpus cdk.out', cdkOut);
  compare('corpus cdktf.out', tfOut);
});

test('corpus run: benign near-misses planted the same way are not reported (end-to-end false-positive rate)', () => {
  const benign = cases.filter((c) => c.expect === 'benign');
  const guard = [...guardSecrets(corpusAwsApp(benign, 'benign')), ...guardSecrets(corpusTerraformApp(benign.filter((c) => !c.text), 'benign'))];
  const flagged = benign.filter((c) => guard.some((g) => c.value.includes(g)));
  process.stdout.write(
    `corpus run: the guards flagged ${flagged.length}/${benign.length} planted benign values (FPR ${(flagged.length / benign.length).toFixed(3)})\n` +
      flagged.map((c) => `  ${c.category}${c.name ? ` [${c.name}]` : ''}\n`).join(''),
  );
  expect(flagged.length / benign.length).toBeLessThanOrEqual(0.02);
});
