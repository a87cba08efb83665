import { detectSecret, detectSecretsInText } from '../../../core/detect';
import { PLAINTEXT_FIX_TERRAFORM } from '../../private/format';
import { GuardRule, RuleHit, TfBlock, hitFrom, hitsFrom } from '../../private/rule';
import { FoundSecret, walkValue } from '../../private/walk';

// Terraform-only keys that never hold values.
const SKIP = new Set(['//', 'depends_on', 'lifecycle', 'provider', 'count', 'for_each']);
// `key = "literal"` inside an interpolation: `${jsonencode({ password = "x" })}` hides a literal from plain scanning.
const INNER_LITERAL = /([A-Za-z_][A-Za-z0-9_-]*)"?\s*[=:]\s*"([^"$]*)"/g;
// Any string literal inside an expression (HCL escapes `\"` allowed); base64decode/base64gzip of a literal decoded.
const STRING_LITERAL = /(?:\b(base64decode|base64gzip|textdecodebase64)\(\s*)?"((?:[^"\\]|\\.)*)"/g;

/** The `${...}` expressions of a string, outermost, with nested braces balanced. */
function expressions(value: string): string[] {
  const out: string[] = [];
  for (let i = value.indexOf('${'); i !== -1; i = value.indexOf('${', i)) {
    let depth = 0;
    let j = i + 1;
    for (; j < value.length; j++) {
      if (value[j] === '{') {
        depth++;
      } else if (value[j] === '}' && --depth === 0) {
        break;
      }
    }
    out.push(value.slice(i, j + 1));
    i = j + 1;
  }
  return out;
}

/** Literals inside `${...}` expressions: `key = "x"` pairs under their key, every other literal on its own (decoded from base64 where the expression decodes it). */
export function interpolationLiterals(value: unknown, path: string): RuleHit[] {
  const hits: RuleHit[] = [];
  const visit = (v: unknown, p: string, attr: string | undefined): void => {
    if (typeof v === 'string') {
      for (const expr of expressions(v)) {
        const named = new Set<string>();
        for (const m of expr.matchAll(INNER_LITERAL)) {
          named.add(m[2]);
          const d = detectSecret(m[2], m[1]);
          if (d) {
            hits.push(hitFrom(p, d));
          }
        }
        for (const m of expr.matchAll(STRING_LITERAL)) {
          const literal = m[2].replace(/\\(.)/g, '$1');
          const decoded = m[1] === 'base64decode' || m[1] === 'textdecodebase64' ? Buffer.from(literal, 'base64').toString('utf-8') : literal;
          if (named.has(literal) && decoded === literal) {
            continue;
          }
          const d = detectSecret(decoded, m[1] ? attr : undefined) ?? detectSecretsInText(decoded)[0];
          if (d) {
            hits.push(hitFrom(p, m[1] === 'base64decode' ? { ...d, label: `${d.label}, base64-encoded`, secret: literal } : d));
          }
        }
      }
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, `${p}[${i}]`, attr));
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (!SKIP.has(k)) {
          visit(x, p ? `${p}.${k}` : k, k);
        }
      }
    }
  };
  visit(value, path, undefined);
  return hits;
}

/** Every string attribute of every block: resources, data sources, providers, backends, modules, variable defaults, outputs, locals. */
export const attribute: GuardRule<TfBlock> = {
  id: 'keyward:plaintext-terraform-attribute',
  description: 'Terraform attribute holds a plaintext secret (it is in cdk.tf.json and, for resources, in state)',
  fix: PLAINTEXT_FIX_TERRAFORM,
  check: (b) => {
    const found: FoundSecret[] = [];
    if (b.kind === 'variable') {
      walkValue(b.body.default, 'default', b.name, found);
    } else if (b.kind === 'output') {
      walkValue(b.body.value, 'value', b.name, found);
    } else {
      for (const [k, v] of Object.entries(b.body)) {
        if (!SKIP.has(k)) {
          walkValue(v, k, k, found);
        }
      }
    }
    return [...hitsFrom(found), ...interpolationLiterals(b.kind === 'variable' ? b.body.default : b.body, b.kind === 'variable' ? 'default' : '')];
  },
};
