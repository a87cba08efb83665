/**
 * `npm run bench`: Keyward against plain aws-cdk-lib and raw cdktf, measured in the same run.
 * Each time is the median of BENCH_REPS (default 5) in-process syntheses after one warm-up, with aws-cdk-lib's
 * built-in CloudFormation validation off on both sides. Policy sizes are measured with ARNs resolved.
 * Prints one Markdown table per topic (pasted into the README), then the target checks.
 */
import * as fs from 'fs';
import * as path from 'path';
import { synthPlainAws, synthPlainVault } from './baseline';
import { GrantMode } from '../lib/aws';
import { guardTiming } from './guard';
import { synthKeywardAws, synthKeywardCatalog, synthKeywardVault } from './keyward';
import { fmtBytes, medianMs, policiesOfRole, policyBytes, readTemplates, tmpOutdir } from './measure';
import { printReportBench, reportBench } from './report';

process.env.CDK_VALIDATION = 'false';
const REPS = Number(process.env.BENCH_REPS ?? 5);
const SIZES = (process.env.BENCH_SIZES ?? '10,100,500,1000').split(',').map(Number);
const KEYWARD_ONLY = (process.env.BENCH_KEYWARD_ONLY ?? "2000,5000").split(",").filter(Boolean).map(Number);

interface Row { cells: string[] }
function table(title: string, header: string[], rows: Row[]): void {
  console.log(`\n### ${title}\n`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.cells.join(' | ')} |`);
}

/** Workload policies (count and resolved bytes) and the largest template's resource count of an AWS assembly. */
function awsFacts(outdir: string, roleId: string): { policies: number; bytes: number; maxResources: number; stacks: number } {
  const templates = readTemplates(outdir);
  let policies = 0;
  let bytes = 0;
  let maxResources = 0;
  for (const t of Object.values(templates)) {
    const resources = t.Resources ?? {};
    maxResources = Math.max(maxResources, Object.keys(resources).length);
    if (resources[roleId]) {
      for (const p of policiesOfRole(t, roleId)) {
        policies++;
        bytes += policyBytes(p.Properties.PolicyDocument, resources);
      }
    }
  }
  return { policies, bytes, maxResources, stacks: Object.keys(templates).length };
}

function roleLogicalId(outdir: string, constructId: string): string {
  for (const t of Object.values(readTemplates(outdir))) {
    const id = Object.keys(t.Resources ?? {}).find(k => k.startsWith(constructId) && t.Resources[k].Type === 'AWS::IAM::Role');
    if (id) return id;
  }
  throw new Error(`no role ${constructId}`);
}

function keyPolicyBytes(outdir: string): number {
  let bytes = 0;
  for (const t of Object.values(readTemplates(outdir))) {
    for (const r of Object.values(t.Resources ?? {}) as any[]) {
      if (r.Type === 'AWS::KMS::Key') bytes += policyBytes(r.Properties.KeyPolicy, t.Resources);
    }
  }
  return bytes;
}

const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);
const res = (n: number) => (n > 500 ? `${n} ✗` : `${n}`);

function main(): void {
  const started = Date.now();
  const times = new Map<string, number>();
  const tagBytes = new Map<number, number>();

  // 1. One workload granted N secrets.
  const rows: Row[] = [];
  for (const n of [...SIZES, ...KEYWARD_ONLY]) {
    const keywardOut = tmpOutdir('kw');
    const tk = medianMs(REPS, () => synthKeywardCatalog(n, 1, keywardOut, true));
    const kf = awsFacts(keywardOut, roleLogicalId(keywardOut, 'Workload0'));
    times.set(`keyward:${n}`, tk);
    tagBytes.set(n, kf.bytes);
    let plainCells = ['—', '—', '—', '—', '—', '—', '—'];
    let ratio = '—';
    if (!KEYWARD_ONLY.includes(n) || SIZES.includes(n)) {
      const plainOut = tmpOutdir('plain');
      const tp = medianMs(REPS, () => synthPlainAws({ secrets: n, workloads: 1 }, plainOut));
      const pf = awsFacts(plainOut, roleLogicalId(plainOut, 'Workload0'));
      const minOut = tmpOutdir('min');
      const tm = medianMs(REPS, () => synthPlainAws({ secrets: n, workloads: 1, minimizePolicies: true }, minOut));
      const mf = awsFacts(minOut, roleLogicalId(minOut, 'Workload0'));
      times.set(`plain:${n}`, tp);
      plainCells = [ms(tp), `${pf.policies}`, fmtBytes(pf.bytes), res(pf.maxResources), ms(tm), `${mf.policies}`, fmtBytes(mf.bytes)];
      ratio = (tk / tp).toFixed(2);
    }
    rows.push({ cells: [`${n}`, ms(tk), `${kf.policies}`, fmtBytes(kf.bytes), `${kf.maxResources} (${kf.stacks} templates)`, ...plainCells, ratio] });
    console.error(`  measured N=${n}`);
  }
  table('One workload granted N secrets, tag mode (aws-cdk-lib 2.276)',
    ['N', 'Keyward synth', 'policies', 'policy bytes', 'max resources / template', 'plain synth', 'policies', 'policy bytes', 'resources', 'plain+minimize synth', 'policies', 'policy bytes', 'time Keyward / plain'],
    rows);

  // 1b. Exact mode (the default): the policy lists each secret, so it grows; find the largest N one managed policy holds.
  const exactFits = (n: number): boolean => {
    try {
      synthKeywardCatalog(n, 1, tmpOutdir('kwexact'), true, GrantMode.EXACT);
      return true;
    } catch (e) {
      if (!/keyward:policy-size/.test(String(e))) throw e;
      return false;
    }
  };
  let [fits, over] = [1, 200];
  if (!exactFits(fits) || exactFits(over)) throw new Error('exact-mode bounds: 1 must fit, 200 must not');
  while (over - fits > 1) {
    const mid = Math.floor((fits + over) / 2);
    if (exactFits(mid)) fits = mid; else over = mid;
  }
  const exactRows: Row[] = [];
  for (const n of [...new Set([1, 10, Math.floor(fits / 2), fits])].sort((a, b) => a - b)) {
    const out = tmpOutdir('kwexact');
    const t = medianMs(REPS, () => synthKeywardCatalog(n, 1, out, true, GrantMode.EXACT));
    const f = awsFacts(out, roleLogicalId(out, 'Workload0'));
    exactRows.push({ cells: [`${n}`, ms(t), `${f.policies}`, fmtBytes(f.bytes), `${(f.bytes / 6144 * 100).toFixed(0)} %`] });
  }
  exactRows.push({ cells: [`${over}`, 'fails at synth: [keyward:policy-size]', '—', '—', '> 100 %'] });
  table(`One workload granted N secrets, exact mode (the default): largest N in one managed policy = ${fits}`,
    ['N', 'Keyward synth', 'policies', 'policy bytes (resolved)', 'of IAM\'s 6,144'], exactRows);
  times.set('exact:max', fits);

  // 2. Key policy size as workloads are added (each granted one secret).
  const keyRows: Row[] = [];
  for (const w of [1, 10, 100, 200]) {
    const kwOut = tmpOutdir('kwkey');
    synthKeywardAws({ secrets: 1, workloads: w }, kwOut);
    const plainOut = tmpOutdir('plainkey');
    synthPlainAws({ secrets: 1, workloads: w }, plainOut);
    const pb = keyPolicyBytes(plainOut);
    keyRows.push({ cells: [`${w}`, fmtBytes(keyPolicyBytes(kwOut)), `${fmtBytes(pb)}${pb > 32768 ? ' ✗ (over 32 KB)' : ''}`] });
  }
  table('Key policy size by number of workloads', ['workloads', 'Keyward key policy', 'plain aws-cdk-lib key policy'], keyRows);

  // 3. Vault.
  const vaultRows: Row[] = [];
  for (const n of [100, 1000, 5000]) {
    const kwOut = tmpOutdir('kwtf');
    const tk = medianMs(REPS, () => synthKeywardVault(n, kwOut));
    const plainOut = tmpOutdir('plaintf');
    const tp = medianMs(REPS, () => synthPlainVault(n, plainOut));
    const facts = (dir: string, stack: string) => {
      const tf = JSON.parse(fs.readFileSync(path.join(dir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      const policies = Object.values(tf.resource?.vault_policy ?? {}) as any[];
      const resources = Object.values(tf.resource ?? {}).reduce((a: number, r: any) => a + Object.keys(r).length, 0);
      return { policies: policies.length, bytes: policies.reduce((a, p) => a + Buffer.byteLength(String(p.policy)), 0), resources };
    };
    const kf = facts(kwOut, 'bench');
    const pf = facts(plainOut, 'bench');
    vaultRows.push({ cells: [`${n}`, ms(tk), `${kf.policies}`, fmtBytes(kf.bytes), `${kf.resources}`, ms(tp), `${pf.policies}`, fmtBytes(pf.bytes), `${pf.resources}`, (tk / tp).toFixed(2)] });
  }
  table('Vault (cdktf 0.21): one workload granted N paths',
    ['N', 'Keyward synth', 'vault_policy', 'policy bytes', 'resources', 'raw provider synth', 'vault_policy', 'policy bytes', 'resources', 'time Keyward / raw'],
    vaultRows);

  // 4. Guard time (AwsGuard on the synthesized catalog) against synth time.
  const guardRows: Row[] = [];
  let guard1000: number | undefined;
  for (const n of (process.env.BENCH_GUARD_SIZES ?? '1000').split(',').map(Number)) {
    const g = guardTiming(n, REPS);
    if (n === 1000) guard1000 = g.guardMs / g.synthMs;
    guardRows.push({ cells: [`${n}`, ms(g.synthMs), ms(g.guardMs), `${((100 * g.guardMs) / g.synthMs).toFixed(1)}%`, `${g.findings}`] });
  }
  table('Guard time on the SecretCatalog (AwsGuard: every template and every other file of the assembly)',
    ['secrets', 'synth', 'guard', 'guard / synth', 'findings'], guardRows);

  // 5. keyward report on a 1,000-secret × 200-workload catalog, against its synthesis.
  printReportBench(reportBench());

  // 6. Targets.
  console.log('\n### Targets\n');
  const check = (label: string, ok: boolean, detail: string) => console.log(`- ${ok ? 'met' : 'NOT met'}: ${label} (${detail})`);
  const k500 = times.get('keyward:500');
  const p500 = times.get('plain:500');
  if (k500 !== undefined && p500 !== undefined) check('Keyward synth time <= 1.10x plain aws-cdk-lib at N=500', k500 / p500 <= 1.1, `${(k500 / p500).toFixed(2)}x`);
  const tag1000 = tagBytes.get(1000);
  if (tag1000 !== undefined) check('tag mode: one workload policy <= 2,048 B resolved at N=1000', tag1000 <= 2048, `${tag1000} B`);
  console.log(`- measured: exact mode, the largest N one managed policy holds (names "svc/secret-<i>"): ${times.get('exact:max')} secrets`);
  const k2000 = times.get('keyward:2000');
  if (k500 !== undefined && k2000 !== undefined) check('linear growth t(2000)/t(500) <= 4.4', k2000 / k500 <= 4.4, `${(k2000 / k500).toFixed(2)}`);
  if (guard1000 !== undefined) check('guard time <= 10% of synth on the 1,000-secret catalog', guard1000 <= 0.1, `${(100 * guard1000).toFixed(1)}%`);
  console.log(`\n(${REPS} repetitions after a warm-up; total ${((Date.now() - started) / 1000).toFixed(0)} s; node ${process.version})`);
}

main();
