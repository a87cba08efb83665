import { stripReferences } from '../../../core/detect-reference';
import { GuardRule, RuleHit, TfBlock } from '../../private/rule';

/** Resources whose data attributes are the secret itself. */
const KV_TYPES = ['vault_kv_secret_v2', 'vault_kv_secret', 'vault_generic_secret'];

/** Variables referenced by an expression: `${var.db}` → ['db']. */
function variableRefs(value: string): string[] {
  return [...value.matchAll(/\bvar\.([A-Za-z_][A-Za-z0-9_-]*)/g)].map((m) => m[1]);
}

/** Data-source, local and module references (their values are kept in state), as opposed to var.* and ephemeral.*. */
function stateRefs(value: string): string[] {
  const exprs = value.match(/\$\{[\s\S]*\}/g) ?? [];
  return exprs.flatMap((e) => [...e.matchAll(/\b((?:data|local|module)\.[A-Za-z_][\w-]*)/g)].map((m) => m[1]));
}

/** True when the JSON (or expression) carries a literal value: `{"password":"x"}`, `${jsonencode({password = "x"})}`. */
function hasLiteralData(text: string): boolean {
  const exprs = text.match(/\$\{[\s\S]*\}/g) ?? [];
  if (exprs.some((e) => /[=:]\s*"[^"$]+"/.test(e))) {
    return true;
  }
  const outside = stripReferences(text);
  if (/:\s*"[^"]+"/.test(outside)) {
    return true;
  }
  // Whatever remains once keys and punctuation are gone is a literal (a bare string, a number, ...).
  return !/^[\s{}[\]",:]*$/.test(outside.replace(/"[^"]*"\s*:/g, ''));
}

/**
 * `data_json` lands in the configuration and in Terraform state whatever it holds; `data_json_wo` (write-only) is
 * fine only when its value comes from sensitive variables or ephemeral resources, never a literal.
 */
export const kvSecretData: GuardRule<TfBlock> = {
  id: 'keyward:plaintext-vault-kv-data',
  description: 'Vault KV secret data is written from the configuration (it ends up in cdk.tf.json and/or Terraform state)',
  fix: 'use a Keyward write-only secret path (data_json_wo from a sensitive variable or an ephemeral resource), or write the value out of band',
  check: (b) => {
    if (b.kind !== 'resource' || !b.type || !KV_TYPES.includes(b.type)) {
      return [];
    }
    const hits: RuleHit[] = [];
    const dataJson = b.body.data_json;
    if (dataJson !== undefined) {
      const text = typeof dataJson === 'string' ? dataJson : JSON.stringify(dataJson);
      hits.push({
        propertyPath: 'data_json',
        detail: hasLiteralData(text) ? 'literal secret data (config and state)' : 'secret data from a reference, stored in Terraform state',
        secret: text,
      });
    }
    const wo = b.body.data_json_wo;
    if (wo !== undefined) {
      const text = typeof wo === 'string' ? wo : JSON.stringify(wo);
      const variables = b.document.variable ?? {};
      const notSensitive = variableRefs(text).filter((v) => variables[v]?.sensitive !== true);
      if (hasLiteralData(text)) {
        hits.push({ propertyPath: 'data_json_wo', detail: 'literal secret data in the configuration', secret: text });
      } else if (notSensitive.length > 0) {
        hits.push({ propertyPath: 'data_json_wo', detail: `value comes from non-sensitive variable(s) ${notSensitive.join(', ')}`, secret: text });
      } else if (stateRefs(text).length > 0) {
        hits.push({ propertyPath: 'data_json_wo', detail: `value comes from ${stateRefs(text).join(', ')}, which is kept in state`, secret: text });
      }
    }
    return hits;
  },
};
