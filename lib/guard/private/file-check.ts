import { IConstruct } from 'constructs';
import { sortFinding } from './acknowledgements';
import { runRules, toFinding } from './evaluate';
import { outputFiles } from './output-files';
import { GuardRule } from './rule';
import { Finding } from '../finding';
import { outputFile } from '../rules/output-file';

/**
 * Check every file of a synthesized output directory other than templates and Terraform configurations. Findings
 * name the file (relative to `dir`) as their path; they can be acknowledged on `root` (the app), since files belong
 * to no single construct.
 */
export function checkOutputFiles(dir: string, root: IConstruct | undefined): { findings: Finding[]; acknowledged: Finding[] } {
  const out = { findings: [] as Finding[], acknowledged: [] as Finding[] };
  const { files, unread } = outputFiles(dir);
  for (const { element, rule, hit } of runRules(files, [outputFile])) {
    sortFinding(toFinding(rule as GuardRule<unknown>, hit, element.path, ''), root, out);
  }
  for (const u of unread) {
    // A file that is not read could hold anything: say so instead of passing silently.
    out.findings.push({
      ruleId: outputFile.id,
      description: 'a synthesized file was not read by the guard',
      constructPath: u.path,
      propertyPath: '',
      detail: u.why,
      maskedValue: '',
      fix: 'keep large files out of the cloud assembly (upload them separately) or acknowledge this rule on the app with a reason',
    });
  }
  return out;
}
