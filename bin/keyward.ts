#!/usr/bin/env node
// Keyward command line. Thin: parse arguments (node:util parseArgs), call the library, print, set the exit code.
// Subcommands are one table: add an entry to COMMANDS to add one.
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs, ParseArgsConfig } from 'util';
import { formatFinding } from '../lib/guard/private/format';
import { KeywardInputError } from '../lib/guard/private/loss/input-error';
import { scanOutput } from '../lib/guard/private/scan';
import { DataLossDiff } from '../lib/guard/data-loss-diff';
import * as report from './report';
import { sopsCheck } from './sops-check';

type Print = (s: string) => void;

interface Command {
  /** One line for `keyward --help`. */
  readonly summary: string;
  /** `keyward <name> --help`. */
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Exact number of positional arguments. */
  readonly positionals: number;
  run(values: { [k: string]: unknown }, positionals: string[], out: Print, err: Print): number;
}

const JSON_OPTION = { json: { type: 'boolean' } } as const;

const COMMANDS: { [name: string]: Command } = {
  diff: {
    summary: 'report every secret, key, KV mount or secret path that a change would delete or replace',
    usage: `usage: keyward diff <old> <new> [--json]

Compares two synthesized outputs and reports every secret, key, KV mount or secret path that would be deleted or
replaced. <old> and <new> are cdk.out directories or CloudFormation templates (*.template.json), or cdktf.out
directories, cdktf stack directories or cdk.tf.json files.

options:
  --json      machine-readable report
  -h, --help  this help

exit codes: 0 safe, 1 something would be lost, 2 bad input`,
    options: JSON_OPTION,
    positionals: 2,
    run: (values, [oldPath, newPath], out) => {
      const report = DataLossDiff.compare(oldPath, newPath);
      if (values.json) {
        const { text: _text, ...rest } = report;
        out(`${JSON.stringify(rest, undefined, 2)}\n`);
      } else {
        out(report.text);
      }
      return report.safe ? 0 : 1;
    },
  },
  scan: {
    summary: 'check a synthesized output (every file of it) for plaintext secrets and unretained secrets, offline',
    usage: `usage: keyward scan <path> [--json]

Runs every Keyward guard rule over a synthesized output, offline: <path> is a cdk.out or cdktf.out directory (every
template or cdk.tf.json in it, and every other file: asset manifests, metadata, staged assets), a CloudFormation
template or a cdk.tf.json file. Values are masked in the report. Acknowledgements live in the construct tree and are
not known here: use the synth-time guards (AwsGuard, TerraformGuard) to acknowledge a finding.

options:
  --json      machine-readable report
  -h, --help  this help

exit codes: 0 nothing found, 1 findings, 2 bad input`,
    options: JSON_OPTION,
    positionals: 1,
    run: (values, [source], out) => {
      const result = scanOutput(source);
      if (values.json) {
        out(`${JSON.stringify(result, undefined, 2)}\n`);
      } else {
        const head = `keyward scan: ${result.findings.length === 0 ? 'clean' : `${result.findings.length} finding(s)`} in ${source} (${result.configurations.length} ${result.target === 'terraform' ? 'configuration(s)' : 'template(s)'} and every other file)`;
        out(`${[head, ...result.findings.map((f) => `  ${formatFinding(f)}`)].join('\n')}\n`);
      }
      return result.findings.length === 0 ? 0 : 1;
    },
  },
};

function version(): string {
  // bin/keyward.js sits next to package.json's directory in the package and in the repository.
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf-8')).version;
}

/** Subcommands that parse their own arguments (and answer their own --help). */
const DELEGATED: { [name: string]: { summary: string; run: (args: string[], out: Print, err: Print) => number } } = {
  'report': { summary: 'who can read and write each secret and key, from the synthesized policies (--diff: what widened)', run: report.main },
  'sops-check': { summary: 'fail on plaintext .env / secrets files next to the app, and on .env.example files with values', run: sopsCheck },
};

function usage(): string {
  const summaries = [...Object.entries(COMMANDS), ...Object.entries(DELEGATED)];
  const width = Math.max(...summaries.map(([n]) => n.length));
  return `usage: keyward <command> [options]

commands:
${summaries.map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`).join('\n')}

options:
  -h, --help     this help (keyward <command> --help for a command's)
  -v, --version  print the version

exit codes: 0 success, 1 the command found something, 2 bad usage or input`;
}

export function main(argv: string[], out: Print, err: Print): number {
  const [name, ...rest] = argv;
  if (name !== undefined && Object.prototype.hasOwnProperty.call(DELEGATED, name)) return DELEGATED[name].run(rest, out, err);
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    let top;
    try {
      top = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } }, allowPositionals: true, strict: true });
    } catch (e) {
      err(`keyward: ${(e as Error).message}\n${usage()}\n`);
      return 2;
    }
    if (top.values.version) {
      out(`${version()}\n`);
      return 0;
    }
    if (top.values.help || name === 'help') {
      out(`${usage()}\n`);
      return 0;
    }
    err(`${name === undefined ? '' : `keyward: unknown command ${name}\n`}${usage()}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    err(`keyward ${name}: ${(e as Error).message}\n${command.usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    out(`${command.usage}\n`);
    return 0;
  }
  if (parsed.positionals.length !== command.positionals) {
    err(`keyward ${name}: expected ${command.positionals} argument(s), got ${parsed.positionals.length}\n${command.usage}\n`);
    return 2;
  }
  try {
    return command.run(parsed.values, parsed.positionals, out, err);
  } catch (e) {
    if (e instanceof KeywardInputError) {
      err(`keyward ${name}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
}
