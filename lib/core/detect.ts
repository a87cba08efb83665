/**
 * Secret-value detection shared by the AWS and Terraform guards.
 *
 * Detectors, most precise first:
 *  1. known credential formats, anywhere in a string: gitleaks' maintained rule set (vendored as data, see
 *     detect-gitleaks.ts), a few Keyward additions (detect-formats.ts), and assignment forms (detect-assignments.ts:
 *     connection strings, URLs with credentials, Authorization headers, command-line password flags);
 *  2. a secret-like name (password, secret, token, api_key, bindpass, secret_id, ...) holding a literal that is not a
 *     reference; under weaker names (key, auth, credentials, ...) a literal that looks random;
 *  3. base64 that decodes to a credential;
 *  4. Shannon entropy for long random-looking strings.
 * References (`{{resolve:...}}`, `${var.x}`, ARNs, CDK tokens) and identifiers (UUIDs, hashes, resource and logical ids)
 * are never flagged.
 *
 * Target-neutral: no aws-cdk-lib or cdktf imports.
 */
import { matchAssignmentForms } from './detect-assignments';
import { matchCredentialFormats } from './detect-formats';
import { matchGitleaksRules, shannonEntropy } from './detect-gitleaks';

export { shannonEntropy };
import { isBenignIdentifier, isPathOrName, isPlaceholder, isReference, stripReferences } from './detect-reference';

/** Why a value was flagged. */
export enum DetectionKind {
  /** Matches a known credential format (AWS key id, GitHub token, private key, ...). */
  CREDENTIAL_FORMAT = 'credential-format',
  /** A secret-like name (password, token, ...) holds a literal value. */
  SECRET_NAME = 'secret-name',
  /** A long string whose character distribution looks random. */
  HIGH_ENTROPY = 'high-entropy',
}

/** One detected secret. `secret` is the offending substring: mask it before showing it anywhere. */
export interface Detection {
  readonly kind: DetectionKind;
  /** What it looks like: "AWS access key id", "value of a secret-like name (DB_PASSWORD)", ... */
  readonly label: string;
  readonly secret: string;
}

// Name parts that make a key secret-like. Matched on the lower-cased name with separators removed.
const SECRET_NAME = /(?:password|passwd|passphrase|pwd|secret|token|apikey|accesskey|privatekey|clientsecret|credential|signingkey|encryptionkey|masterkey|sessionkey|authkey|hmackey|licensekey|webhookurl|connectionstring|connstr|dsn|bearer|cookiesecret|salt|pepper|(?:^|bind|db|admin|user|root|master|ldap|smtp|mail|ftp|redis|sql)pass$|(?:^|bind|db|admin|user|root|master|ldap)pw$|^pw$|secretid|sessionid|apikey)/;
// Names that say "some key or credential" without saying it is secret: a literal under them is a secret only when it
// looks random (entropy) or is a known format.
const WEAK_SECRET_NAME = /(?:key|auth|cred|creds|credentials|signature|private|seed|otp|pin)$/;
// Suffixes that say the value is a pointer to or a property of a secret, not the secret: DB_PASSWORD_ARN, TOKEN_URL, ...
const NON_VALUE_SUFFIX = /(?:arn|arns|name|names|id|ids|path|paths|file|files|url(?<!webhookurl)|uri|endpoint|region|ttl|length|len|minlength|maxlength|policy|policies|rotation|rotationdays|param|parameter|parameters|header|type|enabled|disabled|version|versionstage|stage|field|key(?:id|name)|prefix|suffix|template|excludecharacters|excludepunctuation|generatestringkey|requireeachincludedtype|validity|expiry|expiration|expiresin|timeout|count|size|format|location|source|provider|mode|algorithm|alias|duration|period|required|hint|description|label|ref|reference|class|classification|owner|team|kind|scope|tier|port|host|stdin|level|cidr|cidrs|ip|ips|address|addresses|service|services|function|role|table|bucket|queue|topic)$/;
// Keys whose name contains "secret"/"token" but that never hold a secret value.
const NON_SECRET_NAMES = /^(?:nextToken|tokenType|passwordPolicy|passwordReset|secretsmanager|clientSecretSetting|tokenEndpoint|secretString(?:Template)?|generateSecretString|usernameSecretKey|excludeCharacters)$/i;

