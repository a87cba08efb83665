/**
 * gitleaks' rule set (vendored as data in detect-gitleaks-data.ts, refreshed by scripts/refresh-gitleaks-rules.sh),
 * evaluated the way gitleaks does: a keyword prefilter picks the rules whose keywords occur in the text, each rule's
 * regex runs, the secret is the first non-empty capture group (or `secretGroup`), a rule with an entropy threshold
 * drops secrets at or below it, and the global and per-rule allowlists (regexes on the secret, the match or the line;
 * stop words) drop known non-secrets. Synchronous; regexes are compiled once, on first use.
 *
 * Target-neutral: no aws-cdk-lib or cdktf imports.
 */
import { GITLEAKS_DATA } from './detect-gitleaks-data';

/** One gitleaks allowlist of a rule, converted. */
export interface GitleaksAllowlistData {
  readonly target: string;
  readonly regexes: readonly string[];
  readonly stopwords: readonly string[];
  readonly and: boolean;
}

/** One gitleaks rule, converted. */
export interface GitleaksRuleData {
  readonly id: string;
  readonly description: string;
  readonly regex: string;
  readonly secretGroup: number;
  readonly entropy: number;
  readonly keywords: readonly string[];
  readonly allowlists: readonly GitleaksAllowlistData[];
}

/** The whole vendored rule set. */
export interface GitleaksData {
  readonly allowlist: { readonly regexes: readonly string[]; readonly stopwords: readonly string[] };
  readonly rules: readonly GitleaksRuleData[];
}

/** A secret found by a gitleaks rule. */
export interface GitleaksMatch {
  readonly ruleId: string;
  readonly description: string;
  readonly secret: string;
  /** Offset of the secret in the scanned text. */
  readonly index: number;
}

interface CompiledAllowlist {
  readonly target: string;
  readonly regexes: RegExp[];
  readonly stopwords: readonly string[];
  readonly and: boolean;
}

interface CompiledRule {
  readonly data: GitleaksRuleData;
  readonly regex: RegExp;
  readonly allowlists: CompiledAllowlist[];
}

interface Compiled {
  readonly rules: CompiledRule[];
  readonly noKeyword: CompiledRule[];
  /** Keyword → rules; keywords indexed by their first two characters for a linear prefilter scan. */
  readonly byKeyword: Map<string, CompiledRule[]>;
  readonly byPrefix: Map<number, string[]>;
  readonly globalRegexes: RegExp[];
  readonly globalStopwords: readonly string[];
}

let compiled: Compiled | undefined;

function compile(): Compiled {
  const rules = GITLEAKS_DATA.rules.map((data) => ({
    data,
    regex: new RegExp(data.regex, 'g'),
    allowlists: data.allowlists.map((a) => ({ ...a, regexes: a.regexes.map((r) => new RegExp(r)) })),
  }));
  const byKeyword = new Map<string, CompiledRule[]>();
  const byPrefix = new Map<number, string[]>();
  for (const rule of rules) {
    for (const k of rule.data.keywords) {
      if (!byKeyword.has(k)) {
        byKeyword.set(k, []);
        const prefix = pairCode(k, 0);
        byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), k]);
      }
      byKeyword.get(k)!.push(rule);
    }
  }
  return {
    rules,
    noKeyword: rules.filter((r) => r.data.keywords.length === 0),
    byKeyword,
    byPrefix,
    globalRegexes: GITLEAKS_DATA.allowlist.regexes.map((r) => new RegExp(r)),
    globalStopwords: GITLEAKS_DATA.allowlist.stopwords,
  };
}

/** The first two characters at `i` as one number (no substring allocated per position). */
function pairCode(s: string, i: number): number {
  return s.charCodeAt(i) * 65536 + s.charCodeAt(i + 1);
}

/** The rules whose keywords occur in `lower` (gitleaks' Aho-Corasick prefilter, here by two-character prefix). */
function candidateRules(c: Compiled, lower: string): Set<CompiledRule> {
  const out = new Set<CompiledRule>(c.noKeyword);
  for (let i = 0; i < lower.length - 1; i++) {
    const keys = c.byPrefix.get(pairCode(lower, i));
    if (keys === undefined) {
      continue;
    }
    for (const k of keys) {
      if (lower.startsWith(k, i)) {
        for (const r of c.byKeyword.get(k)!) {
          out.add(r);
        }
      }
    }
  }
  return out;
}

/** Shannon entropy in bits per character (gitleaks' definition, shared by Keyward's own entropy checks). */
export function shannonEntropy(value: string): number {
  if (value.length === 0) {
    return 0;
  }
  const counts = new Map<string, number>();
  for (const ch of value) {
    counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let e = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    e -= p * Math.log2(p);
  }
  return e;
}

function allowed(a: CompiledAllowlist, secret: string, match: string, line: string): boolean {
  const target = a.target === 'match' ? match : a.target === 'line' ? line : secret;
  const checks: boolean[] = [];
  if (a.regexes.length > 0) {
    checks.push(a.regexes.some((r) => r.test(target)));
  }
  if (a.stopwords.length > 0) {
    const lower = secret.toLowerCase();
    checks.push(a.stopwords.some((w) => lower.includes(w)));
  }
  return checks.length > 0 && (a.and ? checks.every(Boolean) : checks.some(Boolean));
}

function lineAt(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index) + 1;
  const end = text.indexOf('\n', index);
  return text.slice(start, end === -1 ? undefined : end);
}

/** Every secret gitleaks' rules find in `text`, in order of appearance (one per rule and position). */
export function matchGitleaksRules(text: string): GitleaksMatch[] {
  const c = (compiled ??= compile());
  const out: GitleaksMatch[] = [];
  for (const rule of candidateRules(c, text.toLowerCase())) {
    rule.regex.lastIndex = 0;
    for (const m of text.matchAll(rule.regex)) {
      const match = m[0].replace(/^\n+|\n+$/g, '');
      let secret = match;
      if (m.length >= 2) {
        if (rule.data.secretGroup > 0) {
          secret = m[rule.data.secretGroup] ?? '';
        } else {
          secret = m.slice(1).find((g) => g !== undefined && g.length > 0) ?? match;
        }
      }
      if (secret === '' || (rule.data.entropy !== 0 && shannonEntropy(secret) <= rule.data.entropy)) {
        continue;
      }
      const lowerSecret = secret.toLowerCase();
      if (c.globalRegexes.some((r) => r.test(secret)) || c.globalStopwords.some((w) => lowerSecret.includes(w))) {
        continue;
      }
      const index = (m.index ?? 0) + Math.max(0, m[0].indexOf(secret));
      const line = lineAt(text, m.index ?? 0);
      if (rule.allowlists.some((a) => allowed(a, secret, match, line))) {
        continue;
      }
      out.push({ ruleId: rule.data.id, description: rule.data.description, secret, index });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Number of rules in the vendored set (for docs and tests). */
export function gitleaksRuleCount(): number {
  return GITLEAKS_DATA.rules.length;
}
