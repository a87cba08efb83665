// A generic evaluator of IAM policy statements for the access report: Action/NotAction, Resource/NotResource,
// Principal/NotPrincipal, Allow/Deny and conditions, in three values (yes, no, maybe). It knows nothing of the
// statements Keyward writes: whatever a template says is evaluated the same way.

/** Three-valued truth: `maybe` when the answer depends on a value the synthesized output does not hold. */
export type Tri = 'yes' | 'no' | 'maybe';

export function and(a: Tri, b: Tri): Tri {
  return a === 'no' || b === 'no' ? 'no' : a === 'maybe' || b === 'maybe' ? 'maybe' : 'yes';
}

export function or(a: Tri, b: Tri): Tri {
  return a === 'yes' || b === 'yes' ? 'yes' : a === 'maybe' || b === 'maybe' ? 'maybe' : 'no';
}

export function not(a: Tri): Tri {
  return a === 'yes' ? 'no' : a === 'no' ? 'yes' : 'maybe';
}

/**
 * One character of a resource name that is unknown when the output is synthesized (the random 6-character suffix of a
 * secret ARN). It matches any one pattern character, so `name-??????`, `name-*` and `*` match, and a pattern naming
 * one particular suffix is treated as possibly matching.
 */
export const UNKNOWN_CHAR = '\uE000';

/**
 * IAM wildcard match: `*` any run of characters, `?` one character, on a subject that may hold {@link UNKNOWN_CHAR}.
 */
export function globMatch(pattern: string, subject: string, ignoreCase = false): boolean {
  if (ignoreCase) {
    pattern = pattern.toLowerCase();
    subject = subject.toLowerCase();
  }
  if (!pattern.includes('*') && !pattern.includes('?') && !subject.includes(UNKNOWN_CHAR)) {
    return pattern === subject;
  }
  let p = 0;
  let s = 0;
  let star = -1;
  let mark = 0;
  while (s < subject.length) {
    const pc = pattern[p];
    if (p < pattern.length && pc !== '*' && (pc === '?' || pc === subject[s] || subject[s] === UNKNOWN_CHAR)) {
      p++;
      s++;
    } else if (p < pattern.length && pc === '*') {
      star = p++;
      mark = s;
    } else if (star !== -1) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') {
    p++;
  }
  return p === pattern.length;
}

/**
 * A value in a condition's context: the known values (empty when the key is known to be absent), unknown, or one
 * unknown value known to be none of `except` (the account of a caller of any other account).
 */
export type ContextValue = string[] | 'unknown' | { readonly except: string[] };

/** What a request is: the action, the resource ARN, the calling principal and the condition keys it carries. */
export interface PolicyRequest {
  readonly action: string;
  readonly resource: string;
  /** Principal ARN and account, for resource and key policies. */
  readonly principalArn?: string;
  readonly principalAccount?: string;
  /** Whether the caller is a service principal (only used for `Principal: {Service}` and aws:PrincipalIsAWSService). */
  readonly service?: string;
  /** Condition key (lower case) to value. */
  context(key: string): ContextValue;
}

export interface Statement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Condition?: { [op: string]: { [key: string]: unknown } };
}

export function list(v: unknown): string[] {
  if (v === undefined || v === null) {
    return [];
  }
  return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
}

/** Statements of a policy document, however it is written. */
export function statementsOf(doc: unknown): Statement[] {
  const s = (doc as { Statement?: unknown } | undefined)?.Statement;
  if (s === undefined || s === null) {
    return [];
  }
  return (Array.isArray(s) ? s : [s]).filter((x): x is Statement => typeof x === 'object' && x !== null);
}

interface Parsed {
  readonly resources?: string[];
  readonly notResources?: string[];
  readonly actions: Map<string, boolean>;
}

// Statements are evaluated for every secret and every principal: their lists are normalized once.
const parsedStatements = new WeakMap<Statement, Parsed>();

function parsed(st: Statement): Parsed {
  let p = parsedStatements.get(st);
  if (!p) {
    p = {
      resources: st.Resource !== undefined ? list(st.Resource) : undefined,
      notResources: st.NotResource !== undefined ? list(st.NotResource) : undefined,
      actions: new Map(),
    };
    parsedStatements.set(st, p);
  }
  return p;
}

export function actionMatches(st: Statement, action: string): boolean {
  const cache = parsed(st).actions;
  let r = cache.get(action);
  if (r === undefined) {
    if (st.Action !== undefined) {
      r = list(st.Action).some((a) => globMatch(a, action, true));
    } else if (st.NotAction !== undefined) {
      r = !list(st.NotAction).some((a) => globMatch(a, action, true));
    } else {
      r = false;
    }
    cache.set(action, r);
  }
  return r;
}

/** The `Resource` patterns of a statement that match the resource; for `NotResource`, one entry when the resource is not excluded. */
export function resourceMatches(st: Statement, resource: string): string[] {
  const p = parsed(st);
  if (p.resources !== undefined) {
    return p.resources.filter((r) => globMatch(r, resource));
  }
  if (p.notResources !== undefined) {
    return p.notResources.some((r) => globMatch(r, resource)) ? [] : [`NotResource ${p.notResources.join(', ')}`];
  }
  return [];
}

