import { execFileSync } from 'child_process';
import * as path from 'path';

// Runs against the compiled lib/ (npm test builds before the unit tests), resolving the package by its own name the way
// an installed app does, so the exports map and the lazy entry points are what is tested.
const ROOT = path.join(__dirname, '..');

function node(script: string): string {
  return execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }).trim();
}

const LOADED = `const loaded = (p) => Object.keys(require.cache).some((f) => f.includes('/node_modules/' + p + '/'));`;

describe('package entry points', () => {
  test('require("keyward") loads neither target until one is used, then only that one', () => {
    const out = node(`${LOADED}
      const k = require('keyward');
      const r = [loaded('aws-cdk-lib'), loaded('cdktf')];
      k.aws.Secret; r.push(loaded('aws-cdk-lib'), loaded('cdktf'));
      require('keyward/guard').AwsGuard; r.push(loaded('cdktf'));
      k.vault.VaultStack; r.push(loaded('cdktf'));
      console.log(JSON.stringify(r));`);
    expect(JSON.parse(out)).toEqual([false, false, true, false, false, true]);
  });

  test('each subpath resolves to the module of the same name; private folders are not exported', () => {
    const out = node(`
      const subpaths = { aws: 'Secret', vault: 'VaultStack', guard: 'TerraformGuard', core: 'GrantAction' };
      const r = Object.entries(subpaths).map(([p, name]) => require('keyward/' + p)[name] !== undefined
        && require('keyward/' + p)[name] === require('keyward')[p][name]);
      for (const p of ['keyward/lib/aws/private/access', 'keyward/lib/aws', 'keyward/lib/guard/private/packs']) {
        try { require(p); r.push(p + ' loaded'); } catch (e) { r.push(e.code); }
      }
      console.log(JSON.stringify(r));`);
    expect(JSON.parse(out)).toEqual([true, true, true, true, 'ERR_PACKAGE_PATH_NOT_EXPORTED', 'ERR_PACKAGE_PATH_NOT_EXPORTED', 'ERR_PACKAGE_PATH_NOT_EXPORTED']);
  });
});
