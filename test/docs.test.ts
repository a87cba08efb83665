import * as fs from 'fs';
import * as path from 'path';
import { ERRORS_MD, GUARDS_MD, raisedErrors, renderErrorsCatalog, renderGuards } from '../scripts/docs';
import { ALL_RULE_IDS } from '../lib/guard/private/packs';
import { ACK_REASON_RULE } from '../lib/guard/private/acknowledgements';

const ROOT = path.join(__dirname, '..');
const STALE = 'stale: run npm run docs';

describe('generated docs', () => {
  test(`docs/errors.md lists every rule the constructs raise (${STALE})`, () => {
    expect(fs.readFileSync(ERRORS_MD, 'utf8')).toBe(renderErrorsCatalog());
  });

  test(`docs/guards.md carries the rule table of the guard rules (${STALE})`, () => {
    const current = fs.readFileSync(GUARDS_MD, 'utf8');
    expect(current).toBe(renderGuards(current));
  });

  test('the scan finds rules a construct raises, e.g. secret-name thrown by lib/aws/secret.ts', () => {
    const raised = raisedErrors();
    expect(raised).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'secret-name', file: 'lib/aws/secret.ts' })]));
    expect(new Set(raised.map((e) => e.rule)).size).toBeGreaterThan(40);
  });

  test('every [keyward:<rule>] quoted in the README, CONTRIBUTING and docs/ exists in the code', () => {
    const known = new Set([...raisedErrors().map((e) => e.rule), ...[...ALL_RULE_IDS, ACK_REASON_RULE].map((id) => id.replace(/^keyward:/, ''))]);
    const files = ['README.md', 'CONTRIBUTING.md', ...fs.readdirSync(path.join(ROOT, 'docs')).map((f) => path.join('docs', f))]
      .filter((f) => f.endsWith('.md') && fs.existsSync(path.join(ROOT, f)));
    const unknown = files.flatMap((f) => [...fs.readFileSync(path.join(ROOT, f), 'utf8').matchAll(/\[keyward:([a-z0-9-]+)\]/g)]
      .filter((m) => !known.has(m[1])).map((m) => `${f}: ${m[0]}`));
    expect(unknown).toEqual([]);
  });
});
