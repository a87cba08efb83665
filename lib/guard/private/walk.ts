import { Detection, DetectionKind, detectSecret, detectSecretsInText } from '../../core/detect';

/** A string found in a template or Terraform document, with where it was and the key it was stored under. */
export interface FoundSecret {
  readonly path: string;
  readonly detection: Detection;
}

/** Detect secrets in one string: free text (scripts, JSON documents) line by line, single values with their name. */
export function detectInString(value: string, name: string | undefined): Detection[] {
  const trimmed = value.trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) {
    try {
      const found: FoundSecret[] = [];
      walkValue(JSON.parse(trimmed), '', undefined, found);
      if (found.length > 0) {
        return found.map((f) => f.detection);
      }
    } catch {
      // not JSON: fall through to text detection
    }
  }
  if (value.includes('\n') || value.length > 200) {
    return detectSecretsInText(value);
  }
  const single = detectSecret(value, name);
  return single ? [single] : [];
}

// Only these read a value from elsewhere; every other intrinsic's literal arguments (Fn::Split, Fn::FindInMap,
// Fn::ToJsonString, Fn::Select, Fn::Sub variable maps, ...) are in the template and are read like any other value.
const REFERENCE_FUNCTIONS = new Set(['Ref', 'Fn::GetAtt', 'Fn::ImportValue']);

/**
 * Where a value is: built as a linked list while walking and rendered to `a.b[0].c` only for a detection (outputs
 * have hundreds of thousands of values and very few findings).
 */
export interface PathNode {
  readonly parent?: PathNode;
  readonly key: string | number;
}

function childPath(path: PathNode | string, key: string | number): PathNode {
  return { parent: typeof path === 'string' ? (path === '' ? undefined : { key: path }) : path, key };
}

function render(path: PathNode | string): string {
  if (typeof path === 'string') {
    return path;
  }
  const keys: (string | number)[] = [];
  for (let p: PathNode | undefined = path; p; p = p.parent) {
    keys.push(p.key);
  }
  let out = '';
  for (const k of keys.reverse()) {
    out = typeof k === 'number' ? `${out}[${k}]` : out ? `${out}.${k}` : k;
  }
  return out;
}

/**
 * Walk a JSON value (CloudFormation or Terraform JSON) and collect every detected secret in its strings.
 * CloudFormation intrinsics are understood: references are skipped, the literal parts of `Fn::Join` / `Fn::Sub` are
 * scanned; `{ Name|Key, Value }` pairs (ECS environment, tags, CodeBuild variables) use the name for detection.
 */
export function walkValue(value: unknown, path: PathNode | string, name: string | undefined, out: FoundSecret[]): void {
  if (typeof value === 'string') {
    for (const detection of detectInString(value, name)) {
      out.push({ path: render(path), detection });
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => walkValue(v, childPath(path, i), name, out));
    return;
  }
  if (value === null || typeof value !== 'object') {
    return;
  }
  const obj = value as { [key: string]: unknown };
  const keys = Object.keys(obj);
  if (keys.length === 1 && (REFERENCE_FUNCTIONS.has(keys[0]) || keys[0] === 'Fn::GetAtt')) {
    return;
  }
  if (keys.length === 1 && (keys[0] === 'Fn::Join' || keys[0] === 'Fn::Sub')) {
    // Join/Sub are strings at deploy time: scan the string they build, with `${ref}` where a reference goes, so that a
    // dynamic reference split around a Ref (`{{resolve:secretsmanager:`, Ref, `:SecretString:password}}`) stays whole.
    const flat = flattenString(value);
    if (flat !== undefined) {
      walkValue(flat, childPath(path, keys[0]), name, out);
      // A Sub's variable map holds values of its own (literals too), each under its variable name.
      const arg = obj[keys[0]];
      if (keys[0] === 'Fn::Sub' && Array.isArray(arg) && arg[1] && typeof arg[1] === 'object') {
        walkValue(arg[1], childPath(childPath(path, keys[0]), 1), name, out);
      }
      return;
    }
  }
  if (keys.length === 1 && keys[0].startsWith('Fn::')) {
    const arg = obj[keys[0]];
    const fnPath = childPath(path, keys[0]);
    switch (keys[0]) {
      case 'Fn::Join':
        if (Array.isArray(arg) && arg.length === 2) {
          walkValue(arg[1], childPath(fnPath, 1), name, out);
        }
        return;
      case 'Fn::Sub':
        walkValue(Array.isArray(arg) ? arg[0] : arg, fnPath, name, out);
        if (Array.isArray(arg) && arg[1] && typeof arg[1] === 'object') {
          walkValue(arg[1], childPath(fnPath, 1), name, out);
        }
        return;
      case 'Fn::If':
        if (Array.isArray(arg)) {
          walkValue(arg.slice(1), fnPath, name, out);
        }
        return;
      default:
        walkValue(arg, fnPath, name, out);
        return;
    }
  }
  const pairName = ['Name', 'Key', 'name', 'key'].find((k) => typeof obj[k] === 'string');
  const pairValue = ['Value', 'value'].find((k) => k in obj);
  if (pairName && pairValue) {
    walkValue(obj[pairValue], childPath(path, pairValue), obj[pairName] as string, out);
    for (const k of keys) {
      if (k !== pairName && k !== pairValue) {
        walkValue(obj[k], childPath(path, k), k, out);
      }
    }
    return;
  }
  for (const k of keys) {
    if (k === '//') {
      continue; // cdktf metadata
    }
    walkValue(obj[k], childPath(path, k), k, out);
  }
}

