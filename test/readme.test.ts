import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

// The README's examples are the files under examples/readme/ (type-checked and linted with the rest of the repo). They
// import the package by its name, so they run against the compiled lib/ (npm test builds first) through the exports
// map, the way an app that installed Keyward runs them.
const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

function run(example: string): { status: number | null; output: string; cwd: string } {
  const cwd = fs.mkdtempSync(path.join(ROOT, 'test', '.readme-'));
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, example)], {
    cwd, encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json') },
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}`, cwd };
}

describe('README examples', () => {
  const cwds: string[] = [];
  afterAll(() => cwds.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  test.each(['examples/readme/aws.ts', 'examples/readme/vault.ts', 'examples/readme/guard.ts'])('%s is in the README as it is in the file', (file) => {
    const block = new RegExp(`<!-- example: ${file} -->\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(README);
    expect(block?.[1]).toBe(fs.readFileSync(path.join(ROOT, file), 'utf8'));
  });

  test('the tsconfig the README gives is the one the consumer install type-checks its AWS app with', () => {
    const shown = /\n```json\n(\{\n  "compilerOptions"[\s\S]*?)```/.exec(README)![1];
    expect(JSON.parse(shown)).toEqual(JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'consumer', 'tsconfig.json'), 'utf8')));
  });

  test('the AWS example synthesizes', () => {
    const r = run('examples/readme/aws.ts');
    cwds.push(r.cwd);
    expect([r.status, r.output]).toEqual([0, '']);
  });

  test('the Vault example synthesizes the policy the README shows', () => {
    const r = run('examples/readme/vault.ts');
    cwds.push(r.cwd);
    expect([r.status, r.output]).toEqual([0, '']);
    const tf = JSON.parse(fs.readFileSync(path.join(r.cwd, 'cdktf.out', 'stacks', 'payments', 'cdk.tf.json'), 'utf8'));
    const shown = /```hcl\n([\s\S]*?)```/.exec(README)![1];
    expect(Object.values<any>(tf.resource.vault_policy).map((p) => p.policy)).toEqual([shown.trimEnd() + '\n']);
  });

  test('the guard example fails synth with the finding the README shows', () => {
    const r = run('examples/readme/guard.ts');
    cwds.push(r.cwd);
    expect(r.status).not.toBe(0);
    const shown = /```text\n([\s\S]*?)```/.exec(README)![1].trim().split('\n').map((l) => l.trim());
    for (const line of shown) expect(r.output).toContain(line);
  });
});
