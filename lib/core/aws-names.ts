// Pure validators for AWS names used by Keyward. Each returns a list of problems (empty when the value is valid) so
// callers can report them with the construct path (see ./errors). No aws-cdk-lib imports here: callers skip
// validation for unresolved tokens themselves.

const SECRET_NAME_CHARS = /^[A-Za-z0-9/_+=.@-]+$/;
const SECRET_SUFFIX = /-[A-Za-z0-9]{6}$/;

/** Secrets Manager secret name: 1–512 characters of `[A-Za-z0-9/_+=.@-]`, not ending in `-` + 6 characters. */
export function secretNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < 1 || name.length > 512) {
    problems.push(`secret name "${name}" must be 1 to 512 characters long (it is ${name.length})`);
  }
  if (name.length > 0 && !SECRET_NAME_CHARS.test(name)) {
    problems.push(`secret name "${name}" may only contain letters, digits and / _ + = . @ -`);
  }
  if (SECRET_SUFFIX.test(name)) {
    problems.push(`secret name "${name}" ends with "-" and 6 characters, which breaks partial-ARN lookups`);
  }
  return problems;
}

/** KMS alias: `alias/` + 1–250 of `[A-Za-z0-9/_-]`, not in the reserved `alias/aws/` namespace. */
export function kmsAliasProblems(alias: string): string[] {
  const problems: string[] = [];
  if (!alias.startsWith('alias/')) {
    problems.push(`key alias "${alias}" must start with "alias/"`);
  }
  if (alias.startsWith('alias/aws/') || alias === 'alias/aws') {
    problems.push(`key alias "${alias}" is in the reserved "alias/aws/" namespace of AWS-managed keys`);
  }
  const rest = alias.startsWith('alias/') ? alias.slice('alias/'.length) : alias;
  if (rest.length < 1 || alias.length > 256) {
    problems.push(`key alias "${alias}" must have 1 to 250 characters after "alias/"`);
  }
  if (rest.length > 0 && !/^[A-Za-z0-9/_-]+$/.test(rest)) {
    problems.push(`key alias "${alias}" may only contain letters, digits and / _ - after "alias/"`);
  }
  return problems;
}

/** Integer number of days within [min, max]. */
export function dayRangeProblems(what: string, days: number, min: number, max: number): string[] {
  if (!Number.isInteger(days) || days < min || days > max) {
    return [`${what} must be a whole number of days from ${min} to ${max} (got ${days})`];
  }
  return [];
}

/** KMS automatic key rotation period: 90–2560 days. */
export function keyRotationPeriodProblems(days: number): string[] {
  return dayRangeProblems('key rotation period', days, 90, 2560);
}

/** KMS key deletion pending window: 7–30 days. */
export function pendingWindowProblems(days: number): string[] {
  return dayRangeProblems('key pending window', days, 7, 30);
}

/** Secrets Manager automatic rotation interval: 1–1000 days. */
export function secretRotationPeriodProblems(days: number): string[] {
  return dayRangeProblems('secret rotation period', days, 1, 1000);
}

/** AWS region code such as `eu-west-1`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`. */
export function regionProblems(region: string): string[] {
  if (!/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/.test(region)) {
    return [`region "${region}" is not an AWS region code like "eu-west-1"`];
  }
  return [];
}

/** 12-digit AWS account id. */
export function accountProblems(account: string): string[] {
  if (!/^\d{12}$/.test(account)) {
    return [`account "${account}" is not a 12-digit AWS account id`];
  }
  return [];
}

/** The parts of an ARN. */
export interface ArnParts {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** Split an ARN, or return the problems that make it not one. */
export function parseArn(arn: string): { parts?: ArnParts; problems: string[] } {
  const m = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.+)$/.exec(arn);
  if (!m) {
    return { problems: [`"${arn}" is not an ARN (arn:<partition>:<service>:<region>:<account>:<resource>)`] };
  }
  const parts: ArnParts = { partition: m[1], service: m[2], region: m[3], account: m[4], resource: m[5] };
  const problems: string[] = [];
  if (parts.region !== '') {
    problems.push(...regionProblems(parts.region));
  }
  return { parts, problems };
}