// Words that contain "secret"/"token" but name a service or a feature, not a value: IAM condition keys
// (`secretsmanager:ResourceTag/...`), the Lambda Parameters and Secrets extension's settings.
const SERVICE_WORDS = /secretsmanager|parameterssecretsextension|secretsextension|sessiontokenservice/g;

// Detection is a pure function of its input, and synthesized outputs repeat the same strings (actions, tag values,
// names) thousands of times: results are memoised, in bounded maps that are simply cleared when full.
const CACHE_LIMIT = 50_000;
const singleCache = new Map<string, Detection | undefined>();
const textCache = new Map<string, Detection[]>();

/** Forget memoised results (the benchmark measures a guard run that starts cold). */
export function clearDetectionCache(): void {
  singleCache.clear();
  textCache.clear();
}

function memo<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  if (cache.has(key)) {
    return cache.get(key) as T;
  }
  if (cache.size >= CACHE_LIMIT) {
    cache.clear();
  }
  const result = compute();
  cache.set(key, result);
  return result;
}

/** Normalise a key for name matching: `DB_PASSWORD` / `dbPassword` / `db-password` → `dbpassword`. */
function normaliseName(name: string): string {
  // Trailing numbers count ("DB_PASSWORD_2" is a password, "secretName_12" a name).
  return name.toLowerCase().replace(/[^a-z0-9]/g, '').replace(SERVICE_WORDS, '').replace(/\d+$/, '');
}

// A name is a variable or key name: a key that is an ARN, a path or a sentence (`Annotation::...:secret:*]`,
// `/prod/db/password`) says nothing about its value.
const IDENTIFIER = /^[A-Za-z_$@-][A-Za-z0-9_.$@-]{0,79}$/;

// The value of an id under these names is the secret itself (Vault AppRole secret_id, a session id).
const SECRET_IDS = /(?:secretid|sessionid)$/;

/** True when a key name suggests its value is a secret (and not the ARN, name, path or length of one). */
export function isSecretLikeName(name: string): boolean {
  if (NON_SECRET_NAMES.test(name) || !IDENTIFIER.test(name)) {
    return false;
  }
  const n = normaliseName(name);
  return SECRET_NAME.test(n) && (SECRET_IDS.test(n) || !NON_VALUE_SUFFIX.test(n));
}

// Names whose value identifies or checksums something (high entropy is expected there).
const IDENTIFIER_NAME = /(?:id|ids|sha\d*|hash|checksum|etag|digest|version|fingerprint|thumbprint)$/;

/** True for names like `key`, `auth`, `credentials` under which a random-looking literal is taken as a secret. */
function isWeakSecretName(name: string): boolean {
  if (!IDENTIFIER.test(name)) {
    return false;
  }
  const n = normaliseName(name);
  return WEAK_SECRET_NAME.test(n) && !NON_VALUE_SUFFIX.test(n);
}

/** Number of switches between character classes (lower, upper, digit, other): high for random strings, low for words. */
function classSwitches(value: string): number {
  const cls = (c: string) => (/[a-z]/.test(c) ? 0 : /[A-Z]/.test(c) ? 1 : /[0-9]/.test(c) ? 2 : 3);
  let switches = 0;
  for (let i = 1; i < value.length; i++) {
    if (cls(value[i]) !== cls(value[i - 1])) {
      switches++;
    }
  }
  return switches;
}

/** Minimum length for the entropy detector: shorter random strings are indistinguishable from ids. */
export const ENTROPY_MIN_LENGTH = 20;
/** Minimum bits per character for the entropy detector. */
export const ENTROPY_MIN_BITS = 4.0;

/** True for a long token that looks random (and is not a known identifier shape). */
export function looksRandom(value: string): boolean {
  const v = value.trim();
  if (v.length < ENTROPY_MIN_LENGTH || !/^[A-Za-z0-9+/=_-]+$/.test(v) || isBenignIdentifier(v) || isPointerPath(v)) {
    return false;
  }
  // Hex alone is how hashes and ids are written; without a secret-like name it is not evidence of a secret.
  if (/^[0-9a-fA-F-]+$/.test(v)) {
    return false;
  }
  const hasLower = /[a-z]/.test(v);
  const hasUpper = /[A-Z]/.test(v);
  const hasDigit = /[0-9]/.test(v);
  if (!(hasLower && hasUpper && hasDigit)) {
    return false;
  }
  // Identifiers (camelCase words, kebab-case names) switch class rarely; random base62/base64 switches about half the time.
  return shannonEntropy(v) >= ENTROPY_MIN_BITS && classSwitches(v) >= v.length * 0.3;
}

