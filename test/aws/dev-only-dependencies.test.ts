// @cloud-copilot/iam-simulate (AGPL-3.0-or-later) evaluates the access matrix in the integration tests. It is a
// devDependency only: nothing shipped (lib/, bin/) may import or require it, and it must never become a dependency.
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

describe('test-only dependencies', () => {
  test('lib/ and bin/ never import @cloud-copilot/* (AGPL-3.0)', () => {
    const offenders = [...sources(path.join(ROOT, 'lib')), ...sources(path.join(ROOT, 'bin'))]
      .filter(f => /['"]@cloud-copilot\//.test(fs.readFileSync(f, 'utf8')))
      .map(f => path.relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  test('@cloud-copilot/iam-simulate is a devDependency, not a dependency or peer dependency', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.devDependencies['@cloud-copilot/iam-simulate']).toBeDefined();
    expect(Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.bundledDependencies }).filter(d => d.startsWith('@cloud-copilot/'))).toEqual([]);
  });
});
