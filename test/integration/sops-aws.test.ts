/**
 * SecretContent.fromSopsFile on real engines: files encrypted by the real sops binary (built from the Go module proxy)
 * with a KMS key created in moto and with an age key generated here; the synthesized stack's custom-resource handler
 * run in-process (moto runs no Lambda) against moto's S3, KMS and Secrets Manager, with the properties and asset the
 * template and asset manifest give it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, ListSecretVersionIdsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { App, Stack } from 'aws-cdk-lib';
import { Secret, SecretContent, SecretRotation, SecretsKey } from '../../lib/aws';
import { createTemplateSecrets } from './support/cdk-assets';
import { resolveIntrinsics } from './support/cfn';
import { engines } from './support/engines';
import { Moto, startMoto } from './support/moto';
import { runOk } from './support/process';
import { newAgeKey, sopsEncrypt, SopsTools, sopsTools } from './support/sops';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const writer = require('../../lib/aws/sops-handler/index.js');

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
// Test data, written by the test into files that sops encrypts; none may appear anywhere but in Secrets Manager.
const API_KEY = `pk_live_${Date.now().toString(36)}IntegrationOnly`;
const API_KEY_2 = `pk_live_${Date.now().toString(36)}RotatedByEdit`;
const DB_PASSWORD = 'integration-db-pass-Zq81!"quoted"';

let moto: Moto;
let tools: SopsTools;
let dir: string;
let sm: SecretsManagerClient;
let s3: S3Client;
let keyArn: string;
let otherKeyArn: string;
let age: { keyFile: string; recipient: string };
const savedEnv = { ...process.env };

function sopsEnv(): NodeJS.ProcessEnv {
  return { AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'AKIAKEYWARDTESTHARNESS', AWS_SECRET_ACCESS_KEY: 'not-a-secret', AWS_REGION: REGION };
}

beforeAll(async () => {
  const eng = engines();
  tools = sopsTools();
  moto = await startMoto(eng.motoServer, ACCOUNT, REGION);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-sops-aws-'));
  const c = moto.clients();
  sm = c.sm;
  keyArn = (await c.kms.send(new CreateKeyCommand({ Description: 'SOPS key of the test repository' }))).KeyMetadata!.Arn!;
  otherKeyArn = (await c.kms.send(new CreateKeyCommand({ Description: 'a key the writer is not given' }))).KeyMetadata!.Arn!;
  age = newAgeKey(tools, dir);
  // The handler uses the SDK's default endpoint and credential chain, as in Lambda; here they point at moto.
  Object.assign(process.env, sopsEnv());
  s3 = new S3Client({ region: REGION, forcePathStyle: true });
});

afterAll(async () => {
  process.env = savedEnv;
  await moto?.server.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Synthesize a stack with two SOPS-sourced secrets; returns the template, the asset manifest and the out dir. */
function synth(envFile: string, yamlFile: string) {
  const outdir = fs.mkdtempSync(path.join(dir, 'cdk.out-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'SopsApp', { env: { account: ACCOUNT, region: REGION } });
  const key = SecretsKey.fromKeyArn(stack, 'SecretsKey', keyArn);
  const rotation = SecretRotation.none('the value is issued by the provider and kept in a SOPS-encrypted file');
  new Secret(stack, 'PaymentApiKey', { secretName: 'app/payment-api-key', encryptionKey: key, rotation,
    content: SecretContent.fromSopsFile(envFile, { field: 'PAYMENT_API_KEY' }) });
  new Secret(stack, 'Db', { secretName: 'app/db', encryptionKey: key, rotation, content: SecretContent.fromSopsFile(yamlFile) });
  const out = app.synth().directory;
  const read = (f: string) => fs.readFileSync(path.join(out, f), 'utf8');
  return { out, templateText: read('SopsApp.template.json'), manifestText: read('SopsApp.assets.json'), template: JSON.parse(read('SopsApp.template.json')) };
}

/** What `cdk deploy` publishes: each SOPS file asset, to the bucket/key the manifest names, in moto's S3. */
async function publishSopsAssets(out: string, manifestText: string): Promise<void> {
  const manifest = JSON.parse(manifestText);
  for (const asset of Object.values<any>(manifest.files)) {
    if (asset.source.packaging === 'zip') continue;
    for (const d of Object.values<any>(asset.destinations)) {
      const bucket = String(d.bucketName).replace('${AWS::AccountId}', ACCOUNT).replace('${AWS::Region}', REGION);
      await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: REGION } })).catch(() => undefined);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: d.objectKey, Body: fs.readFileSync(path.join(out, asset.source.path)) }));
    }
  }
}

