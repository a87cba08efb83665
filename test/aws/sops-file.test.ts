import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Secret, SecretContent, SecretRotation, SecretsKey, SecretValueSource } from '../../lib/aws';
import { SopsFileFormat } from '../../lib/core';
import { ACCOUNT, expectKeywardError, expectKeywardErrorAtSynth, newStack, newTagStack } from './util';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const handler = require('../../lib/aws/sops-handler/index.js');

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'sops');
const API = path.join(FIXTURES, 'api.enc.env');
const NO_ROTATION = SecretRotation.none('test fixture: the value comes from a SOPS file, reissued by hand');
/** The plaintext the fixtures were encrypted from (test data): none may appear in any synthesized output. */
const FIXTURE_VALUES = ['pk_test_fixture_51HxQ2', 'whsec_fixture_9Zk', 'fixture-pass-123', 'fixture-pass-yaml', 'BEGIN FIXTURE CERT'];

/** The AWS KMS key ARNs a fixture's sops metadata lists, read the way a reviewer would (not through Keyward). */
function kmsArnsOf(file: string): string[] {
  return [...fs.readFileSync(file, 'utf8').matchAll(/arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+/g)].map(m => m[0]);
}

function sopsSecret(file: string, options = {}, id = 'ApiKey') {
  const app = new App();
  const stack = newStack('Svc', app);
  const secret = new Secret(stack, id, { content: SecretContent.fromSopsFile(file, options), rotation: NO_ROTATION });
  return { app, stack, secret };
}

