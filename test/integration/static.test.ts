/**
 * Static checks on every synthesized output: cfn-lint on cdk.out/*.template.json, checkov on cdk.out/ and cdktf.out/.
 * Ignores live in test/integration/ignored-checks.json, each with its reason; nothing else is ignored.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { engines, Engines } from './support/engines';
import { CDK_OUT, cdkTemplates, cdktfStacks, ignoredChecks } from './support/outputs';
import { run } from './support/process';

let eng: Engines;
beforeAll(() => {
  eng = engines();
});

interface CfnLintMatch {
  Level: string;
  Message: string;
  Filename: string;
  Location: { Start: { LineNumber: number } };
  Rule: { Id: string };
}

test('cfn-lint: 0 errors and 0 warnings on every template in cdk.out', () => {
  const templates = cdkTemplates();
  const ignored = ignoredChecks().cfnLint.map((i) => i.id);
  const r = run(eng.cfnLint, ['--format', 'json', ...(ignored.length ? ['--ignore-checks', ...ignored] : []), '--', ...templates]);
  // cfn-lint exit codes are a bit mask of error(2)/warning(4)/info(8); anything else (1, 16+) is a crash.
  if ((r.status & ~(2 | 4 | 8)) !== 0) throw new Error(`cfn-lint failed (${r.status}): ${r.stderr}${r.stdout}`);
  const matches: CfnLintMatch[] = JSON.parse(r.stdout || '[]');
  const summary = (m: CfnLintMatch) => `${m.Level} ${m.Rule.Id} ${path.basename(m.Filename ?? '')}:${m.Location.Start.LineNumber} ${m.Message}`;
  process.stdout.write(`cfn-lint on ${templates.length} template(s): ${matches.length} finding(s) after ignoring [${ignored.join(', ')}]\n`
    + matches.map((m) => `  ${summary(m)}\n`).join(''));
  expect(matches.filter((m) => m.Level === 'Error' || m.Level === 'Warning').map(summary)).toEqual([]);
});

interface CheckovCheck {
  check_id: string;
  check_name: string;
  resource: string;
  file_path: string;
  file_line_range: [number, number];
}
interface CheckovReport {
  check_type: string;
  summary: { passed: number; failed: number; skipped: number; parsing_errors: number; resource_count: number };
  results: { passed_checks: CheckovCheck[]; failed_checks: CheckovCheck[]; skipped_checks: (CheckovCheck & { check_result?: { suppress_comment?: string } })[] };
}

// The checks this issue gates on: Secrets Manager, KMS, IAM and hard-coded secrets. Other failures are printed.
const GATING_IDS = new Set([
  'CKV_AWS_149', 'CKV_AWS_7', 'CKV_AWS_33', 'CKV_AWS_62', 'CKV_AWS_63', 'CKV_AWS_107', 'CKV_AWS_108', 'CKV_AWS_109',
  'CKV_AWS_110', 'CKV_AWS_111', 'CKV_AWS_45', 'CKV_AWS_46', 'CKV_AWS_60', 'CKV_AWS_61', 'CKV_AWS_274', 'CKV_AWS_286',
  'CKV_AWS_287', 'CKV_AWS_288', 'CKV_AWS_289', 'CKV_AWS_290', 'CKV_AWS_355', 'CKV_AWS_356', 'CKV_AWS_227', 'CKV_AWS_304',
  'CKV2_AWS_57', 'CKV2_AWS_40', 'CKV2_AWS_56',
  // Lambda environment encryption: Workload.lambdaFunction skips it with a reason when the environment holds only ARNs.
  'CKV_AWS_173',
]);
const GATING_RESOURCE = /^(AWS::(SecretsManager|KMS|IAM)::|vault_)/;

function gating(report: CheckovReport, c: CheckovCheck): boolean {
  return report.check_type === 'secrets' || GATING_IDS.has(c.check_id) || GATING_RESOURCE.test(c.resource);
}

function checkov(dir: string, frameworks: string[]): CheckovReport[] {
  const skips = ignoredChecks().checkov.filter((i) => !i.id.includes(':')).map((i) => i.id);
  const r = run(eng.checkov, ['-d', dir, '--framework', ...frameworks, '-o', 'json',
    ...(skips.length ? ['--skip-check', skips.join(',')] : [])], {
    // No network: checkov would otherwise try to download its guideline mappings.
    env: { BC_SKIP_MAPPING: 'TRUE', CKV_NO_RESULT_DOWNLOAD: 'TRUE' },
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`checkov failed (${r.status}): ${r.stderr}`);
  const parsed = JSON.parse(r.stdout);
  const reports: CheckovReport[] = (Array.isArray(parsed) ? parsed : [parsed]).map((p: any) => ({  
    check_type: p.check_type ?? frameworks.join('+'),
    summary: p.summary ?? p,
    results: { passed_checks: p.results?.passed_checks ?? [], failed_checks: p.results?.failed_checks ?? [], skipped_checks: p.results?.skipped_checks ?? [] },
  }));
  return reports;
}

/**
 * checkov's secrets scanner matches on the `"aws:cdk:path": "<construct path>"` metadata lines aws-cdk-lib writes
 * (construct ids, not values). A secrets finding is dropped only if every line it points at is such a metadata line
 * (or an `aws:asset:*` metadata line beside it: the asset's staged directory name and property, e.g. a Lambda's code).
 */
