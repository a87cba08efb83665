import { Finding } from '../finding';

/** `<path>: <description> at <property> (<detail>: <masked>) [<rule>]. Fix: <fix>`, the format of every guard error. */
export function formatFinding(f: Finding): string {
  const where = f.propertyPath ? ` at ${f.propertyPath}` : '';
  const what = f.maskedValue ? ` (${f.detail}: ${f.maskedValue})` : ` (${f.detail})`;
  return `${f.constructPath || '<root>'}: ${f.description}${where}${what} [${f.ruleId}]. Fix: ${f.fix}`;
}

/** The fix every plaintext finding points to. */
export const PLAINTEXT_FIX_AWS =
  'declare the value as a Keyward secret (keyward.aws.Secret) and wire it to the workload (grant read, pass the secret ARN or an ECS/Lambda secret reference), never the value';
export const PLAINTEXT_FIX_TERRAFORM =
  'declare the value as a Keyward secret path (keyward.vault.SecretPath, write-only) and let the workload read it from Vault; pass any value through a sensitive variable or an ephemeral resource, never a literal';