/** Whether the statement's Principal (resource and key policies) names the caller. */
export function principalMatches(st: Statement, req: PolicyRequest): Tri {
  if (st.Principal !== undefined) {
    return namesPrincipal(st.Principal, req);
  }
  if (st.NotPrincipal !== undefined) {
    return not(namesPrincipal(st.NotPrincipal, req));
  }
  return 'no';
}

function namesPrincipal(p: unknown, req: PolicyRequest): Tri {
  if (p === '*') {
    return 'yes';
  }
  if (typeof p !== 'object' || p === null) {
    return 'no';
  }
  const spec = p as { AWS?: unknown; Service?: unknown; Federated?: unknown };
  if (req.service !== undefined) {
    return list(spec.Service).some((s) => s === req.service) ? 'yes' : 'no';
  }
  for (const a of list(spec.AWS)) {
    if (a === '*') {
      return 'yes';
    }
    if (req.principalArn !== undefined && a === req.principalArn) {
      return 'yes';
    }
    const account = /^\d{12}$/.test(a) ? a : /^arn:[^:]+:iam::(\d{12}):root$/.exec(a)?.[1];
    if (account !== undefined && account === req.principalAccount) {
      return 'yes';
    }
  }
  return 'no';
}

/** The account an `AWS` principal string stands for when it is a whole account (`123…`, `arn:…:root`). */
export function accountPrincipal(a: string): string | undefined {
  return /^\d{12}$/.test(a) ? a : /^arn:[^:]+:iam::([^:]+):root$/.exec(a)?.[1];
}

/** Condition of a statement against the request; the names of keys it could not evaluate go to `unknown`. */
export function conditionHolds(st: Statement, req: PolicyRequest, unknown: Set<string>): Tri {
  let result: Tri = 'yes';
  for (const [op, block] of Object.entries(st.Condition ?? {})) {
    for (const [key, expected] of Object.entries(block ?? {})) {
      const r = evalCondition(op, key, list(expected), req);
      if (r === 'maybe') {
        const values = list(expected);
        unknown.add(`${key} ${op} ${values.slice(0, 3).join(', ')}${values.length > 3 ? ` (+${values.length - 3} more)` : ''}`);
      }
      result = and(result, r);
      if (result === 'no') {
        return 'no';
      }
    }
  }
  return result;
}

function evalCondition(opWritten: string, key: string, expected: string[], req: PolicyRequest): Tri {
  let op = opWritten;
  let set: 'any' | 'all' | undefined;
  if (op.startsWith('ForAnyValue:')) {
    set = 'any';
    op = op.slice('ForAnyValue:'.length);
  } else if (op.startsWith('ForAllValues:')) {
    set = 'all';
    op = op.slice('ForAllValues:'.length);
  }
  const ifExists = op.endsWith('IfExists');
  if (ifExists) {
    op = op.slice(0, -'IfExists'.length);
  }
  const value = req.context(key.toLowerCase());
  if (op === 'Null') {
    if (value === 'unknown') {
      return 'maybe';
    }
    const wantAbsent = expected.some((e) => e.toLowerCase() === 'true');
    return (Array.isArray(value) && value.length === 0) === wantAbsent ? 'yes' : 'no';
  }
  const negated = /^(StringNot|ArnNot|NumericNotEquals|DateNotEquals|NotIpAddress)/.test(op);
  const single = matcher(op);
  if (value === 'unknown' || single === undefined) {
    return 'maybe';
  }
  if (!Array.isArray(value)) {
    // One value that is none of `except`: a policy value among them (written without wildcards) cannot match it.
    const positive: Tri = expected.every((e) => !/[*?]/.test(e) && value.except.includes(e)) ? 'no' : 'maybe';
    return negated ? not(positive) : positive;
  }
  if (value.length === 0) {
    // An absent key: IfExists and ForAllValues hold; a negated operator holds; anything else does not.
    return ifExists || set === 'all' || (negated && set === undefined) ? 'yes' : 'no';
  }
  // A negated operator holds for a value that matches none of the policy's values.
  const holds = (v: string) => expected.some((e) => single(e, v)) !== negated;
  if (set === 'all') {
    return value.every(holds) ? 'yes' : 'no';
  }
  if (set === 'any') {
    return value.some(holds) ? 'yes' : 'no';
  }
  // A single-valued key: a negated operator holds when no value matches.
  return (negated ? value.every(holds) : value.some(holds)) ? 'yes' : 'no';
}

function equalsAllowingUnknown(expected: string, actual: string): boolean {
  if (expected.length !== actual.length) {
    return false;
  }
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i] && actual[i] !== UNKNOWN_CHAR) {
      return false;
    }
  }
  return true;
}

/** The positive form of an operator as a comparison of (policy value, context value); undefined when not modelled. */
function matcher(op: string): ((expected: string, actual: string) => boolean) | undefined {
  switch (op.replace(/Not/, '')) {
    case 'StringEquals':
    case 'ArnEquals':
      return op.startsWith('Arn') ? (e, a) => globMatch(e, a) : equalsAllowingUnknown;
    case 'StringEqualsIgnoreCase':
      return (e, a) => e.toLowerCase() === a.toLowerCase();
    case 'StringLike':
    case 'ArnLike':
      return (e, a) => globMatch(e, a);
    case 'Bool':
      return (e, a) => e.toLowerCase() === a.toLowerCase();
    default:
      return undefined;
  }
}
