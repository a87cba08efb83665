import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformVariable } from 'cdktf';
import { KvStore, SecretPath, SopsFileVariables } from '../../lib/vault';
import { keywardError, newStack, synthJson } from './util';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'sops');
const API = path.join(FIXTURES, 'api.enc.env');
const FIXTURE_VALUES = ['pk_test_fixture_51HxQ2', 'whsec_fixture_9Zk'];

describe('SopsFileVariables + SecretPath.sopsFile', () => {
  test('one sensitive, ephemeral string variable per key; data_json_wo from them; the version from the file\'s hash', () => {
    const stack = newStack();
    const store = new KvStore(stack, 'Kv', { path: 'app' });
    const sops = new SopsFileVariables(stack, 'PaymentApi', { path: API });
    new SecretPath(stack, 'Api', { store, name: 'payment/api', sopsFile: sops });
    const json = synthJson(stack);
    expect(json.variable).toEqual({
      payment_api_PAYMENT_API_KEY: expect.objectContaining({ type: 'string', sensitive: true, ephemeral: true, nullable: false }),
      payment_api_PAYMENT_WEBHOOK_SECRET: expect.objectContaining({ type: 'string', sensitive: true, ephemeral: true, nullable: false }),
    });
    Object.values<any>(json.variable).forEach(v => expect(v.default).toBeUndefined());
    const secret = Object.values<any>(json.resource.vault_kv_secret_v2)[0];
    expect(secret.data_json_wo).toBe('${jsonencode({"PAYMENT_API_KEY" = var.payment_api_PAYMENT_API_KEY, "PAYMENT_WEBHOOK_SECRET" = var.payment_api_PAYMENT_WEBHOOK_SECRET})}');
    expect(secret.data_json).toBeUndefined();
    const hash = createHash('sha256').update(fs.readFileSync(API)).digest('hex');
    expect(secret.data_json_wo_version).toBe(parseInt(hash.slice(0, 12), 16));
    const text = JSON.stringify(json);
    FIXTURE_VALUES.forEach(v => expect(text).not.toContain(v));
  });

  test('the generated command maps each file key to its TF_VAR_ name; several files nest', () => {
    const stack = newStack();
    const a = new SopsFileVariables(stack, 'PaymentApi', { path: API, keys: ['PAYMENT_API_KEY'] });
    expect(a.environmentMapping()).toEqual({ TF_VAR_payment_api_PAYMENT_API_KEY: 'PAYMENT_API_KEY' });
    expect(a.execCommand()).toBe(`sops exec-env ${API} 'TF_VAR_payment_api_PAYMENT_API_KEY="$PAYMENT_API_KEY" terraform apply'`);
    new SopsFileVariables(stack, 'Webhook', { path: API, keys: ['PAYMENT_WEBHOOK_SECRET'] });
    expect(SopsFileVariables.execCommandFor(stack, 'terraform plan')).toBe(
      `sops exec-env ${API} 'TF_VAR_payment_api_PAYMENT_API_KEY="$PAYMENT_API_KEY" sops exec-env ${API} '\\''TF_VAR_webhook_PAYMENT_WEBHOOK_SECRET="$PAYMENT_WEBHOOK_SECRET" terraform plan'\\'''`);
  });

  test('a .env.example lists the names only', () => {
    const stack = newStack();
    const sops = new SopsFileVariables(stack, 'PaymentApi', { path: API });
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-example-')), '.env.example');
    const text = sops.writeEnvExample(out);
    expect(fs.readFileSync(out, 'utf8')).toBe(text);
    expect(text.split('\n').filter(l => !l.startsWith('#') && l !== '')).toEqual(['PAYMENT_API_KEY=', 'PAYMENT_WEBHOOK_SECRET=']);
  });

  describe('errors', () => {
    test('a plaintext file names the file', () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-plain-')), 'app.env');
      fs.writeFileSync(file, 'PAYMENT_API_KEY=pk_live_plaintext_0009\n');
      expect(() => new SopsFileVariables(newStack(), 'Plain', { path: file })).toThrow(keywardError('stack/Plain', 'sops-file'));
      expect(() => new SopsFileVariables(newStack(), 'Plain', { path: file })).toThrow(`${file} is not a SOPS-encrypted dotenv file`);
      expect(() => new SopsFileVariables(newStack(), 'Plain', { path: file })).not.toThrow(/pk_live/);
    });

    test('unknown key, binary file, unencrypted key', () => {
      expect(() => new SopsFileVariables(newStack(), 'F', { path: API, keys: ['NOPE'] })).toThrow(keywardError('stack/F', 'sops-file'));
      expect(() => new SopsFileVariables(newStack(), 'F', { path: path.join(FIXTURES, 'cert.pem.enc') })).toThrow(/binary SOPS file/);
      expect(() => new SopsFileVariables(newStack(), 'F', { path: path.join(FIXTURES, 'db.enc.yaml') })).toThrow(/"note_unencrypted" unencrypted/);
    });

    test('sopsFile together with writeOnlyValue', () => {
      const stack = newStack();
      const store = new KvStore(stack, 'Kv', { path: 'app' });
      const sops = new SopsFileVariables(stack, 'F', { path: API });
      const value = new TerraformVariable(stack, 'v', { type: 'map(string)', sensitive: true });
      expect(() => new SecretPath(stack, 'P', { store, name: 'x', sopsFile: sops, writeOnlyValue: value }))
        .toThrow(keywardError('stack/P', 'write-only-value'));
    });
  });
});