/** Format-based detections in a string (gitleaks rules, Keyward's formats, assignment forms), references removed first. */
function formatDetections(value: string, name?: string): Detection[] {
  const literal = stripReferences(value);
  const out: Detection[] = [];
  const seen = new Set<string>();
  const push = (label: string, secret: string): void => {
    const s = secret.trim();
    if (s.length < 4 || seen.has(s) || isPlaceholder(s) || isReference(s) || [...seen].some((x) => x.includes(s))) {
      return;
    }
    seen.add(s);
    out.push({ kind: DetectionKind.CREDENTIAL_FORMAT, label, secret: s });
  };
  for (const m of matchCredentialFormats(literal)) {
    push(m.label, m.secret);
  }
  // A value stored under a name is seen as `name=value` (one pass), so gitleaks' rules that need the name
  // (generic-api-key, `<vendor>_key = ...`) apply; only what lies in the value counts, and for the generic rule not an
  // identifier or a path.
  const prefix = name !== undefined && !value.includes('\n') ? `${name}=` : '';
  for (const m of matchGitleaksRules(`${prefix}${literal}`)) {
    const generic = m.ruleId.startsWith('generic');
    if (m.index >= prefix.length && !(prefix && generic && (isBenignIdentifier(m.secret) || isPointerPath(m.secret)))) {
      push(`${m.description.replace(/\.$/, '')} (gitleaks ${m.ruleId})`, m.secret);
    }
  }
  // Assignment forms see the original: a reference there (`Password=${DbPassword};`) is not a literal.
  for (const m of matchAssignmentForms(value)) {
    push(m.label, m.secret);
  }
  return out;
}

/**
 * A path is a pointer (`/prod/db/password`, `prod/dockerhub:password`), unless its "segments" are random: base64 has
 * "/" too. Words switch character class rarely; random text often.
 */
function isPointerPath(value: string): boolean {
  return isPathOrName(value) && value.split(/[/:]/).every((seg) => classSwitches(seg) <= Math.max(4, seg.length * 0.3));
}

// An environment variable's name (`REPORTING_CREDENTIALS_JSON`): upper-case words joined by underscores.
const ENV_VAR_NAME = /^[A-Z][A-Z]+\d*(?:_(?:[A-Z]+\d*|\d+))+$/;
// Words that name a secret's field or kind rather than hold it (`"DB_PASSWORD": "password"`, `secret: "token"`).
const FIELD_WORDS = /^(?:password|passwd|passphrase|pass|pwd|pw|secret|secrets|token|key|apikey|credential|credentials|creds|value|string|example|sample|dummy)$/;

/**
 * A value that names something instead of holding a secret: an environment variable name, a field-name word, or a
 * word (letters only, no digits) that is the key's own name or part of it (`"DB_PASSWORD": "password"`,
 * `secret_id=secret_id` passing a variable on).
 */
function isNameLikeValue(value: string, name?: string): boolean {
  const v = value.trim();
  if (ENV_VAR_NAME.test(v)) {
    return true;
  }
  if (!/^[A-Za-z]+(?:[_-]?[A-Za-z]+)*$/.test(v)) {
    return false;
  }
  const word = v.toLowerCase().replace(/[_-]/g, '');
  return FIELD_WORDS.test(word) || (name !== undefined && word.length >= 3 && normaliseName(name).includes(word));
}

// Template placeholders inside a string: `{user}`, `%s`, `%(password)s`, `{{ .Password }}`, `${DB_USER}`, `$DB_USER`, `<host>`.
const TEMPLATE_FIELD = /\{\{[^{}]+\}\}|\$\{[^{}]+\}|\{[\w.[\]'"]*\}|%(?:\([\w.-]+\))?[sd]|\$[A-Za-z_]\w*|<[\w .-]+>/g;

/**
 * A URL template (`postgres://%s:%s@%s/%s`, `postgresql://{user}:{password}@{host}/app`): it has placeholders and its
 * user-info part holds no literal password. (A literal password in a URL is the URL-credentials form's finding.)
 */
function isUrlTemplate(value: string): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*@)?/i.exec(value);
  if (!m || value.replace(TEMPLATE_FIELD, '') === value) {
    return false;
  }
  const password = m[1]?.slice(0, -1).split(':').slice(1).join(':');
  return password === undefined || password === '' || password.replace(TEMPLATE_FIELD, '') === '';
}

