/**
 * Guard time against synth time on the SecretCatalog: the AwsGuard validation (every template incl. nested ones,
 * every other file of the cloud assembly) run on the synthesized assembly, as the CDK runs it, against the synthesis
 * itself.
 */
import { clearDetectionCache } from '../lib/core/detect';
import { AwsGuard } from '../lib/guard';
import { keywardCatalogApp } from './keyward';
import { medianMs, tmpOutdir } from './measure';

export interface GuardTiming {
  readonly secrets: number;
  readonly synthMs: number;
  readonly guardMs: number;
  readonly findings: number;
}

export function guardTiming(n: number, reps: number): GuardTiming {
  const outdir = tmpOutdir('guard');
  let app = keywardCatalogApp(n, 1, outdir);
  const synthMs = medianMs(reps, () => {
    app = keywardCatalogApp(n, 1, outdir);
    app.synth();
  });
  const assembly = app.synth();
  const context = {
    appConstruct: app,
    templatePaths: assembly.stacks.map((s) => s.templateFullPath),
    stackTemplates: assembly.stacks.map((s) => ({ stackConstructPath: s.hierarchicalId, templatePath: s.templateFullPath, accountId: s.environment.account, region: s.environment.region })),
  };
  let findings = 0;
  const guardMs = medianMs(reps, () => {
    // Cold, as in a synth: no result memoised by an earlier run.
    clearDetectionCache();
    const guard = new AwsGuard();
    guard.validate(context);
    findings = guard.findings.length;
  });
  return { secrets: n, synthMs, guardMs, findings };
}
