/** The sops binary and age keys, built by scripts/setup-engines.sh from the Go module proxy. */
import * as fs from 'fs';
import * as path from 'path';
import { runOk } from './process';

export interface SopsTools {
  readonly sops: string;
  readonly ageKeygen: string;
}

export function sopsTools(): SopsTools {
  const sops = process.env.KEYWARD_SOPS;
  const ageKeygen = process.env.KEYWARD_AGE_KEYGEN;
  if (!sops || !ageKeygen) throw new Error('KEYWARD_SOPS/KEYWARD_AGE_KEYGEN not set: run through scripts/test-integration.sh');
  for (const bin of [sops, ageKeygen]) {
    if (!fs.existsSync(bin)) throw new Error(`engine missing: ${bin} (run scripts/setup-engines.sh)`);
  }
  return { sops, ageKeygen };
}

/** A fresh age identity in `dir`: the key file (for SOPS_AGE_KEY_FILE) and its public recipient. */
export function newAgeKey(tools: SopsTools, dir: string): { keyFile: string; recipient: string } {
  const keyFile = path.join(dir, 'age.key');
  runOk(tools.ageKeygen, ['-o', keyFile]);
  const recipient = /public key: (age1[0-9a-z]+)/.exec(fs.readFileSync(keyFile, 'utf8'))![1];
  return { keyFile, recipient };
}

/**
 * Encrypts `plaintext` (written to a scratch file that is deleted right after) with sops into `out`.
 * `keys` are sops flags, e.g. ['--kms', arn, '--age', recipient]; `format` is the sops input/output type.
 */
export function sopsEncrypt(tools: SopsTools, plaintext: string, out: string, format: string, keys: string[], env: NodeJS.ProcessEnv = {}): string {
  const plain = `${out}.plain`;
  fs.writeFileSync(plain, plaintext, { mode: 0o600 });
  try {
    const outputType = format === 'binary' ? 'json' : format;
    const r = runOk(tools.sops, ['encrypt', '--input-type', format, '--output-type', outputType, ...keys, plain], { env });
    fs.writeFileSync(out, r.stdout);
    return r.stdout;
  } finally {
    fs.rmSync(plain, { force: true });
  }
}