/** True when a literal, given under a secret-like name, is an actual value rather than a pointer or placeholder. */
function isLiteralValue(value: string, name?: string): boolean {
  const v = value.trim();
  return (
    v.length >= 4 &&
    !isNameLikeValue(v, name) &&
    !isUrlTemplate(v) &&
    !isReference(v) &&
    !isPlaceholder(v) &&
    !isPointerPath(v) &&
    !/^arn:/.test(v) &&
    !/^(?:true|false|yes|no|on|off|null|none|enabled|disabled|required|optional)$/i.test(v) &&
    !/^\d{1,6}$/.test(v) &&
    !/^\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?$/.test(v) && // IPv4 address or CIDR
    !/^(?:https?:\/\/)?(?:[a-z0-9-]+\.)+(?:com|net|org|io|dev|internal|local|aws)(?::\d+)?(?:\/[^\s:@]*)?$/i.test(v) && // host or URL without credentials
    stripReferences(v).trim().length >= 4
  );
}

/** Base64 (standard or URL-safe) that decodes to printable text: the text, else undefined. */
function decodeBase64Text(value: string): string | undefined {
  const v = value.trim();
  if (v.length < 16 || v.length % 4 === 1 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(v) || /^[0-9a-fA-F]+$/.test(v)) {
    return undefined;
  }
  const text = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf-8');
  // Printable ASCII only: binary (hashes, key ids) decodes to control characters and replacement characters.
  return text.length >= 8 && /^[\x20-\x7e\t\r\n]+$/.test(text) ? text : undefined;
}

/** A credential inside base64: `user:password` (Basic auth), a JSON or script with a secret, a known format. */
function base64Detection(value: string, name: string | undefined): Detection | undefined {
  const text = decodeBase64Text(value);
  if (text === undefined) {
    return undefined;
  }
  const inner = [...formatDetections(text), ...(text.includes('=') || text.includes(':') ? detectSecretsInText(text) : [])];
  const basic = /^[^\s:]{1,64}:(\S{4,})$/.exec(text);
  if (inner.length === 0 && !(basic && name !== undefined && (isSecretLikeName(name) || isWeakSecretName(name)))) {
    return undefined;
  }
  return { kind: DetectionKind.CREDENTIAL_FORMAT, label: `base64-encoded credential (${inner[0]?.label ?? 'user:password'})`, secret: value };
}

/**
 * Detect a secret in a single value, optionally given the name it is stored under (an environment variable, a tag
 * key, a parameter name, a JSON key). Returns the most precise detection, or undefined when the value is safe.
 */
export function detectSecret(value: string, name?: string): Detection | undefined {
  return memo(singleCache, `${name ?? ''}\u0000${value}`, () => detectSecretUncached(value, name));
}

function detectSecretUncached(value: string, name?: string): Detection | undefined {
  if (value.trim() === '' || isReference(value)) {
    return undefined;
  }
  const byFormat = formatDetections(value, name);
  if (byFormat.length > 0) {
    return byFormat[0];
  }
  if (name !== undefined && isSecretLikeName(name) && isLiteralValue(value, name)) {
    return { kind: DetectionKind.SECRET_NAME, label: `literal value of a secret-like name (${name})`, secret: value };
  }
  // Beyond formats and secret-like names, an identifier (logical id, UUID, hash, resource id) is never a secret.
  if (isBenignIdentifier(value)) {
    return undefined;
  }
  const encoded = base64Detection(value, name);
  if (encoded) {
    return encoded;
  }
  if (name !== undefined && isWeakSecretName(name) && isLiteralValue(value) && looksOpaque(value)) {
    return { kind: DetectionKind.SECRET_NAME, label: `random-looking value of a key-like name (${name})`, secret: value };
  }
  if (!(name !== undefined && IDENTIFIER_NAME.test(normaliseName(name))) && looksRandom(value)) {
    return { kind: DetectionKind.HIGH_ENTROPY, label: 'high-entropy string', secret: value };
  }
  return undefined;
}

/** A token that is no word, path or identifier: at least 16 characters, mixed classes, entropy ≥ 3.5 bits. */
function looksOpaque(value: string): boolean {
  const v = value.trim();
  return v.length >= 16 && /^[A-Za-z0-9+/=_.~-]+$/.test(v) && !isBenignIdentifier(v) && !isPointerPath(v) && shannonEntropy(v) >= 3.5 && classSwitches(v) >= 4;
}

