/**
 * Values that are never secrets themselves: references to where a secret lives (dynamic references, Terraform
 * interpolations, CDK tokens, ARNs) and identifiers that merely look random (UUIDs, hashes, resource ids, CDK logical
 * ids). The detector consults these before flagging anything.
 *
 * Target-neutral: no aws-cdk-lib or cdktf imports.
 */

// `${...}` with balanced-enough content: Terraform interpolations, Fn::Sub variables, shell variables, CDK token strings.
const INTERPOLATION = /\$\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}/g;
// CloudFormation dynamic references: {{resolve:secretsmanager:...}}, {{resolve:ssm-secure:...}}, {{resolve:ssm:...}}.
const DYNAMIC_REFERENCE = /\{\{resolve:(?:secretsmanager|ssm-secure|ssm):[^}]*\}\}/g;
// Template placeholders of other tools: {{ .Values.x }}, %DB_PASSWORD%, $DB_PASSWORD, $(command).
const OTHER_TEMPLATE = /\{\{[^}]*\}\}|%[A-Za-z_][A-Za-z0-9_]*%|\$[A-Za-z_][A-Za-z0-9_]*|\$\([^)]*\)/g;
// Unresolved CDK tokens as they appear in strings before resolution.
const CDK_TOKEN = /\$\{Token\[[^\]]*\]\}|#\{Token\[[^\]]*\]\}/g;

/** Remove every reference from a string, leaving only its literal parts. */
export function stripReferences(value: string): string {
  return value
    .replace(CDK_TOKEN, '')
    .replace(DYNAMIC_REFERENCE, '')
    .replace(INTERPOLATION, '')
    .replace(OTHER_TEMPLATE, '');
}

/** True when the value holds no literal of its own: it is made only of references (and separators). */
export function isReference(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed === '') {
    return false;
  }
  if (/^arn:(aws|aws-cn|aws-us-gov|aws-iso[a-z-]*):/.test(trimmed)) {
    return true;
  }
  const hadReference = stripReferences(trimmed) !== trimmed;
  return hadReference && /^[\s"'/:.,;=@_-]*$/.test(stripReferences(trimmed));
}

const BENIGN: readonly RegExp[] = [
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, // UUID (KMS key ids, ...)
  /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})(?:\.[a-z0-9]{1,8})?$/, // md5/sha hashes, asset hashes (+ extension)
  /^sha(?:1|256|384|512):[0-9a-f]{40,128}$/, // image digests
  /^(?:ami|sg|vpc|subnet|igw|nat|eni|vol|snap|i|rtb|acl|eipalloc|lt|tgw|pl|vpce|fs|fsap|cluster|db|key)-[0-9a-f]{8,17}$/, // EC2-style ids
  /^[A-Z0-9]{10,32}$/, // upper-case ids: Route 53 zones, CloudFront distributions, IAM unique ids (AROA...), account-free ids
  /^\d+$/, // numbers, account ids
  /^(?:true|false|yes|no|on|off|null|none|enabled|disabled)$/i,
  /^[A-Za-z][A-Za-z0-9]*[0-9A-F]{8}$/, // CDK logical ids (path + 8 hex hash)
  /^ssh-(?:rsa|ed25519|dss) |^ecdsa-sha2-|^AAAA(?:B3NzaC1|C3NzaC1lZDI1NTE5|E2VjZHNh)/, // public SSH keys
  /^-----BEGIN (?:CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE REQUEST)-----/, // public material
  /^pk_(?:live|test)_/, // Stripe publishable keys are meant to be public
  /^cdk-[a-z0-9]+-(?:assets|container-assets|deploy-role|file-publishing-role|image-publishing-role|cfn-exec-role|lookup-role)-/, // bootstrap names
  /^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\//, // ECR image URIs
  /^(?:https?:\/\/)?[a-z0-9.-]+\.(?:com|net|org|io|dev|internal|local|aws|amazonaws\.com)(?::\d+)?(?:\/[^\s:@]*)?$/i, // plain hostnames/URLs without credentials
];

/** True for identifiers that look random but are not secrets (UUIDs, hashes, resource ids, logical ids, public keys). */
export function isBenignIdentifier(value: string): boolean {
  const trimmed = value.trim();
  return BENIGN.some((re) => re.test(trimmed));
}

/** Placeholders that stand for "no value here" rather than a value: <password>, ****, REDACTED, xxxx. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  return (
    v === '' ||
    /^<[^<>]+>$/.test(v) ||
    /^\*{3,}$/.test(v) ||
    /^x{4,}$/i.test(v) ||
    /^(?:redacted|todo|tbd|n\/a|none|null|undefined|placeholder|replace[_-]?me|your[_-][a-z_-]+[_-]here)$/i.test(v) ||
    /^\.{3}$/.test(v) ||
    // Template placeholders in code: Python format fields (`{password}`, `{creds['pw']}`, `{0}`), printf (`%s`,
    // `%(password)s`), Go/Jinja/Handlebars (`{{ .Password }}`), shell (`$PASSWORD`, `${PASSWORD}`).
    /^\{[\w.[\]'"]*(?:![rsa])?(?::[^{}]*)?\}$/.test(v) ||
    /^%(?:\([\w.-]+\))?[-0-9.]*[sdrvqx]$/.test(v) ||
    /^\{\{[^{}]+\}\}$/.test(v) ||
    /^\$(?:[A-Za-z_]\w*|\{[^{}]+\})$/.test(v)
  );
}

/** Values shaped like a path or a resource name (SSM parameter names, secret names, file paths): `/prod/db/password`. */
export function isPathOrName(value: string): boolean {
  const v = value.trim();
  return /^\/?[A-Za-z0-9_.+=@-]+(?:\/[A-Za-z0-9_.+=@:-]+)+\/?$/.test(v) && !/[A-Za-z0-9+]{30,}/.test(v);
}