/** What a secret ARN says about the secret. */
export interface SecretArnInfo {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** The secret name (without the random 6-character suffix when the ARN is complete). */
  readonly secretName: string;
  /** Whether the ARN carries the `-XXXXXX` suffix Secrets Manager appends (a complete ARN). */
  readonly complete: boolean;
}

/**
 * Parse a Secrets Manager secret ARN. `complete` says whether the caller claims it ends with the 6-character suffix:
 * a complete ARN must have it; a partial ARN must not (a name that really ends in `-` + 6 characters cannot be
 * referenced by partial ARN unambiguously).
 */
export function parseSecretArn(arn: string, complete: boolean): { info?: SecretArnInfo; problems: string[] } {
  const { parts, problems } = parseArn(arn);
  if (!parts) {
    return { problems };
  }
  if (parts.service !== 'secretsmanager' || !parts.resource.startsWith('secret:')) {
    problems.push(`"${arn}" is not a Secrets Manager secret ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>)`);
  }
  if (parts.region === '' || parts.account === '') {
    problems.push(`secret ARN "${arn}" must name its region and account`);
  }
  const resourceName = parts.resource.slice('secret:'.length);
  if (complete) {
    if (!SECRET_SUFFIX.test(resourceName)) {
      problems.push(`secret ARN "${arn}" is not complete: it must end with "-" and the 6 characters Secrets Manager appends (use a partial-ARN import otherwise)`);
    }
  } else if (SECRET_SUFFIX.test(resourceName)) {
    problems.push(`partial secret ARN "${arn}" ends with "-" and 6 characters, so it cannot be told apart from a complete ARN (import it as a complete ARN)`);
  }
  const secretName = complete && SECRET_SUFFIX.test(resourceName) ? resourceName.slice(0, -7) : resourceName;
  if (problems.length > 0) {
    return { problems };
  }
  problems.push(...secretNameProblems(secretName).filter(p => !p.includes('partial-ARN')));
  return {
    info: { partition: parts.partition, region: parts.region, account: parts.account, secretName, complete },
    problems,
  };
}

/** A KMS key ARN (`arn:<partition>:kms:<region>:<account>:key/<id>`). Alias ARNs are rejected: IAM cannot grant Decrypt on them. */
export function kmsKeyArnProblems(arn: string): string[] {
  const { parts, problems } = parseArn(arn);
  if (!parts) {
    return problems;
  }
  if (parts.service !== 'kms' || !/^key\/(mrk-)?[a-f0-9-]{32,36}$/.test(parts.resource)) {
    problems.push(`"${arn}" is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>); alias ARNs cannot carry IAM grants`);
  }
  if (parts.region === '' || parts.account === '') {
    problems.push(`key ARN "${arn}" must name its region and account`);
  }
  return problems;
}

/** An IAM principal ARN that may read a secret from another account (a role, user or account root). */
export function principalArnProblems(arn: string): string[] {
  const { parts, problems } = parseArn(arn);
  if (!parts) {
    return problems;
  }
  if (parts.service !== 'iam' || parts.account === '' || !/^(role|user)\/.+|^root$/.test(parts.resource)) {
    problems.push(`"${arn}" is not an IAM role, user or account-root ARN`);
  }
  return problems;
}

/** A Keyward workload or group name: becomes part of a tag key `keyward:access:<name>` (tag keys are ≤ 128 characters). */
export function accessNameProblems(name: string): string[] {
  if (!/^[A-Za-z0-9_.:/=+@-]{1,64}$/.test(name)) {
    return [`access name "${name}" must be 1 to 64 characters of letters, digits and _ . : / = + @ -`];
  }
  return [];
}

/** Field names that say "I hold a secret": such fields must be generated or set out of band, never fixed in the template. */
export function secretLikeFieldProblems(field: string): string[] {
  if (/(pass(word|wd|phrase)?|secret|token|api[-_]?key|private[-_]?key|credential|auth)/i.test(field)) {
    return [`fixed field "${field}" is named like a secret; fixed fields are written to the template in clear, so generate it or set it out of band`];
  }
  return [];
}

