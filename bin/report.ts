// `keyward report`: thin — parse arguments, call lib/report, print, set the exit code.
import { KeywardInputError } from '../lib/guard/private/loss/input-error';
import { accessReport, diffReports, renderDiff, renderJson, renderMarkdown, renderMermaid } from '../lib/report';

export const REPORT_USAGE = `usage: keyward report <output>... [--json | --mermaid]
       keyward report --diff <old> <new> [--json]

Who can read and write every secret (AWS secret, Vault KV path) and key (KMS key, Transit key), computed from the
synthesized policies: identity, resource and key policies of a cdk.out (or *.template.json), Vault policies joined with
auth roles of a cdktf.out (or cdk.tf.json). Markdown by default.

--diff compares two outputs (for --diff, <old> and <new> may each be several outputs joined by commas) and lists access
added, removed, widened or narrowed.

exit codes: 0 report printed / nothing widened, 1 access widened or something new not evaluated (--diff), 2 bad input`;

/** Run `keyward report` with the arguments after `report`. */
export function main(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  const flags = argv.filter((a) => a.startsWith('-'));
  const args = argv.filter((a) => !a.startsWith('-'));
  if (flags.includes('--help') || flags.includes('-h')) {
    out(`${REPORT_USAGE}\n`);
    return 0;
  }
  const unknown = flags.find((f) => !['--json', '--mermaid', '--diff'].includes(f));
  const json = flags.includes('--json');
  const mermaid = flags.includes('--mermaid');
  const diff = flags.includes('--diff');
  const problem = unknown ? `unknown option ${unknown}`
    : json && mermaid ? '--json and --mermaid exclude each other'
      : diff && mermaid ? '--mermaid does not apply to --diff'
        : diff && args.length !== 2 ? '--diff takes exactly two outputs: <old> <new>'
          : args.length === 0 ? 'no synthesized output given' : undefined;
  if (problem) {
    err(`keyward report: ${problem}\n${REPORT_USAGE}\n`);
    return 2;
  }
  try {
    if (diff) {
      const before = accessReport(args[0].split(','));
      const after = accessReport(args[1].split(','));
      if (before.targets?.join() !== after.targets?.join()) {
        throw new KeywardInputError(`${args[0]} is ${before.targets?.join(' and ')} output but ${args[1]} is ${after.targets?.join(' and ')}: compare outputs of the same app`);
      }
      const result = diffReports(before, after);
      out(json ? `${JSON.stringify(result, undefined, 2)}\n` : renderDiff(result));
      return result.widened ? 1 : 0;
    }
    const report = accessReport(args);
    out(json ? renderJson(report) : mermaid ? renderMermaid(report) : renderMarkdown(report));
    return 0;
  } catch (e) {
    if (e instanceof KeywardInputError) {
      err(`keyward report: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
}