/** The events CloudFormation would send for each Custom::KeywardSopsSecret, with the deployed secret ARNs. */
function events(template: any, secretArns: Map<string, string>, requestType: 'Create' | 'Update', old?: any): any[] {
  return Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'Custom::KeywardSopsSecret').map(([id, r]) => {
    const { ServiceToken: _token, Bucket, ...props } = r.Properties;
    const resolved = resolveIntrinsics(props, { ref: (ref) => secretArns.get(ref) ?? ({ 'AWS::AccountId': ACCOUNT, 'AWS::Region': REGION } as any)[ref] });
    const bucket = String(typeof Bucket === 'string' ? Bucket : Bucket['Fn::Sub']).replace('${AWS::AccountId}', ACCOUNT).replace('${AWS::Region}', REGION);
    return {
      RequestType: requestType, LogicalResourceId: id, ResourceType: r.Type,
      ResourceProperties: { ...resolved, Bucket: bucket },
      ...(requestType === 'Update' ? { PhysicalResourceId: resolved.SecretArn, OldResourceProperties: old } : {}),
    };
  });
}

async function currentValue(secretId: string): Promise<string> {
  return (await sm.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString!;
}

describe('SOPS file → Secrets Manager through the deploy-time writer', () => {
  let envFile: string;
  let yamlFile: string;
  let secretArns: Map<string, string>;
  let first: ReturnType<typeof synth>;

  test('sops encrypts with the moto KMS key and an age key; synthesis and the asset manifest carry no value', async () => {
    envFile = path.join(dir, 'payment.enc.env');
    yamlFile = path.join(dir, 'db.enc.yaml');
    const keys = ['--kms', keyArn, '--age', age.recipient];
    sopsEncrypt(tools, `PAYMENT_API_KEY=${API_KEY}\nPAYMENT_ACCOUNT=acct_123\n`, envFile, 'dotenv', keys, sopsEnv());
    sopsEncrypt(tools, [
      'username: app', `password: '${DB_PASSWORD.replace(/'/g, "''")}'`, 'port: 5432', 'ratio: 0.25', 'tls: true',
      '# a comment, encrypted by sops and left out of the value', 'replicas:', '  - host: r1.internal', '    port: 5433', '  - host: r2.internal',
      'options:', '  sslmode: verify-full', 'ca: |', '  -----BEGIN CERTIFICATE-----', '  MIIB', '  -----END CERTIFICATE-----', '',
    ].join('\n'), yamlFile, 'yaml', keys, sopsEnv());
    for (const f of [envFile, yamlFile]) {
      const text = fs.readFileSync(f, 'utf8');
      expect(text).toContain(keyArn);
      expect(text).toContain(age.recipient);
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain('integration-db-pass');
    }
    first = synth(envFile, yamlFile);
    for (const text of [first.templateText, first.manifestText]) {
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain('integration-db-pass');
    }
  });

  test('Create: the handler decrypts with the KMS key, verifies the MAC and stores exactly the file\'s value; returns no data', async () => {
    const resolveRef = (value: unknown, arns: Map<string, string>) => resolveIntrinsics(value, { ref: (ref) => arns.get(ref) });
    secretArns = (await createTemplateSecrets(sm, first.template, resolveRef)).arns;
    await publishSopsAssets(first.out, first.manifestText);
    for (const event of events(first.template, secretArns, 'Create')) {
      const response = await writer.handler(event);
      expect(response).toEqual({ PhysicalResourceId: event.ResourceProperties.SecretArn });
    }
    expect(await currentValue('app/payment-api-key')).toBe(API_KEY);
    expect(JSON.parse(await currentValue('app/db'))).toEqual({
      username: 'app', password: DB_PASSWORD, port: 5432, ratio: 0.25, tls: true,
      replicas: [{ host: 'r1.internal', port: 5433 }, { host: 'r2.internal' }], options: { sslmode: 'verify-full' },
      ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    });
  });

  test('editing the file with sops changes the asset hash, and the Update writes the new value; Delete writes nothing', async () => {
    const plainEnv = { ...sopsEnv(), SOPS_AGE_KEY_FILE: age.keyFile };
    const r = runOk(tools.sops, ['set', envFile, '["PAYMENT_API_KEY"]', JSON.stringify(API_KEY_2)], { env: plainEnv });
    expect(r.stdout + r.stderr).not.toContain(API_KEY_2);
    const second = synth(envFile, yamlFile);
    const before = events(first.template, secretArns, 'Create');
    const after = events(second.template, secretArns, 'Update');
    const changed = after.filter((e) => before.find((b) => b.LogicalResourceId === e.LogicalResourceId)!.ResourceProperties.FileHash !== e.ResourceProperties.FileHash);
    // Only the edited file's resource changes: CloudFormation sends exactly one Update.
    expect(changed.map((e) => e.LogicalResourceId)).toEqual([before.find((e) => e.ResourceProperties.Field === 'PAYMENT_API_KEY').LogicalResourceId]);
    await publishSopsAssets(second.out, second.manifestText);
    for (const e of changed) await writer.handler(e);
    expect(await currentValue('app/payment-api-key')).toBe(API_KEY_2);
    const versions = async () => (await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'app/payment-api-key' }))).Versions!.length;
    const count = await versions();
    await writer.handler({ ...changed[0], RequestType: 'Delete' });
    expect(await versions()).toBe(count);
    expect(await currentValue('app/payment-api-key')).toBe(API_KEY_2);
  });

  describe('failures name the file and the reason, never a value', () => {
    async function failure(text: string, props: { [k: string]: string } = {}): Promise<string> {
      const [event] = events(first.template, secretArns, 'Create').filter((e) => e.ResourceProperties.Field === 'PAYMENT_API_KEY');
      const key = `broken/${Math.random().toString(36).slice(2)}.env`;
      await s3.send(new PutObjectCommand({ Bucket: event.ResourceProperties.Bucket, Key: key, Body: text }));
      const before = await currentValue('app/payment-api-key');
      let message = '';
      try {
        await writer.handler({ ...event, ResourceProperties: { ...event.ResourceProperties, ObjectKey: key, ...props } });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toContain(event.ResourceProperties.SourceFile);
      for (const v of [API_KEY, API_KEY_2, 'integration-db-pass']) expect(message).not.toContain(v);
      expect(await currentValue('app/payment-api-key')).toBe(before);
      return message;
    }

    test('a value changed without sops (MAC mismatch)', async () => {
      // Swap in the ciphertext of another key's value: it decrypts with nothing (the path is additional data)...
      const text = fs.readFileSync(envFile, 'utf8');
      const lines = text.split('\n');
      const account = lines.find((l) => l.startsWith('PAYMENT_ACCOUNT='))!.slice('PAYMENT_ACCOUNT='.length);
      expect(await failure(lines.map((l) => (l.startsWith('PAYMENT_API_KEY=') ? `PAYMENT_API_KEY=${account}` : l)).join('\n')))
        .toMatch(/the value at "PAYMENT_API_KEY" does not decrypt/);
      // ...and a value removed leaves every other value intact but the MAC computed over them differs.
      expect(await failure(lines.filter((l) => !l.startsWith('PAYMENT_ACCOUNT=')).join('\n'))).toMatch(/MAC mismatch/);
    });

    test('a plaintext file', async () => {
      expect(await failure(`PAYMENT_API_KEY=${API_KEY}\n`)).toMatch(/not SOPS-encrypted/);
    });

    test('a key the file was not encrypted with, and a data key KMS cannot decrypt', async () => {
      const text = fs.readFileSync(envFile, 'utf8');
      expect(await failure(text, { KmsKeyArn: otherKeyArn })).toMatch(/no AWS KMS entry for/);
      // (moto's KMS decrypts with a disabled key, so the unusable key is shown by a data key KMS rejects.)
      const foreign = text.replace(/^(sops_kms__list_0__map_enc=).*$/m, `$1${Buffer.from('not a KMS ciphertext blob').toString('base64')}`);
      expect(await failure(foreign)).toMatch(/could not decrypt the file's data key with arn:aws:kms:\S+: \w+/);
    });
  });
});
