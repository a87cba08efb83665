/**
 * What a policy rule may contain. The policy HCL is rendered from strings, so a path is checked before it is written:
 * a `"`, a newline or a brace would end the path and start other blocks (`path "*"`), and a glob anywhere but where
 * Vault defines one would grant more than asked.
 */

/** Vault's policy capabilities. */
export const CAPABILITIES = ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo', 'deny', 'subscribe', 'recover'];

/** A path segment: letters, digits, `.`, `_`, `-` (Keyward's names), or `+` alone (Vault's one-segment glob). */
const SEGMENT = /^(?:[A-Za-z0-9._-]+|\+)$/;

/** The problem with a policy rule, or undefined. */
export function policyRuleProblem(path: string, capabilities: string[]): string | undefined {
  const shown = JSON.stringify(path);
  if (typeof path !== 'string' || path === '') {
    return 'policy rule has an empty path';
  }
  // "*" is a prefix glob only as the last character (Vault's rule); "path/*" and "path*" are both prefixes.
  const body = path.endsWith('*') ? path.slice(0, -1) : path;
  const segments = body.split('/');
  if (segments[segments.length - 1] === '') {
    segments.pop();
  }
  if (path.startsWith('/') || segments.length === 0 || segments.some((s) => s === '' || s === '.' || s === '..')
    || !segments.every((s, i) => SEGMENT.test(s) || (i === segments.length - 1 && path.endsWith('*') && /^[A-Za-z0-9._-]*$/.test(s)))) {
    return `policy path ${shown} may only hold letters, digits, ".", "_", "-" in "/"-separated segments, "+" as a whole segment `
      + 'and "*" as the last character (no quotes, braces, whitespace or control characters, no empty or "." segments)';
  }
  if (segments[0] === '+') {
    return `policy path ${shown} starts with "+": it would match every mount`;
  }
  if (capabilities.length === 0) {
    return `policy rule for ${shown} has no capabilities`;
  }
  const unknown = capabilities.filter((c) => !CAPABILITIES.includes(c));
  if (unknown.length > 0) {
    return `policy rule for ${shown} has capabilities Vault does not know: ${JSON.stringify(unknown)} (known: ${CAPABILITIES.join(', ')})`;
  }
  return undefined;
}
