/**
 * Brands for Keyward's own Vault classes. A brand is a `Symbol.for` property, so every copy of Keyward loaded in the
 * process (a `file:` dependency, a monorepo link) recognises the classes of every other copy, which `instanceof`
 * cannot: each copy has its own class objects.
 */
function symbolOf(className: string): symbol {
  return Symbol.for(`keyward.vault.${className}`);
}

/** Mark `instance` as a `className` for every copy of Keyward. Call it right after `super()` in the constructor. */
export function brand(instance: object, className: string): void {
  Object.defineProperty(instance, symbolOf(className), { value: true });
}

/** Whether `x` was branded `className` by any copy of Keyward. */
export function hasBrand(x: unknown, className: string): boolean {
  return x !== null && typeof x === 'object' && symbolOf(className) in x;
}
