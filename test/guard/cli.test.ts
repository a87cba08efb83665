import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'keyward.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-cli-'));

/** A minimal CloudFormation template with one secret, written to a file. */
function template(name: string, secretName: string, logicalId = 'DbSecret'): string {
  const file = path.join(tmp, `${name}.template.json`);
  fs.writeFileSync(file, JSON.stringify({
    Resources: { [logicalId]: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: secretName }, DeletionPolicy: 'Retain' } },
  }));
  return file;
}

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf-8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // The test runs the real command: compile bin/ (and the lib files it imports) as `npm run build` does.
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.bin.json')], { cwd: root });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('the compiled bin starts with a node shebang', () => {
  expect(fs.readFileSync(bin, 'utf-8').split('\n')[0]).toBe('#!/usr/bin/env node');
});

test('exit 0 when safe, with a human report', () => {
  const r = run('diff', template('a', 'prod/db'), template('b', 'prod/db'));
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^keyward diff: safe/);
});

test('exit 1 when a secret would be replaced; --json is machine-readable', () => {
  const oldT = template('c', 'prod/db');
  const newT = template('d', 'prod/database');
  const human = run('diff', oldT, newT);
  expect(human.code).toBe(1);
  expect(human.stdout).toContain('REPLACE DbSecret (AWS::SecretsManager::Secret DbSecret, stack c)');
  expect(human.stdout).toContain('Name "prod/db" -> "prod/database" forces replacement');
  const json = run('diff', oldT, newT, '--json');
  expect(json.code).toBe(1);
  const parsed = JSON.parse(json.stdout);
  expect(parsed).toMatchObject({ target: 'cloudformation', safe: false, changes: [{ kind: 'replace', address: 'DbSecret', stack: 'c' }] });
});

test('exit 1 when a secret is deleted (logical id gone)', () => {
  const r = run('diff', template('e', 'prod/db'), template('f', 'prod/db', 'Database'));
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('DELETE');
});

test('exit 2 on bad input with a clear message on stderr', () => {
  const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
  const r = run('diff', empty, template('g', 'prod/db'));
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(`keyward diff: ${empty} is an empty directory\n`);
  const notJson = path.join(tmp, 'x.json');
  fs.writeFileSync(notJson, 'hello');
  expect(run('diff', notJson, notJson)).toMatchObject({ code: 2, stderr: expect.stringContaining('is not JSON') });
});

test('exit 2 on input that root cannot read either: a directory named like a template, a FIFO', () => {
  // The tests run as root, for whom file modes do not stop a read; these inputs fail for every user.
  const cdkOut = fs.mkdtempSync(path.join(tmp, 'cdkout-'));
  fs.mkdirSync(path.join(cdkOut, 'Shop.template.json'));
  expect(run('diff', cdkOut, template('h', 'prod/db'))).toMatchObject({
    code: 2,
    stdout: '',
    stderr: `keyward diff: ${path.join(cdkOut, 'Shop.template.json')} is a directory where a JSON file is expected\n`,
  });
  const fifo = path.join(tmp, 'pipe.json');
  execFileSync('mkfifo', [fifo]);
  expect(run('diff', fifo, template('i', 'prod/db'))).toMatchObject({
    code: 2,
    stderr: `keyward diff: ${fifo} is not a regular file or a directory (a FIFO)\n`,
  });
});

test('exit 2 on usage errors: no command, unknown command, wrong arity, unknown flags', () => {
  expect(run().code).toBe(2);
  expect(run('frobnicate')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command frobnicate') });
  expect(run('diff', 'only-one')).toMatchObject({ code: 2, stderr: expect.stringContaining('expected 2 argument(s), got 1') });
  expect(run('diff', 'a', 'b', '--yaml')).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--yaml'") });
  expect(run('scan', 'x', '--fast')).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--fast'") });
  expect(run('--frob')).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--frob'") });
});

test('--help, --version and <command> --help exit 0 on stdout', () => {
  expect(run('--help')).toMatchObject({ code: 0, stdout: expect.stringMatching(/usage: keyward <command>[\s\S]*diff[\s\S]*scan/) });
  expect(run('-h').code).toBe(0);
  const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8')).version;
  expect(run('--version')).toMatchObject({ code: 0, stdout: `${version}\n` });
  expect(run('diff', '--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('usage: keyward diff <old> <new>') });
  expect(run('scan', '-h')).toMatchObject({ code: 0, stdout: expect.stringContaining('usage: keyward scan <path>') });
});

test('scan: exit 0 on a clean output, 1 with masked findings naming file and rule, 2 on bad input', () => {
  const clean = path.join(tmp, 'Clean.template.json');
  fs.writeFileSync(clean, JSON.stringify({
    Resources: { Db: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'prod/db' }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' } },
  }));
  expect(run('scan', clean)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^keyward scan: clean/) });
  const dir = fs.mkdtempSync(path.join(tmp, 'cdkout-'));
  const fake = ['ghp_', 'Zq8Rk2Lm5Np7Tv9Wx1Yb3Cd5Ef7Gh9Jk1Mn3P'].join('');
  fs.writeFileSync(path.join(dir, 'Shop.template.json'), JSON.stringify({ Resources: {}, Outputs: { Token: { Value: fake } } }));
  fs.mkdirSync(path.join(dir, 'asset.0123'));
  fs.writeFileSync(path.join(dir, 'asset.0123', '.env'), `DB_PASSWORD=${['Winter', '2024', 'Payments!'].join('-')}\n`);
  const r = run('scan', dir);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('Shop/Token: stack output holds a plaintext secret at Outputs.Token.Value');
  expect(r.stdout).toContain('asset.0123/.env: a synthesized file');
  expect(r.stdout).toContain('[keyward:plaintext-output-file]');
  expect(r.stdout).not.toContain(fake);
  const json = JSON.parse(run('scan', dir, '--json').stdout);
  expect(json.findings.map((f: { ruleId: string }) => f.ruleId).sort()).toEqual(['keyward:plaintext-output', 'keyward:plaintext-output-file']);
  expect(run('scan', path.join(tmp, 'missing'))).toMatchObject({ code: 2, stderr: expect.stringContaining('does not exist') });
});
