import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Secret, SecretContent, SecretRotation } from '../../lib/aws';
import { AwsGuard } from '../../lib/guard';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'sops', 'api.enc.env');
const PLAINTEXT = 'PAYMENT_API_KEY=pk_live_decrypted_in_place_0010\n';

function guardedSynth(file: string, edit: () => void) {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-guard-sops-')) });
  const stack = new Stack(app, 'Shop', { env: { account: '111111111111', region: 'eu-west-1' } });
  new Secret(stack, 'ApiKey', {
    content: SecretContent.fromSopsFile(file, { field: 'PAYMENT_API_KEY' }),
    rotation: SecretRotation.none('test fixture: the value comes from a SOPS file, reissued by hand'),
  });
  const guard = new AwsGuard();
  Validations.of(app).addPlugins(guard);
  edit();
  let error: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  return { error, findings: guard.findings };
}

describe('keyward:plaintext-sops-source', () => {
  test('a source file that is SOPS-encrypted passes', () => {
    const { error, findings } = guardedSynth(FIXTURE, () => undefined);
    expect(error).toBeUndefined();
    expect(findings).toEqual([]);
  });

  test('a source file decrypted in place before synthesis is an error naming the file and the rule, never a value', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-sops-src-'));
    const file = path.join(dir, 'api.enc.env');
    fs.copyFileSync(FIXTURE, file);
    const { error, findings } = guardedSynth(file, () => fs.writeFileSync(file, PLAINTEXT));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'keyward:plaintext-sops-source',
      constructPath: 'Shop/ApiKey/SopsValue/Default',
      propertyPath: 'Properties.SourceFile',
    });
    expect(findings[0].detail).toContain(`${file} is not a SOPS-encrypted dotenv file`);
    expect(error?.message).toMatch(/keyward:plaintext-sops-source/);
    expect(error?.message).not.toContain('pk_live_decrypted');
  });

  test('an output scanned away from the app (its source file is not there) is not reported as plaintext', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-sops-moved-'));
    const file = path.join(dir, 'api.enc.env');
    fs.copyFileSync(FIXTURE, file);
    const { error, findings } = guardedSynth(file, () => fs.rmSync(file));
    expect(findings.filter(f => f.ruleId === 'keyward:plaintext-sops-source')).toEqual([]);
    expect(error?.message ?? '').not.toMatch(/plaintext-sops-source/);
  });
});
