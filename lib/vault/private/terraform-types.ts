import { TerraformElement, TerraformVariable } from 'cdktf';

/**
 * Whether `x` is a `TerraformVariable` of any copy of cdktf loaded in the process. An app that loads cdktf twice (a
 * `file:` dependency, a monorepo link, two versions side by side) makes variables whose class is not the one Keyward
 * imported, so `instanceof` is false for a correct variable.
 *
 * cdktf 0.21 has no type guard for variables, so this is a structural check on public API:
 * `TerraformElement.isTerraformElement` (cdktf's own guard: a `Symbol.for` brand every copy sets) and the members that,
 * in cdktf's public API, only `TerraformVariable` declares (`addValidation`, `stringValue`, `numberValue`,
 * `listValue`). Safe because a plain object has no cdktf brand (a look-alike literal stays refused), other cdktf
 * elements (resources, locals, outputs) lack those members, and the members are tested with `in`, so no getter runs.
 */
export function isTerraformVariable(x: unknown): x is TerraformVariable {
  return TerraformElement.isTerraformElement(x)
    && typeof (x as { addValidation?: unknown }).addValidation === 'function'
    && 'stringValue' in x && 'numberValue' in x && 'listValue' in x;
}
