/**
 * `keyward report` at scale: the access report of a 1,000-secret × 200-workload catalog, timed against the synthesis
 * of the same app (a ratio, no target asserted). Part of `npm run bench`; alone:
 *
 *   TS_NODE_PREFER_TS_EXTS=true TS_NODE_PROJECT=tsconfig.dev.json node -r ts-node/register/transpile-only bench/report.ts
 */
import { App as TfApp } from 'cdktf';
import { AppRoleWorkload, KvStore, SecretPath, VaultStack } from '../lib/vault';
import { accessReport } from '../lib/report';
import { synthKeywardCatalog } from './keyward';
import { tmpOutdir } from './measure';

function timed<T>(fn: () => T): { ms: number; value: T } {
  const start = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/** Vault: N KV paths, W AppRole workloads; workload i reads every W-th path, the first reads all of them. */
function synthVaultCatalog(n: number, workloads: number, outdir: string): void {
  const app = new TfApp({ outdir });
  const stack = new VaultStack(app, 'bench');
  const kv = new KvStore(stack, 'kv', { path: 'kv' });
  const roles = Array.from({ length: workloads }, (_, i) => new AppRoleWorkload(stack, `w${i}`, { roleName: `w${i}` }));
  for (let i = 0; i < n; i++) {
    const p = new SecretPath(stack, `s${i}`, { store: kv, name: `svc/secret-${i}` });
    p.grantRead(roles[0]);
    if (i % workloads !== 0) p.grantRead(roles[i % workloads]);
  }
  app.synth();
}

export interface ReportBenchRow {
  readonly target: string;
  readonly synthMs: number;
  readonly reportMs: number;
  readonly accesses: number;
}

/** Measure both targets once each (synthesis of this size takes seconds; the ratio is what is reported). */
export function reportBench(secrets = 1000, workloads = 200): ReportBenchRow[] {
  const rows: ReportBenchRow[] = [];
  const awsOut = tmpOutdir('report-aws');
  const awsSynth = timed(() => synthKeywardCatalog(secrets, workloads, awsOut, true));
  const awsReport = timed(() => accessReport([awsOut]));
  rows.push({ target: 'AWS (SecretCatalog, nested stacks)', synthMs: awsSynth.ms, reportMs: awsReport.ms, accesses: count(awsReport.value) });
  const tfOut = tmpOutdir('report-tf');
  const tfSynth = timed(() => synthVaultCatalog(secrets, workloads, tfOut));
  const tfReport = timed(() => accessReport([tfOut]));
  rows.push({ target: 'Vault (KV v2, AppRole)', synthMs: tfSynth.ms, reportMs: tfReport.ms, accesses: count(tfReport.value) });
  return rows;
}

function count(r: ReturnType<typeof accessReport>): number {
  return r.resources.reduce((a, x) => a + x.readers.length + x.writers.length, 0);
}

export function printReportBench(rows: ReportBenchRow[], secrets = 1000, workloads = 200): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`\n### keyward report: ${secrets} secrets × ${workloads} workloads\n`);
  console.log('| target | synth | report | report / synth | accesses found |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.target} | ${s(r.synthMs)} | ${s(r.reportMs)} | ${(r.reportMs / r.synthMs).toFixed(2)} | ${r.accesses} |`);
  }
  for (const r of rows) {
    console.log(`- ${r.reportMs < 10000 ? 'met' : 'NOT met'}: ${r.target} report under 10 s (${s(r.reportMs)})`);
  }
}

if (require.main === module) {
  process.env.CDK_VALIDATION = 'false';
  printReportBench(reportBench());
}
