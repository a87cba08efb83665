import { detectSecret } from '../../../core/detect';
import { PLAINTEXT_FIX_TERRAFORM } from '../../private/format';
import { GuardRule, RuleHit, TfBlock, hitFrom, hitsFrom } from '../../private/rule';
import { FoundSecret, walkValue } from '../../private/walk';

// Terraform-only keys that never hold values.
const SKIP = new Set(['//', 'depends_on', 'lifecycle', 'provider', 'count', 'for_each']);
// `key = "literal"` inside an interpolation: `${jsonencode({ password = "x" })}` hides a literal from plain scanning.
const INNER_LITERAL = /([A-Za-z_][A-Za-z0-9_-]*)"?\s*[=:]\s*"([^"$]*)"/g;

/** Literals inside `${...}` expressions, checked under the key they are assigned to. */
export function interpolationLiterals(value: unknown, path: string): RuleHit[] {
  const hits: RuleHit[] = [];
  const visit = (v: unknown, p: string): void => {
    if (typeof v === 'string') {
      for (const expr of v.match(/\$\{[\s\S]*?\}(?!["\s]*[,}])/g) ?? v.match(/\$\{[\s\S]*\}/g) ?? []) {
        for (const m of expr.matchAll(INNER_LITERAL)) {
          const d = detectSecret(m[2], m[1]);
          if (d) {
            hits.push(hitFrom(p, d));
          }
        }
      }
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, `${p}[${i}]`));
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (!SKIP.has(k)) {
          visit(x, p ? `${p}.${k}` : k);
        }
      }
    }
  };
  visit(value, path);
  return hits;
}

/** Every string attribute of every block: resources, data sources, providers, backends, variable defaults, outputs, locals. */
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
