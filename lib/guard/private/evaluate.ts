import { maskSecret } from '../../core/detect';
import { Finding } from '../finding';
import { GuardRule, RuleHit } from './rule';

/** A finding before it is tied to a construct: the element it came from and the rule's hit. */
export interface ElementFinding<T> {
  readonly element: T;
  readonly rule: GuardRule<T>;
  readonly hit: RuleHit;
}

/**
 * Run rules over elements. A property path reported by an earlier rule is not reported again by a later one, so the
 * catch-all rules only add what the specific ones did not see.
 */
export function runRules<T>(elements: T[], rules: readonly GuardRule<T>[]): ElementFinding<T>[] {
  const out: ElementFinding<T>[] = [];
  for (const element of elements) {
    const claimed = new Set<string>();
    for (const rule of rules) {
      const mine = new Set<string>();
      for (const hit of rule.check(element)) {
        const key = `${hit.propertyPath}\u0000${hit.secret ?? hit.detail}`;
        if (claimed.has(hit.propertyPath) || mine.has(key)) {
          continue;
        }
        mine.add(key);
        out.push({ element, rule, hit });
      }
      for (const key of mine) {
        claimed.add(key.split('\u0000')[0]);
      }
    }
  }
  return out;
}

/** Turn a hit into a public finding; the secret is masked here and never leaves. */
export function toFinding(rule: GuardRule<unknown>, hit: RuleHit, constructPath: string, pathPrefix: string): Finding {
  return {
    ruleId: rule.id,
    description: rule.description,
    constructPath,
    propertyPath: pathPrefix ? `${pathPrefix}.${hit.propertyPath}` : hit.propertyPath,
    detail: hit.detail,
    maskedValue: hit.secret === undefined ? '' : maskSecret(hit.secret),
    fix: rule.fix,
  };
}