/** The string a CloudFormation expression builds, references replaced by `${ref}`; undefined when it is not a string. */
function flattenString(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return undefined;
  }
  const [key, ...rest] = Object.keys(value);
  const arg = (value as { [k: string]: unknown })[key];
  if (rest.length > 0) {
    return undefined;
  }
  if (REFERENCE_FUNCTIONS.has(key)) {
    return '${ref}';
  }
  if (key === 'Fn::Join' && Array.isArray(arg) && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
    const parts = arg[1].map(flattenString);
    return parts.every((p) => p !== undefined) ? parts.join(arg[0]) : undefined;
  }
  if (key === 'Fn::Sub') {
    if (typeof arg === 'string') {
      return arg;
    }
    if (!Array.isArray(arg) || typeof arg[0] !== 'string') {
      return undefined;
    }
    // Literal variables are substituted into the string (so `Password=${Pw};` with Pw a literal is seen whole);
    // reference variables stay `${X}`.
    const vars = (arg[1] ?? {}) as { [k: string]: unknown };
    return arg[0].replace(/\$\{([^}!]+)\}/g, (whole, v: string) => (typeof vars[v] === 'string' ? (vars[v] as string) : whole));
  }
  return undefined;
}

/** A CloudFormation dynamic reference to a secret's value: resolved to the plaintext by CloudFormation at deploy. */
const DYNAMIC_SECRET_REFERENCE = /\{\{resolve:(?:secretsmanager|ssm-secure):/;

/**
 * Dynamic references to secret values (`{{resolve:secretsmanager:…}}`, `{{resolve:ssm-secure:…}}`) in a value that is
 * stored as plain text where it is deployed (a Lambda environment, an ECS `Environment`, a CodeBuild PLAINTEXT
 * variable): the template holds only the reference, but the deployed configuration holds the value.
 */
export function findDynamicSecretReferences(value: unknown, path: string): FoundSecret[] {
  const out: FoundSecret[] = [];
  const visit = (v: unknown, at: string): void => {
    // Each string the value can build (both branches of an Fn::If), references as `${ref}`.
    const flats = alternatives(v);
    if (flats.length > 0) {
      const match = flats.map(f => DYNAMIC_SECRET_REFERENCE.exec(f)).find(m => m !== null);
      if (match) {
        out.push({
          path: at,
          detection: {
            kind: DetectionKind.SECRET_NAME,
            label: 'a dynamic reference to a secret value, which CloudFormation resolves to the plaintext in this property at deploy',
            secret: match[0],
          },
        });
      }
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, `${at}[${i}]`));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        visit(x, `${at}.${k}`);
      }
    }
  };
  visit(value, path);
  return out;
}

/** The strings a CloudFormation expression can build: as flattenString, with each branch of an Fn::If (at most 16). */
function alternatives(value: unknown): string[] {
  const flat = flattenString(value);
  if (flat !== undefined) {
    return [flat];
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return [];
  }
  const keys = Object.keys(value);
  const arg = (value as { [k: string]: unknown })[keys[0]];
  if (keys.length === 1 && keys[0] === 'Fn::If' && Array.isArray(arg) && arg.length === 3) {
    return [...alternatives(arg[1]), ...alternatives(arg[2])].slice(0, 16);
  }
  if (keys.length === 1 && keys[0] === 'Fn::Join' && Array.isArray(arg) && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
    let out: string[] | undefined;
    for (const part of arg[1]) {
      const options = typeof part === 'string' ? [part] : alternatives(part);
      if (options.length === 0) {
        return [];
      }
      out = out === undefined ? options : out.flatMap(prefix => options.map(o => `${prefix}${arg[0]}${o}`)).slice(0, 16);
    }
    return out ?? [];
  }
  return [];
}

/** Convenience: all secrets in a value. */
export function findSecrets(value: unknown, path: string, name?: string): FoundSecret[] {
  const out: FoundSecret[] = [];
  walkValue(value, path, name, out);
  return out;
}
