import * as fs from 'fs';
import * as path from 'path';
import { detectSecret, detectSecretsInText } from '../../lib/core/detect';

/**
 * The corpus by category (test/fixtures/guard/corpus-categories.json, written from leak formats and benign near-miss
 * families by corpus-categories.py, not from the detector). Recall and false-positive rate are printed per category;
 * cases marked `holdout` were never used to tune the detector and are reported separately.
 */
interface Case {
  readonly category: string;
  readonly expect: 'leak' | 'benign';
  readonly split: 'tune' | 'holdout';
  readonly value: string;
  readonly name?: string;
  readonly text?: boolean;
}

const cases: Case[] = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'guard', 'corpus-categories.json'), 'utf-8')).cases;

function flagged(c: Case): boolean {
  return c.text ? detectSecretsInText(c.value).length > 0 : detectSecret(c.value, c.name) !== undefined;
}

interface Score {
  readonly leaks: number;
  readonly caught: number;
  readonly benign: number;
  readonly flaggedBenign: number;
}

function score(subset: Case[]): Score {
  const leaks = subset.filter((c) => c.expect === 'leak');
  const benign = subset.filter((c) => c.expect === 'benign');
  return { leaks: leaks.length, caught: leaks.filter(flagged).length, benign: benign.length, flaggedBenign: benign.filter(flagged).length };
}

function line(label: string, s: Score): string {
  const recall = s.leaks ? `recall ${(s.caught / s.leaks).toFixed(3)} (${s.caught}/${s.leaks})` : '';
  const fpr = s.benign ? `FPR ${(s.flaggedBenign / s.benign).toFixed(3)} (${s.flaggedBenign}/${s.benign})` : '';
  return `${label.padEnd(44)} ${recall}${fpr}`;
}

test('the corpus has at least 500 cases, both sides, and a held-out part', () => {
  expect(cases.length).toBeGreaterThanOrEqual(500);
  expect(cases.filter((c) => c.expect === 'leak').length).toBeGreaterThanOrEqual(200);
  expect(cases.filter((c) => c.expect === 'benign').length).toBeGreaterThanOrEqual(200);
  expect(cases.filter((c) => c.split === 'holdout').length).toBeGreaterThanOrEqual(150);
});

test('recall and false-positive rate per category, tuning and held-out parts reported separately', () => {
  const categories = [...new Set(cases.map((c) => c.category))].sort();
  const rows = categories.map((cat) => line(cat, score(cases.filter((c) => c.category === cat))));
  const tune = score(cases.filter((c) => c.split === 'tune'));
  const held = score(cases.filter((c) => c.split === 'holdout'));
  const misses = cases.filter((c) => flagged(c) !== (c.expect === 'leak') && c.split === 'tune');
  console.log(
    [
      'detection corpus by category (all cases):',
      ...rows,
      line('TUNING PART', tune),
      line('HELD-OUT PART (never tuned on)', held),
      ...(misses.length ? ['wrong on the tuning part:', ...misses.map((c) => `  ${c.category}${c.name ? ` [${c.name}]` : ''}: ${JSON.stringify(c.value.slice(0, 60))}`)] : []),
    ].join('\n'),
  );
  // The targets: recall >= 0.95 with a false-positive rate <= 2%, on each part.
  expect(tune.caught / tune.leaks).toBeGreaterThanOrEqual(0.95);
  expect(tune.flaggedBenign / tune.benign).toBeLessThanOrEqual(0.02);
  expect(held.caught / held.leaks).toBeGreaterThanOrEqual(0.95);
  expect(held.flaggedBenign / held.benign).toBeLessThanOrEqual(0.02);
});
