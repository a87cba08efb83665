/**
 * Pure validators for Vault names and durations. Each returns a list of problems (empty when the input is fine) so that
 * callers decide how to report them (`failOnProblems(scope, rule, problems)`). No cdktf import here: values that are
 * unresolved tokens must be filtered out by the caller before calling these.
 *
 * Names are deliberately stricter than Vault: letters, digits, `.`, `_` and `-` in `/`-separated segments. That keeps
 * every name safe to embed in policy HCL (`"`, `*`, `+`, `{`, `$` would change the meaning of a policy path) and in
 * Terraform strings (`${` would be an interpolation).
 */

import { createHash } from 'crypto';

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Problems with a `/`-separated Vault path (a mount path or a KV secret name). `what` names it in messages. */
export function validateVaultPath(what: string, value: string): string[] {
  if (value === undefined || value === null || value === '') {
    return [`${what} is empty`];
  }
  const shown = JSON.stringify(value);
  const problems: string[] = [];
  if (value.startsWith('/') || value.endsWith('/')) {
    problems.push(`${what} ${shown} starts or ends with "/"`);
  }
  if (/\s/.test(value)) {
    problems.push(`${what} ${shown} contains whitespace`);
  }
  if (value.includes('*') || value.includes('+')) {
    problems.push(`${what} ${shown} contains a glob character ("*" or "+"); grant a prefix on purpose instead`);
  }
  const segments = value.replace(/^\/+|\/+$/g, '').split('/');
  if (segments.some((s) => s === '..' || s === '.')) {
    problems.push(`${what} ${shown} contains a "." or ".." segment`);
  }
  if (value.includes('//')) {
    problems.push(`${what} ${shown} contains an empty segment ("//")`);
  }
  if (problems.length === 0 && !segments.every((s) => SEGMENT.test(s))) {
    problems.push(`${what} ${shown} may only contain letters, digits, ".", "_" and "-" in "/"-separated segments`);
  }
  return problems;
}

/** Problems with a mount path (`kv`, `secret/payments`, `transit`). */
export function validateMountPath(path: string): string[] {
  const problems = validateVaultPath('mount path', path);
  if (problems.length === 0 && /^(sys|auth|identity|cubbyhole)(\/|$)/.test(path)) {
    problems.push(`mount path ${JSON.stringify(path)} is reserved by Vault`);
  }
  return problems;
}

/** Problems with a KV v2 secret name (`app/db`), relative to its mount. */
export function validateSecretName(name: string): string[] {
  return validateVaultPath('secret name', name);
}

/** Problems with a single-segment name: an auth role, a policy, a transit key. */
export function validateSimpleName(what: string, name: string): string[] {
  const problems = validateVaultPath(what, name);
  if (problems.length === 0 && name.includes('/')) {
    problems.push(`${what} ${JSON.stringify(name)} must not contain "/"`);
  }
  return problems;
}

/** Vault's own policies: `default` is attached to almost every token, `root` is all-powerful. */
const RESERVED_POLICY_NAMES = ['default', 'root'];

/**
 * Problems with a Vault policy name: a simple name that is not one of Vault's built-in policies. Vault lowercases
 * policy names, so `Default` is `default` too; a workload policy by that name would replace Vault's own and hand the
 * workload's grants to every token.
 */
export function validatePolicyName(name: string): string[] {
  const problems = validateSimpleName('policy name', name);
  if (problems.length === 0 && RESERVED_POLICY_NAMES.includes(name.toLowerCase())) {
    problems.push(`policy name ${JSON.stringify(name)} is Vault's built-in "${name.toLowerCase()}" policy; a workload policy must not replace it`);
  }
  return problems;
}

/** Problems with a token TTL pair, in seconds: both positive whole numbers, and ttl <= max ttl. */
export function validateTtl(ttlSeconds: number, maxTtlSeconds: number): string[] {
  const problems: string[] = [];
  for (const [what, v] of [['token ttl', ttlSeconds], ['token max ttl', maxTtlSeconds]] as const) {
    if (!Number.isInteger(v) || v <= 0) {
      problems.push(`${what} must be a positive whole number of seconds, got ${v}`);
    }
  }
  if (problems.length === 0 && ttlSeconds > maxTtlSeconds) {
    problems.push(`token ttl ${ttlSeconds}s is longer than token max ttl ${maxTtlSeconds}s`);
  }
  return problems;
}

/** Problems with a positive duration in seconds (`what` names it). */
export function validatePositiveSeconds(what: string, seconds: number): string[] {
  return Number.isInteger(seconds) && seconds > 0 ? [] : [`${what} must be a positive whole number of seconds, got ${seconds}`];
}

/** Problems with a CIDR block such as `10.0.0.0/16` or `2001:db8::/32`. */
export function validateCidr(cidr: string): string[] {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (v4) {
    const ok = v4.slice(1, 5).every((o) => Number(o) <= 255) && Number(v4[5]) <= 32;
    return ok ? [] : [`CIDR ${JSON.stringify(cidr)} is out of range`];
  }
  const v6 = /^[0-9A-Fa-f:]+\/(\d{1,3})$/.exec(cidr);
  if (v6 && cidr.includes(':') && Number(v6[1]) <= 128) {
    return [];
  }
  return [`${JSON.stringify(cidr)} is not a CIDR block (e.g. "10.0.0.0/16")`];
}

/** Turn a construct path into a Vault-safe single-segment name: `vault-app/Deploy` → `vault-app-deploy`. */
export function nameFromPath(path: string): string {
  const name = path
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return name.length > 0 ? name : 'keyward';
}

/** A construct id that `uniqueNameFromPath` keeps readable: letters, digits and `_`, single `-` between them. */
const SIMPLE_ID = /^[A-Za-z0-9_]+(-[A-Za-z0-9_]+)*$/;

/**
 * A Vault-safe single-segment name for a construct path that differs for different paths:
 * `payments-vault/Deploy` → `payments-vault--deploy`. Path segments are joined with `--`, which a simple id (letters,
 * digits, `_`, single `-`) cannot contain, so `payments/Api-Reader` (`payments--api-reader`) and
 * `payments-api/Reader` (`payments-api--reader`) stay apart. A path with any other id (`--`, `.`, spaces, a leading
 * `-`) gets the first 8 hex digits of its SHA-256 appended. Letter case is not kept (Vault lowercases policy names):
 * ids that differ only in case give one name, which the callers' uniqueness check reports.
 */
export function uniqueNameFromPath(path: string): string {
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.length > 0 && segments.every((s) => SIMPLE_ID.test(s))) {
    return segments.join('--').toLowerCase();
  }
  const hash = createHash('sha256').update(path).digest('hex').slice(0, 8);
  return `${nameFromPath(path)}-${hash}`;
}