/** The most characters of a tag key and of a tag value (Secrets Manager, KMS, IAM). */
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;

/**
 * A tag on a Secrets Manager secret: the key 1–128 and the value 0–256 characters of letters, digits, spaces and
 * `_ . : / = + - @`; the key not in AWS's reserved `aws:` prefix (in any letter case: AWS refuses `AWS:x` too).
 */
export function tagProblems(key: string, value: string): string[] {
  const problems: string[] = [];
  const allowed = /^[\p{L}\p{N}\s_.:/=+\-@]*$/u;
  if (key.length < 1 || key.length > MAX_TAG_KEY_LENGTH) {
    problems.push(`tag key "${shorten(key)}" must be 1 to ${MAX_TAG_KEY_LENGTH} characters long (it is ${key.length})`);
  }
  if (key.toLowerCase().startsWith('aws:')) {
    problems.push(`tag key "${shorten(key)}" starts with "aws:" (in any letter case), which AWS reserves for its own tags`);
  }
  if (!allowed.test(key)) {
    problems.push(`tag key "${shorten(key)}" may only contain letters, digits, spaces and _ . : / = + - @`);
  }
  if (value.length > MAX_TAG_VALUE_LENGTH) {
    problems.push(`the value of tag "${shorten(key)}" must be at most ${MAX_TAG_VALUE_LENGTH} characters long (it is ${value.length})`);
  }
  if (!allowed.test(value)) {
    problems.push(`the value of tag "${shorten(key)}" may only contain letters, digits, spaces and _ . : / = + - @`);
  }
  return problems;
}

/**
 * Environment variables the Lambda runtime sets itself: a function that sets one fails to deploy
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 */
export const LAMBDA_RESERVED_VARIABLES = [
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
];

/** A Lambda environment variable name: a letter, then at least one letter, digit or `_`; not reserved by the runtime. */
export function lambdaVariableProblems(name: string): string[] {
  if (LAMBDA_RESERVED_VARIABLES.includes(name)) {
    return [`environment variable ${name} is reserved by the Lambda runtime (which sets it itself); choose another name`];
  }
  if (!/^[A-Za-z][A-Za-z0-9_]+$/.test(name)) {
    return [`environment variable name "${name}" is not valid for Lambda: a letter, then at least one letter, digit or _`];
  }
  return [];
}

/** The characters Secrets Manager's GetRandomPassword draws from, by class. */
const PASSWORD_CLASSES = {
  lowercase: 'abcdefghijklmnopqrstuvwxyz',
  uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  numbers: '0123456789',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
};

/** What a generated value may be made of (the options of `GenerateSecretString`). */
export interface PasswordCharacterOptions {
  readonly length: number;
  readonly excludeCharacters?: string;
  readonly excludeLowercase?: boolean;
  readonly excludeUppercase?: boolean;
  readonly excludeNumbers?: boolean;
  readonly excludePunctuation?: boolean;
  readonly requireEachIncludedType: boolean;
}

/**
 * Whether Secrets Manager can generate a value with these options: some character must be left, and with
 * `requireEachIncludedType` the length must hold one character of each included class.
 */
export function passwordCharacterProblems(o: PasswordCharacterOptions): string[] {
  const excluded = new Set(o.excludeCharacters ?? '');
  const classes = Object.entries(PASSWORD_CLASSES)
    .filter(([name]) => !(o as unknown as { [k: string]: unknown })[`exclude${name[0].toUpperCase()}${name.slice(1)}`])
    .map(([name, chars]) => ({ name, left: [...chars].filter(c => !excluded.has(c)).length }));
  if (classes.every(c => c.left === 0)) {
    return ['no character is left to generate the value from: every character class is excluded, or excludeCharacters removes '
      + 'all characters of the classes that are not'];
  }
  if (o.requireEachIncludedType) {
    if (o.length < classes.length) {
      return [`a value of ${o.length} characters cannot hold one character of each of the ${classes.length} included classes `
        + `(${classes.map(c => c.name).join(', ')}) that requireEachIncludedType demands`];
    }
  }
  return [];
}

function shorten(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
