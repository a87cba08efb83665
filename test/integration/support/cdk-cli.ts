/**
 * The aws-cdk CLI (the devDependency's `cdk`) run as a user runs it, but against moto: every AWS call goes to
 * AWS_ENDPOINT_URL, with throw-away credentials, and no shared AWS config or credentials file is read.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './engines';
import { Moto } from './moto';
import { run, RunResult } from './process';

export const CDK_BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'cdk');

/**
 * moto's CloudFormation reads a TemplateURL (`https://s3.<region>.amazonaws.com/<bucket>/<key>`) from its own S3 by
 * path only when the URL contains "localhost"; the bootstrap qualifier is part of the bucket name, so it does.
 */
export const MOTO_QUALIFIER = 'localhost';

export interface CdkRun extends RunResult {
  readonly seconds: number;
  readonly command: string;
}

/** Runs `cdk <args>` in `cwd` against moto; returns its output whatever the exit code. */
export function cdk(moto: Moto, args: string[], cwd: string = REPO_ROOT): CdkRun {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-cdk-home-'));
  const none = path.join(home, 'none');
  fs.writeFileSync(none, '');
  const started = Date.now();
  try {
    const r = run(CDK_BIN, [...args, '--no-notices', '--no-version-reporting', '--ci'], {
      cwd,
      env: {
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_REGION: moto.region,
        AWS_DEFAULT_REGION: moto.region,
        AWS_ACCESS_KEY_ID: 'AKIAKEYWARDTESTHARNESS',
        AWS_SECRET_ACCESS_KEY: 'not-a-secret',
        AWS_SESSION_TOKEN: '',
        AWS_PROFILE: '',
        AWS_CONFIG_FILE: none,
        AWS_SHARED_CREDENTIALS_FILE: none,
        CDK_DISABLE_VERSION_CHECK: '1',
        CDK_HOME: home,
        FORCE_COLOR: '0',
      },
    });
    return { ...r, seconds: (Date.now() - started) / 1000, command: `cdk ${args.join(' ')}` };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** Like {@link cdk}, but throws with the whole output when the command fails. */
export function cdkOk(moto: Moto, args: string[], cwd?: string): CdkRun {
  const r = cdk(moto, args, cwd);
  if (r.status !== 0) {
    throw new Error(`${r.command} exited ${r.status} after ${r.seconds.toFixed(0)} s\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }
  return r;
}
