#!/usr/bin/env node
// Keyward command line. Thin: parse arguments, call the library, print, set the exit code.
import { KeywardInputError } from '../lib/guard/private/loss/input-error';
import { DataLossDiff } from '../lib/guard/data-loss-diff';
import * as report from './report';
import { sopsCheck } from './sops-check';

const USAGE = `usage: keyward diff <old> <new> [--json]

Compares two synthesized outputs and reports every secret, key, KV mount or secret path that would be deleted or
replaced. <old> and <new> are cdk.out directories or CloudFormation templates (*.template.json), or cdktf.out
directories, cdktf stack directories or cdk.tf.json files.

exit codes: 0 safe, 1 something would be lost, 2 bad input`;

export function main(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  if (argv[0] === 'report') return report.main(argv.slice(1), out, err);
  if (argv[0] === 'sops-check') return sopsCheck(argv.slice(1), out, err);
  const args = argv.filter((a) => a !== '--json');
  const json = argv.includes('--json');
  if (args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
    out(`${USAGE}\n`);
    return 0;
  }
  const unknown = args.find((a) => a.startsWith('-'));
  if (args[0] !== 'diff' || args.length !== 3 || unknown) {
    err(`${unknown ? `unknown option ${unknown}\n` : ''}${USAGE}\n`);
    return 2;
  }
  try {
    const report = DataLossDiff.compare(args[1], args[2]);
    if (json) {
      const { text: _text, ...rest } = report;
      out(`${JSON.stringify(rest, undefined, 2)}\n`);
    } else {
      out(report.text);
    }
    return report.safe ? 0 : 1;
  } catch (e) {
    if (e instanceof KeywardInputError) {
      err(`keyward diff: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
}
