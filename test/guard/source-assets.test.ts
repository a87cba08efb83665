import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkOutputFiles } from '../../lib/guard/private/file-check';

/**
 * The file rule over staged code assets: the Python example's services (examples/python/services), staged as an
 * asset directory the way the CDK stages a code asset, pass; the same files with a real value put in at each place
 * that used to be a false positive are caught.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const SERVICES = path.join(__dirname, '..', '..', 'examples', 'python', 'services');
const ASSET = 'asset.python-services';

/** A cloud-assembly-like folder holding the services as a staged asset (no Python caches). */
function staged(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-source-'));
  dirs.push(dir);
  fs.cpSync(SERVICES, path.join(dir, ASSET), { recursive: true, filter: (src) => !src.includes('__pycache__') });
  return dir;
}

const SOURCE = staged();

function withEdit(file: string, from: string, to: string): string {
  const dir = staged();
  const target = path.join(dir, ASSET, file);
  const text = fs.readFileSync(target, 'utf-8');
  expect(text).toContain(from);
  fs.writeFileSync(target, text.replace(from, to));
  return dir;
}


test('the Python example services, staged as an asset, hold no secret', () => {
  const { findings } = checkOutputFiles(SOURCE, undefined);
  expect(findings.map((f) => `${f.constructPath} ${f.detail}`)).toEqual([]);
});

test('a finding names the line that holds the value, not an earlier mention of the same string', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-source-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'app.py'), '# rotated away from hunter2-Xk9! last week\nimport os\n\nDB_PASSWORD = "hunter2-Xk9!"\n');
  const { findings } = checkOutputFiles(dir, undefined);
  expect(findings.map((f) => `${f.constructPath} ${f.propertyPath}`)).toEqual(['app.py line 4']);
});

test.each([
  ['api/handler.py', 'f"postgresql://{user}:{password}@', 'f"postgresql://{user}:S3cr3tPassw0rd@', 'URL with embedded credentials'],
  ['worker/settings.py', 'f"postgresql://{user}:{password}@', 'f"postgresql://{user}:Winterriver123!@', 'URL with embedded credentials'],
  ['worker/settings.py', '"DB_PASSWORD": "password"', '"DB_PASSWORD": "hunter2-Xk9!"', 'DB_PASSWORD'],
  ['worker/settings.py', '"DB_PASSWORD": "password"', '"DB_PASSWORD": "password1"', 'DB_PASSWORD'],
  ['worker/settings.py', 'REPORTING_CREDENTIALS_VARIABLE = "REPORTING_CREDENTIALS_JSON"', 'REPORTING_CREDENTIALS_VARIABLE = "hunter2-Xk9!"', 'REPORTING_CREDENTIALS_VARIABLE'],
  ['worker/vault_source.py', 'secret_id: str)', 'secret_id: str = "7f3c9a1be04d4c2f8e1a5b6c7d8e9f01")', 'secret_id'],
  ['worker/vault_source.py', 'secret_id=secret_id)', 'secret_id="7f3c9a1b-e04d-4c2f-8e1a-5b6c7d8e9f01")', ''],
])('%s with a real value instead of %j is caught', (file, from, to, label) => {
  const dir = withEdit(file, from, to);
  dirs.push(dir);
  const { findings } = checkOutputFiles(dir, undefined);
  expect(findings).toHaveLength(1);
  expect(findings[0]).toMatchObject({ ruleId: 'keyward:plaintext-output-file', constructPath: `${ASSET}/${file}` });
  expect(findings[0].detail).toContain(label);
});
