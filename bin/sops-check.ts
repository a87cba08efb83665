// `keyward sops-check [dir...]`: fails when a plaintext secrets file (dotenv, secrets.json/yaml) sits next to the app,
// or a .env.example gives a value. Thin: the checks live in lib/core/sops-file.ts.
import { plaintextSecretsFiles } from '../lib/core/sops-file';

export const SOPS_CHECK_USAGE = 'usage: keyward sops-check [dir...]   (default: the current directory; exit 1 on a plaintext secrets file)';

export function sopsCheck(args: string[], out: (s: string) => void, err: (s: string) => void): number {
  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
    out(`${SOPS_CHECK_USAGE}\n`);
    return 0;
  }
  if (args.some((a) => a.startsWith('-'))) {
    err(`${SOPS_CHECK_USAGE}\n`);
    return 2;
  }
  const problems = (args.length > 0 ? args : ['.']).flatMap((dir) => plaintextSecretsFiles(dir));
  for (const p of problems) {
    err(`${p} [keyward:plaintext-sops-source]\n`);
  }
  if (problems.length === 0) {
    out('keyward sops-check: no plaintext secrets files\n');
  }
  return problems.length > 0 ? 1 : 0;
}