describe('SecretContent.fromSopsFile', () => {
  test('one dotenv key: a placeholder at creation, then a custom resource that writes the file\'s value', () => {
    const { stack } = sopsSecret(API, { field: 'PAYMENT_API_KEY' });
    const t = Template.fromStack(stack);
    const [arn] = kmsArnsOf(API);
    t.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 32 }),
      Description: Match.stringLikeRegexp('SOPS-encrypted file .*api\\.enc\\.env \\(key PAYMENT_API_KEY\\)'),
      Tags: Match.arrayWith([{ Key: 'keyward:value-source', Value: SecretValueSource.SOPS_FILE }]),
    });
    const secretId = Object.keys(t.findResources('AWS::SecretsManager::Secret'))[0];
    t.hasResourceProperties('Custom::KeywardSopsSecret', {
      SecretArn: { Ref: secretId },
      Format: 'dotenv',
      Field: 'PAYMENT_API_KEY',
      KmsKeyArn: arn,
      FileHash: Match.stringLikeRegexp('^[0-9a-f]{64}$'),
      ObjectKey: Match.stringLikeRegexp('\\.env$'),
    });
  });

  test('no value of any fixture in the template or the asset manifest; the asset is the encrypted file itself', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-sops-')) });
    const stack = newStack('Svc', app);
    const files: [string, object][] = [
      [API, { field: 'PAYMENT_WEBHOOK_SECRET' }], [path.join(FIXTURES, 'db.enc.json'), {}],
      [path.join(FIXTURES, 'db.enc.yaml'), { field: 'password' }], [path.join(FIXTURES, 'cert.pem.enc'), {}],
    ];
    files.forEach(([file, options], i) => new Secret(stack, `S${i}`, { content: SecretContent.fromSopsFile(file, options), rotation: NO_ROTATION }));
    const assembly = app.synth();
    const out = assembly.directory;
    const texts = [fs.readFileSync(path.join(out, 'Svc.template.json'), 'utf8'), fs.readFileSync(path.join(out, 'Svc.assets.json'), 'utf8')];
    for (const v of FIXTURE_VALUES) {
      texts.forEach(text => expect(text).not.toContain(v));
    }
    const staged = fs.readdirSync(out).filter(f => f.startsWith('asset.') && /\.(env|json|yaml|enc)$/.test(f));
    expect(staged.sort().map(f => fs.readFileSync(path.join(out, f), 'utf8')).sort())
      .toEqual(files.map(([f]) => fs.readFileSync(f, 'utf8')).sort());
  });

  test('one writer per stack; its role may write exactly those secrets, decrypt with the file\'s key only and read those objects only', () => {
    const app = new App();
    const stack = newStack('Svc', app);
    const a = new Secret(stack, 'A', { content: SecretContent.fromSopsFile(API, { field: 'PAYMENT_API_KEY' }), rotation: NO_ROTATION });
    const b = new Secret(stack, 'B', { content: SecretContent.fromSopsFile(path.join(FIXTURES, 'db.enc.json')), rotation: NO_ROTATION });
    const other = new Secret(stack, 'Other', { rotation: NO_ROTATION });
    const t = Template.fromStack(stack);
    t.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Handler: 'index.handler' }, 1);
    t.resourceCountIs('Custom::KeywardSopsSecret', 2);
    const json = t.toJSON();
    const statements = Object.values<any>(json.Resources)
      .filter(r => r.Type === 'AWS::IAM::ManagedPolicy' && /KeywardSopsSecretWriter/.test(JSON.stringify(r.Properties.Roles)))
      .flatMap(r => r.Properties.PolicyDocument.Statement);
    const decrypt = statements.find(s => s.Sid === 'KeywardKeyDecrypt');
    expect(decrypt).toEqual({ Sid: 'KeywardKeyDecrypt', Effect: 'Allow', Action: 'kms:Decrypt', Resource: kmsArnsOf(API)[0] });
    const write = statements.find(s => s.Sid === 'KeywardWrite');
    expect(write.Action).toEqual(['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage']);
    // Exact mode (the default): the write statement names the two SOPS secrets and nothing else.
    const named = [].concat(write.Resource).map(r => JSON.stringify(r));
    const ref = (s: Secret) => JSON.stringify({ Ref: stack.resolve(s.resource.logicalId) });
    expect(named.sort()).toEqual([ref(a), ref(b)].sort());
    expect(named).not.toContain(ref(other));
    expect(write.Condition).toBeUndefined();
    const gets = statements.filter(s => s.Action === 's3:GetObject');
    expect(gets).toHaveLength(1);
    expect(gets[0].Resource).toHaveLength(2);
    gets[0].Resource.forEach((r: unknown) => expect(JSON.stringify(r)).toMatch(/\/[0-9a-f]{64}\.(env|json)"/));
    expect(statements.filter(s => s.Effect === 'Allow').map(s => s.Sid ?? [].concat(s.Action).join(',')).sort())
      .toEqual(['KeywardKeyDecrypt', 'KeywardSecretsKeys', 'KeywardWrite', 'logs:CreateLogStream,logs:PutLogEvents', 's3:GetObject'].sort());
  });

  test('in tag mode, read policies hold 40 distinct files each; past 8 of them (IAM\'s 10 managed policies per role) is an error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-sops-many-'));
    const text = fs.readFileSync(API, 'utf8');
    const inNewStack = () => {
      const stack = newTagStack('Svc');
      const add = (i: number) => {
        // A comment line makes each copy a distinct asset; synthesis reads only names and metadata.
        const file = path.join(dir, `f${i}.enc.env`);
        fs.writeFileSync(file, `#copy ${i}\n${text}`);
        return new Secret(stack, `S${i}`, { content: SecretContent.fromSopsFile(file, { field: 'PAYMENT_API_KEY' }), rotation: NO_ROTATION });
      };
      return { stack, add };
    };
    const first = inNewStack();
    for (let i = 0; i < 41; i++) first.add(i);
    new Secret(first.stack, 'Again', { content: SecretContent.fromSopsFile(path.join(dir, 'f0.enc.env')), rotation: NO_ROTATION });
    const reads = Object.values<any>(Template.fromStack(first.stack).findResources('AWS::IAM::ManagedPolicy'))
      .map(r => r.Properties.PolicyDocument.Statement).filter(st => st[0].Action === 's3:GetObject');
    expect(reads.map(st => [].concat(st[0].Resource).length)).toEqual([40, 1]);
    const { add } = inNewStack();
    for (let i = 0; i < 320; i++) add(i);
    expectKeywardError(() => add(320), 'Svc/S320', 'sops-file-limit', /at most 320 distinct files/);
  });

  test('in exact mode, more SOPS secrets than the writer\'s policy can name fail at synth (policy size)', () => {
    const stack = newStack('Svc', new App());
    for (let i = 0; i < 42; i++) {
      new Secret(stack, `S${i}`, { secretName: `svc/sops-${i}`, content: SecretContent.fromSopsFile(API, { field: 'PAYMENT_API_KEY' }), rotation: NO_ROTATION });
    }
    expectKeywardErrorAtSynth(() => Template.fromStack(stack), 'Svc/KeywardSopsSecretWriter/Role/KeywardPolicy', 'policy-size', /names 42 secrets/);
  });

  test('a given decryption key is used when it is one of the file\'s keys', () => {
    const app = new App();
    const stack = newStack('Svc', app);
    const key = SecretsKey.fromKeyArn(stack, 'SopsKey', kmsArnsOf(API)[0]);
    new Secret(stack, 'A', { content: SecretContent.fromSopsFile(API, { field: 'PAYMENT_API_KEY', decryptionKey: key }), rotation: NO_ROTATION });
    Template.fromStack(stack).hasResourceProperties('Custom::KeywardSopsSecret', { KmsKeyArn: kmsArnsOf(API)[0] });
  });

  test('format from the name; whole file without a field; YAML field beside an unencrypted key', () => {
    const { stack } = sopsSecret(path.join(FIXTURES, 'db.enc.json'));
    Template.fromStack(stack).hasResourceProperties('Custom::KeywardSopsSecret', { Format: SopsFileFormat.JSON, Field: Match.absent() });
    const yaml = sopsSecret(path.join(FIXTURES, 'db.enc.yaml'), { field: 'password' });
    Template.fromStack(yaml.stack).hasResourceProperties('Custom::KeywardSopsSecret', { Format: 'yaml', Field: 'password' });
    const bin = sopsSecret(path.join(FIXTURES, 'cert.pem.enc'));
    Template.fromStack(bin.stack).hasResourceProperties('Custom::KeywardSopsSecret', { Format: 'binary' });
  });

  describe('errors name the construct and the rule', () => {
    test('missing file', () => {
      expectKeywardError(() => sopsSecret(path.join(FIXTURES, 'missing.enc.env')), 'Svc/ApiKey', 'sops-file', /missing\.enc\.env cannot be read/);
    });

    test('a plaintext dotenv, JSON or YAML file is refused, naming the file and never quoting it', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-plain-'));
      const files = {
        'plain.env': 'PAYMENT_API_KEY=pk_live_plaintext_in_git_0001\n',
        'plain.json': '{"password": "plaintext-in-git-0002"}',
        'plain.yaml': 'password: plaintext-in-git-0003\n',
        'broken.json': '{"password": "plaintext-in-git-0004"',
      };
      for (const [name, text] of Object.entries(files)) {
        const file = path.join(dir, name);
        fs.writeFileSync(file, text);
        let message = '';
        try {
          sopsSecret(file);
        } catch (e) {
          message = (e as Error).message;
        }
        expect(message).toContain('Svc/ApiKey: ');
        expect(message).toContain('[keyward:sops-file]');
        expect(message).toContain(`${file} is not a SOPS-encrypted`);
        expect(message).not.toMatch(/plaintext-in-git|pk_live/);
      }
    });

    test('a field the file does not have, and a field of a binary file', () => {
      expectKeywardError(() => sopsSecret(API, { field: 'NOPE' }), 'Svc/ApiKey', 'sops-file', /has no key "NOPE" \(its keys: PAYMENT_API_KEY, PAYMENT_WEBHOOK_SECRET\)/);
      expectKeywardError(() => sopsSecret(path.join(FIXTURES, 'cert.pem.enc'), { field: 'data' }), 'Svc/ApiKey', 'sops-file', /binary SOPS file/);
    });

    test('a value the file holds unencrypted cannot become a secret', () => {
      expectKeywardError(() => sopsSecret(path.join(FIXTURES, 'db.enc.yaml')), 'Svc/ApiKey', 'sops-file', /"note_unencrypted" unencrypted/);
      expectKeywardError(() => sopsSecret(path.join(FIXTURES, 'db.enc.yaml'), { field: 'note_unencrypted' }), 'Svc/ApiKey', 'sops-file', /plaintext in the repository/);
    });

    test('a file without an AWS KMS key, or a decryption key that is not one of its keys', () => {
      expectKeywardError(() => sopsSecret(path.join(FIXTURES, 'age-only.enc.env')), 'Svc/ApiKey', 'sops-key', /no AWS KMS key/);
      const app = new App();
      const stack = newStack('Svc', app);
      const other = SecretsKey.fromKeyArn(stack, 'Other', `arn:aws:kms:eu-west-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`);
      expectKeywardError(() => new Secret(stack, 'ApiKey', { content: SecretContent.fromSopsFile(API, { decryptionKey: other }), rotation: NO_ROTATION }),
        'Svc/ApiKey', 'sops-key', /is not one of the AWS KMS keys/);
    });
  });
});

