// The catalog-stability proof, shared by the fast unit test (60 secrets) and the integration run (1,000 secrets):
// synthesize a catalog, then the same catalog with one secret removed, one added, and every secret in reverse order,
// and compare each with `keyward diff` (the library's DataLossDiff) and by where every secret is placed.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { SecretCatalog, SecretRotation } from '../../lib/aws';
import { DataLossDiff, DataLossReport } from '../../lib/guard';
import { ACCOUNT, REGION } from './util';

const NO_ROTATION = SecretRotation.none('test secret: rotation is not what this test is about');

/** Synthesize a catalog of the secrets `ids` (in that order) into a new directory. */
export function synthCatalog(ids: string[], shards?: number): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-stability-'));
  const app = new App({ outdir });
  const catalog = new SecretCatalog(new Stack(app, 'Data', { env: { account: ACCOUNT, region: REGION } }), 'Catalog', { shards });
  for (const id of ids) {
    catalog.addSecret(id, { secretName: `tenants/${id}`, rotation: NO_ROTATION });
  }
  app.synth();
  return outdir;
}

/** Where each secret is: `secret name → template file + logical id`. */
export function placements(outdir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of fs.readdirSync(outdir).filter(f => f.endsWith('.template.json'))) {
    const template = JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8'));
    for (const [id, r] of Object.entries<any>(template.Resources ?? {})) {
      if (r.Type === 'AWS::SecretsManager::Secret') {
        out.set(r.Properties.Name, `${file}#${id}`);
      }
    }
  }
  return out;
}

export interface StabilityResult {
  readonly removed: DataLossReport;
  readonly added: DataLossReport;
  readonly reordered: DataLossReport;
  /** Secrets (other than the removed one) placed differently in each variant than in the original. */
  readonly moved: { removed: string[]; added: string[]; reordered: string[] };
  readonly base: Map<string, string>;
  readonly shardFiles: number;
}

/** Run the proof on `n` tenant secrets: remove the one in the middle, add one, reverse the order. */
export function catalogStability(n: number, shards?: number): StabilityResult {
  const ids = Array.from({ length: n }, (_, i) => `Tenant${i}`);
  const gone = ids[Math.floor(n / 2)];
  const dirs = {
    base: synthCatalog(ids, shards),
    removed: synthCatalog(ids.filter(id => id !== gone), shards),
    added: synthCatalog([...ids.slice(0, 3), 'TenantNew', ...ids.slice(3)], shards),
    reordered: synthCatalog([...ids].reverse(), shards),
  };
  try {
    const base = placements(dirs.base);
    const movedIn = (dir: string) => {
      const now = placements(dir);
      return [...base].filter(([name, where]) => name !== `tenants/${gone}` && now.get(name) !== where).map(([name]) => name);
    };
    return {
      removed: DataLossDiff.compare(dirs.base, dirs.removed),
      added: DataLossDiff.compare(dirs.base, dirs.added),
      reordered: DataLossDiff.compare(dirs.base, dirs.reordered),
      moved: { removed: movedIn(dirs.removed), added: movedIn(dirs.added), reordered: movedIn(dirs.reordered) },
      base,
      shardFiles: fs.readdirSync(dirs.base).filter(f => f.endsWith('.nested.template.json')).length,
    };
  } finally {
    Object.values(dirs).forEach(d => fs.rmSync(d, { recursive: true, force: true }));
  }
}

/** The secret the proof removes. */
export function removedTenant(n: number): string {
  return `Tenant${Math.floor(n / 2)}`;
}
