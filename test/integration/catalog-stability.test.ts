/**
 * Catalog shards that never move a secret, at the scale of issue 12: a 1,000-secret tenant catalog with one tenant
 * off-boarded, one on-boarded and every tenant declared in reverse order. `keyward diff` (DataLossDiff, the library
 * behind the CLI) must report only the removed tenant's secret, and every other secret must keep its nested stack and
 * logical id. (The insertion-order catalog reported 1 DELETE + 5 MOVE for one off-boarded tenant.) The fast 60-secret
 * version runs in the unit tests.
 */
import { DataLossKind } from '../../lib/guard';
import { catalogStability, removedTenant } from '../aws/catalog-stability';

test('1,000 secrets: removing, adding and reordering changes only the touched secret', () => {
  const started = Date.now();
  const r = catalogStability(1000);
  process.stdout.write(`catalog stability, 1,000 secrets in ${r.shardFiles} shards: 4 syntheses + 3 diffs in ${((Date.now() - started) / 1000).toFixed(1)} s\n`
    + `  remove ${removedTenant(1000)}:\n${r.removed.text.trimEnd().replace(/^/gm, '    ')}\n`
    + `  add TenantNew: ${r.added.text}  reverse the order: ${r.reordered.text}`);
  expect(r.base.size).toBe(1000);
  expect(r.removed.changes.map(c => [c.kind, c.resourceType, new RegExp(`^${removedTenant(1000)}[0-9A-F]{8}$`).test(c.address)]))
    .toEqual([[DataLossKind.DELETE, 'AWS::SecretsManager::Secret', true]]);
  expect(r.added.changes).toEqual([]);
  expect(r.reordered.changes).toEqual([]);
  expect(r.moved).toEqual({ removed: [], added: [], reordered: [] });
});
