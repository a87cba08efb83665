import * as fs from 'fs';
import * as path from 'path';
import { App, FeatureFlags, Stack } from 'aws-cdk-lib';

const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8'));
// What `cdk init` writes for the installed aws-cdk-lib: its recommended flags, sorted by name.
const recommended: Record<string, unknown> = JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8'));

describe('feature flags', () => {
  test('cdk.json carries every recommended flag of the installed aws-cdk-lib, as cdk init writes it (else: node scripts/feature-flags.js)', () => {
    const flags = Object.fromEntries(Object.entries(cdkJson.context).filter(([name]) => name in recommended));
    expect(flags).toEqual(recommended);
    expect(Object.keys(flags)).toEqual(Object.keys(recommended).sort());
  });

  test('an App in the unit tests synthesizes with them', () => {
    const stack = new Stack(new App(), 'S');
    const booleanFlags = Object.entries(recommended).filter(([, value]) => typeof value === 'boolean');
    expect(booleanFlags.length).toBeGreaterThan(50);
    for (const [name, value] of booleanFlags) {
      expect([name, FeatureFlags.of(stack).isEnabled(name)]).toEqual([name, value]);
    }
  });
});
