// `keyward report` on the command line: output formats, and exit code 2 with a clear message on bad input.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main as keyward } from '../../bin/keyward';
import { main } from '../../bin/report';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-report-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(...argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = main(argv, (s) => (stdout += s), (s) => (stderr += s));
  return { code, stdout, stderr };
}

function file(name: string, text: string): string {
  const f = path.join(tmp, name);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
  return f;
}

/** One secret read by one role through an inline policy (its key: the AWS managed one). */
const template = () => file('ok.template.json', JSON.stringify({
  Resources: {
    Db: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'app/db' } },
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: { Policies: [{ PolicyName: 'read', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: 'Db' } }] } }] },
    },
  },
}));

test('Markdown by default, --json and --mermaid', () => {
  const t = template();
  const md = run(t);
  expect(md.code).toBe(0);
  expect(md.stdout).toMatch(/^# Keyward access report/);
  expect(md.stdout).toMatch(/\| read \| ok\/Role \| IAM role \| ok\/Role inline policy read statement #1 \|/);
  const json = JSON.parse(run(t, '--json').stdout);
  expect(json.resources[0]).toMatchObject({ name: 'app/db', readers: [{ workload: 'ok/Role', certainty: 'yes', wildcard: false }] });
  expect(json.byWorkload).toEqual([{ workload: 'ok/Role', reads: [json.resources[0].id], writes: [] }]);
  const mermaid = run(t, '--mermaid').stdout;
  expect(mermaid).toMatch(/^graph LR\n/);
  expect(mermaid).toMatch(/w\d+ -- "read" --> r\d+/);
});

test('keyward report is dispatched from the keyward command', () => {
  let out = '';
  expect(keyward(['report', template(), '--json'], (s) => (out += s), () => undefined)).toBe(0);
  expect(JSON.parse(out).resources).toHaveLength(1);
});

describe('bad input exits 2 with a message naming the problem', () => {
  test.each([
    ['no output', [], /no synthesized output given/],
    ['unknown option', ['--yaml', 'x'], /unknown option --yaml/],
    ['--json with --mermaid', ['--json', '--mermaid', 'x'], /exclude each other/],
    ['--diff with one output', ['--diff', 'x'], /--diff takes exactly two outputs/],
    ['--diff with --mermaid', ['--diff', 'x', 'y', '--mermaid'], /--mermaid does not apply to --diff/],
  ])('%s', (_name, argv, message) => {
    const r = run(...(argv as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stdout).toBe('');
  });

  test('a path that does not exist', () => {
    const r = run(path.join(tmp, 'nope'));
    expect(r).toMatchObject({ code: 2, stderr: expect.stringMatching(/keyward report: .*nope does not exist/) });
  });

  test('a file that is not JSON, and an empty directory', () => {
    expect(run(file('bad.template.json', 'Resources: {}')).stderr).toMatch(/is not JSON/);
    fs.mkdirSync(path.join(tmp, 'empty'));
    expect(run(path.join(tmp, 'empty'))).toMatchObject({ code: 2, stderr: expect.stringMatching(/empty directory/) });
  });

  test('a vault_policy whose HCL cannot be parsed names the resource', () => {
    const f = file('tf/cdk.tf.json', JSON.stringify({ resource: { vault_policy: { broken: { name: 'x', policy: 'path "kv/data/a {' } } } }));
    const r = run(f);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/vault_policy\.broken: policy: unterminated string/);
  });

  test('--diff of a CloudFormation output against a Terraform one', () => {
    const tfFile = file('tf2/cdk.tf.json', JSON.stringify({ resource: { vault_mount: { kv: { path: 'kv', type: 'kv-v2' } } } }));
    const r = run('--diff', template(), tfFile);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is cloudformation output but .* is terraform: compare outputs of the same app/);
  });

  test('--diff with an old output that does not exist', () => {
    const r = run('--diff', path.join(tmp, 'gone'), template());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/gone does not exist/);
  });
});
