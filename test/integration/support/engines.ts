/**
 * Where the real engines live. scripts/setup-engines.sh installs them under .cache/ and writes .cache/engines.env;
 * scripts/test-integration.sh sources it. Running jest directly without it is an error, not a skip.
 */
import * as fs from 'fs';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the integration tests through scripts/test-integration.sh (npm run test:integration)`);
  }
  return value;
}

export interface Engines {
  readonly venvBin: string;
  readonly terraform: string;
  readonly terraformVersion: string;
  readonly vaultProviderVersion: string;
  readonly cfnLint: string;
  readonly checkov: string;
  readonly motoServer: string;
  readonly bao: string;
}

export function engines(): Engines {
  const venvBin = path.join(required('KEYWARD_VENV'), 'bin');
  const result: Engines = {
    venvBin,
    terraform: required('KEYWARD_TERRAFORM'),
    terraformVersion: required('KEYWARD_TERRAFORM_VERSION'),
    vaultProviderVersion: required('KEYWARD_VAULT_PROVIDER_VERSION'),
    cfnLint: path.join(venvBin, 'cfn-lint'),
    checkov: required('KEYWARD_CHECKOV'),
    motoServer: path.join(venvBin, 'moto_server'),
    bao: required('KEYWARD_BAO'),
  };
  required('TF_CLI_CONFIG_FILE');
  for (const bin of [result.terraform, result.cfnLint, result.checkov, result.motoServer, result.bao]) {
    if (!fs.existsSync(bin)) throw new Error(`engine missing: ${bin} (run scripts/setup-engines.sh)`);
  }
  return result;
}
