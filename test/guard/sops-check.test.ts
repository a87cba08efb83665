import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../bin/keyward';
import { EnvExample } from '../../lib/core';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'sops', 'api.enc.env');

function runCli(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, (s) => { out += s; }, (s) => { err += s; });
  return { code, out, err };
}

describe('keyward sops-check', () => {
  test('plaintext dotenv and secrets files next to the app fail, each named; .env.example with names only passes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-sops-check-'));
    fs.mkdirSync(path.join(dir, 'services', 'api'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'node_modules', 'x'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.env'), 'PAYMENT_API_KEY=pk_live_plain_0011\n');
    fs.writeFileSync(path.join(dir, 'services', 'api', 'secrets.yaml'), 'password: plain-0012\n');
    fs.writeFileSync(path.join(dir, 'services', 'api', '.env.example'), '# names only\nPAYMENT_API_KEY=\nexport OTHER=\n');
    fs.writeFileSync(path.join(dir, '.env.example'), 'PAYMENT_API_KEY=pk_live_plain_0013\n');
    fs.copyFileSync(FIXTURE, path.join(dir, 'services', 'api', 'prod.enc.env'));
    fs.writeFileSync(path.join(dir, 'node_modules', 'x', '.env'), 'IGNORED=1\n');
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"app"}');
    const { code, err } = runCli(['sops-check', dir]);
    expect(code).toBe(1);
    const lines = err.trim().split('\n').sort();
    expect(lines).toHaveLength(3);
    expect(lines.filter((l) => l.includes('is not SOPS-encrypted')).map((l) => l.split(' ')[0]).sort())
      .toEqual([path.join(dir, '.env'), path.join(dir, 'services', 'api', 'secrets.yaml')].sort());
    expect(lines.find((l) => l.includes('.env.example line 1 gives PAYMENT_API_KEY a value'))).toContain(path.join(dir, '.env.example'));
    lines.forEach((l) => expect(l).toMatch(/\[keyward:plaintext-sops-source\]$/));
    expect(err).not.toMatch(/pk_live|plain-0012/);
  });

  test('a tree with SOPS-encrypted files and name-only examples passes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-sops-check-'));
    fs.copyFileSync(FIXTURE, path.join(dir, 'app.env'));
    fs.writeFileSync(path.join(dir, '.env.example'), 'PAYMENT_API_KEY=\nPAYMENT_WEBHOOK_SECRET=\n');
    expect(runCli(['sops-check', dir])).toEqual({ code: 0, out: 'keyward sops-check: no plaintext secrets files\n', err: '' });
  });
});

describe('EnvExample', () => {
  test('from a SOPS file: the key names only, accepted by sops-check', () => {
    const text = EnvExample.fromSopsFile(FIXTURE);
    expect(text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))).toEqual(['PAYMENT_API_KEY=', 'PAYMENT_WEBHOOK_SECRET=']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-env-example-'));
    EnvExample.write(path.join(dir, '.env.example'), text);
    expect(runCli(['sops-check', dir]).code).toBe(0);
  });

  test('a plaintext file is refused, naming it and not quoting it', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-env-example-')), 'app.env');
    fs.writeFileSync(file, 'PAYMENT_API_KEY=pk_live_plain_0014\n');
    expect(() => EnvExample.fromSopsFile(file)).toThrow(`${file} is not a SOPS-encrypted dotenv file`);
    expect(() => EnvExample.fromSopsFile(file)).not.toThrow(/pk_live/);
  });
});
