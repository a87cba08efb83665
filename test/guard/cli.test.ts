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

test('exit 2 on usage errors', () => {
  expect(run().code).toBe(2);
  expect(run('diff', 'only-one').code).toBe(2);
  expect(run('diff', 'a', 'b', '--yaml')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown option --yaml') });
  expect(run('--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('usage: keyward diff') });
});