describe('the deploy-time decryption', () => {
  test('a file that is not SOPS-encrypted fails without quoting it', () => {
    for (const [text, format] of [['{"password":"plain-0005"}', 'json'], ['{"password":"plain-0006"', 'json'], ['TOKEN=plain-0007\n', 'dotenv'], ['token: plain-0008\n', 'yaml']]) {
      expect(() => handler.parseSopsFile(text, format)).toThrow(handler.SopsFileError);
      try {
        handler.parseSopsFile(text, format);
      } catch (e) {
        expect((e as Error).message).not.toContain('plain-');
      }
    }
  });

  test('the real fixtures parse (dotenv metadata unflattened, YAML block structure) with their key ARN', () => {
    const env = handler.parseSopsFile(fs.readFileSync(API, 'utf8'), 'dotenv');
    expect([...env.tree.keys()]).toEqual(['PAYMENT_API_KEY', 'PAYMENT_WEBHOOK_SECRET']);
    expect(env.metadata.kms.map((k: any) => k.arn)).toEqual(kmsArnsOf(API));
    expect(env.metadata.age).toHaveLength(1);
    const yaml = handler.parseSopsFile(fs.readFileSync(path.join(FIXTURES, 'db.enc.yaml'), 'utf8'), 'yaml');
    expect([...yaml.tree.keys()]).toEqual(['username', 'password', 'note_unencrypted']);
    expect(yaml.metadata.kms.map((k: any) => k.arn)).toEqual(kmsArnsOf(path.join(FIXTURES, 'db.enc.yaml')));
  });

  test('a data key that does not fit the file fails on the first value, naming the key path only', async () => {
    const text = fs.readFileSync(API, 'utf8');
    const [arn] = kmsArnsOf(API);
    await expect(handler.decryptSopsFile(text, { format: 'dotenv', keyArn: arn }, async () => Buffer.alloc(32, 7)))
      .rejects.toThrow(/^the value at "PAYMENT_API_KEY" does not decrypt with the file's data key/);
    await expect(handler.decryptSopsFile(text, { format: 'dotenv', keyArn: 'arn:aws:kms:eu-west-1:111111111111:key/other' }, async () => Buffer.alloc(32)))
      .rejects.toThrow(/no AWS KMS entry for arn:aws:kms:eu-west-1:111111111111:key\/other/);
    await expect(handler.decryptSopsFile(text, { format: 'dotenv', keyArn: arn }, async () => {
      throw Object.assign(new Error('User is not authorized to perform: kms:Decrypt'), { name: 'AccessDeniedException' });
    })).rejects.toThrow(/could not decrypt the file's data key with .*: AccessDeniedException/);
  });
});