function onlyCdkPathMetadata(root: string, c: CheckovCheck): boolean {
  const file = path.join(root, c.file_path);
  if (!fs.existsSync(file)) return false;
  const lines = fs.readFileSync(file, 'utf8').split('\n').slice(c.file_line_range[0] - 1, c.file_line_range[1]);
  const metadata = lines.filter((l) => /^\s*"aws:cdk:path": "[^"]*",?\s*$/.test(l));
  return metadata.length > 0
    && lines.every((l) => /^\s*("Metadata": \{|"aws:cdk:path": "[^"]*",?|"aws:asset:(path|property|is-bundled)": ("[^"]*"|true|false),?|\},?)\s*$/.test(l));
}

const CDK_PATH_IGNORED = ignoredChecks().checkov.some((i) => i.id === 'secrets:aws-cdk-path-metadata');

function report(label: string, root: string, reports: CheckovReport[]): string[] {
  const gatingFailures: string[] = [];
  let out = `checkov ${label}:\n`;
  for (const rep of reports) {
    const s = rep.summary;
    out += `  ${rep.check_type}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped, ${s.parsing_errors} parsing errors\n`;
    const passedGating = rep.results.passed_checks.filter((c) => gating(rep, c));
    out += `    gating checks passed: ${[...new Set(passedGating.map((c) => c.check_id))].sort().join(' ') || '-'}\n`;
    for (const c of rep.results.failed_checks) {
      const falsePositive = rep.check_type === 'secrets' && CDK_PATH_IGNORED && onlyCdkPathMetadata(root, c);
      const gate = gating(rep, c) && !falsePositive;
      out += `    ${gate ? 'FAIL' : falsePositive ? 'ignored (aws:cdk:path metadata line)' : 'reported, not gating'} `
        + `${c.check_id} ${c.resource} ${c.file_path}:${c.file_line_range.join('-')} ${c.check_name}\n`;
      if (gate) gatingFailures.push(`${c.check_id} ${c.resource} (${c.check_name})`);
    }
    if (s.parsing_errors > 0) gatingFailures.push(`${rep.check_type}: ${s.parsing_errors} parsing error(s)`);
  }
  process.stdout.write(out);
  return gatingFailures;
}

test('checkov --framework cloudformation secrets on cdk.out: no failed Secrets Manager/KMS/IAM/hard-coded-secret check', () => {
  cdkTemplates();
  const reports = checkov(CDK_OUT, ['cloudformation', 'secrets']);
  const cfn = reports.find((r) => r.check_type === 'cloudformation');
  expect(cfn?.summary.resource_count).toBeGreaterThan(0);
  // The gating checks really ran on Keyward's resources (not a vacuous pass).
  const ran = new Set([...cfn!.results.passed_checks, ...cfn!.results.failed_checks].map((c) => c.check_id));
  for (const id of ['CKV_AWS_7', 'CKV_AWS_149']) expect(ran.has(id)).toBe(true);
  // CKV_AWS_173 on the example's function (wired by Workload.lambdaFunction) and on the SOPS writer's Provider framework
  // function (its only variable is the writer's ARN) is skipped with Keyward's reason, not failed.
  const envSkips = cfn!.results.skipped_checks.filter((c) => c.check_id === 'CKV_AWS_173');
  const reasons = envSkips.map((c) => [c.resource.split('.')[0], c.check_result?.suppress_comment?.replace(/:.*/s, '')]);
  expect(reasons).toEqual([['AWS::Lambda::Function', 'Keyward'], ['AWS::Lambda::Function', 'Keyward']]);
  expect(envSkips.filter((c) => c.check_result?.suppress_comment?.startsWith('Keyward: the environment holds only secret ARNs'))).toHaveLength(1);
  expect(envSkips.filter((c) => c.check_result?.suppress_comment?.includes('custom-resource Provider framework'))).toHaveLength(1);
  expect(report('cloudformation+secrets on cdk.out', CDK_OUT, reports)).toEqual([]);
});

test('checkov --framework terraform_json secrets on cdktf.out: parses, no failed check', () => {
  const stacks = cdktfStacks();
  // checkov 3.3.30's terraform_json parser raises "this method receives only dicts" on a plain string attribute in the
  // `terraform` block (cdktf writes required_version there). The scanned copy drops only that attribute.
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-checkov-'));
  try {
    for (const [name, file] of Object.entries(stacks)) {
      const json = JSON.parse(fs.readFileSync(file, 'utf8'));
      delete json.terraform?.required_version;
      fs.mkdirSync(path.join(copy, name));
      fs.writeFileSync(path.join(copy, name, 'cdk.tf.json'), JSON.stringify(json, null, 2));
    }
    const tfReports = checkov(copy, ['terraform_json']);
    // The secrets scan reads the untouched files.
    const secretReports = checkov(path.dirname(Object.values(stacks)[0]).replace(/\/stacks\/.*$/, ''), ['secrets']);
    expect(report('terraform_json on cdktf.out (copy without terraform.required_version) + secrets on cdktf.out',
      copy, [...tfReports, ...secretReports])).toEqual([]);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});