// `NAME=value`, `NAME: value`, `export NAME="value"`, `--name value`, `"name": "value"` inside scripts and documents.
// The prefix is a look-behind so that a value can itself start the next assignment (`-u root --password x`).
const ASSIGNMENT = /(?<=^|[\s;&|'"({,])(export\s+|set\s+|ENV\s+)?(-{0,2})["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?[ \t]*(=|:|[ \t])[ \t]*(["']?)([^\s'";&|,)}]+)/gm;

// Type names of Python, TypeScript, Go, Rust, Java and C# as they follow `name:` in an annotation (generic forms such
// as `Optional[str]` or `Array<string>` included).
const TYPE_NAME = /^(?:str|bytes|bytearray|int|float|bool|string|String|number|boolean|bigint|any|Any|unknown|object|symbol|Buffer|Uint8Array|SecretStr|SecretBytes|char|rune|byte|usize|Text|dict|Dict|list|List|Mapping|None|void|never)$|^[A-Za-z_][\w.]*<[^<>]*>$/;

/**
 * Detect every secret in free text (user data scripts, buildspecs, JSON documents): known formats anywhere, and
 * assignments to secret-like names. Entropy alone is not used on text: scripts are full of hashes and ids.
 */
export function detectSecretsInText(text: string): Detection[] {
  return memo(textCache, text, () => detectSecretsInTextUncached(text));
}

function detectSecretsInTextUncached(text: string): Detection[] {
  const out: Detection[] = [...formatDetections(text)];
  const seen = new Set(out.map((d) => d.secret));
  const re = new RegExp(ASSIGNMENT.source, ASSIGNMENT.flags);
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const [whole, prefix, dashes, name, separator, quote, value] = m;
    // `name value` is an assignment only as a flag (`--password x`) or a Dockerfile ENV; in prose it is two words.
    if (/[ \t]/.test(separator) && !dashes && !prefix?.startsWith('ENV')) {
      re.lastIndex = m.index + whole.length - value.length;
      continue;
    }
    // `${NAME:?message}` / `${NAME:-default}` is a shell expansion of NAME, not an assignment to it.
    if (text.slice(Math.max(0, m.index - 2), m.index) === '${') {
      re.lastIndex = m.index + whole.length;
      continue;
    }
    // Resume at the value: it may be the name of the next assignment.
    re.lastIndex = m.index + whole.length - value.length;
    // A type annotation is a declaration, not an assignment (`secret_id: str`, `password: string`,
    // `token: Optional[bytes]`); what it declares is only the default after it, if any (`password: str = "..."`).
    if (!quote && separator === ':' && (TYPE_NAME.test(value) || /^[A-Za-z_][\w.]*\[/.test(value))) {
      const declared = /^[^\n=]*?[ \t]*=[ \t]*(["'])([^"'\n]+)\1/.exec(text.slice(m.index + whole.length));
      const literal = declared?.[2];
      if (literal !== undefined && !seen.has(literal) && isSecretLikeName(name) && isLiteralValue(literal, name)) {
        seen.add(literal);
        out.push({ kind: DetectionKind.SECRET_NAME, label: `literal value of a secret-like name (${name})`, secret: literal });
      }
      continue;
    }
    if (seen.has(value) || !isSecretLikeName(name) || !isLiteralValue(value, name)) {
      continue;
    }
    // A flag followed by another flag or a shell word is not a value (`--password-stdin`, `--token $(...)`).
    if (value.startsWith('-') || value.startsWith('$')) {
      continue;
    }
    // Unquoted code in inline sources reads a value rather than holding one: `token: process.env.AWS_SESSION_TOKEN`.
    if (!quote && /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[.*|\(.*)+$/.test(value)) {
      continue;
    }
    seen.add(value);
    out.push({ kind: DetectionKind.SECRET_NAME, label: `literal value of a secret-like name (${name})`, secret: value });
  }
  return out;
}

/** Show that something is there without showing it: a short non-secret prefix at most, then the length. */
export function maskSecret(secret: string): string {
  const visible = secret.length >= 16 ? Math.min(4, Math.floor(secret.length / 8)) : 0;
  return `${secret.slice(0, visible)}****(${secret.length} chars)`;
}
