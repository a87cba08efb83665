import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnMapping, CfnOutput, CfnParameter, CfnResource, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as s3Assets from 'aws-cdk-lib/aws-s3-assets';
import { App as TfApp, AssetType, Fn as TfFn, TerraformAsset, TerraformLocal, TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { GenericEndpoint } from '@cdktf/provider-vault/lib/generic-endpoint';
import { DataVaultGenericSecret } from '@cdktf/provider-vault/lib/data-vault-generic-secret';
import { GenericSecret } from '@cdktf/provider-vault/lib/generic-secret';
import { KvSecret } from '@cdktf/provider-vault/lib/kv-secret';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { AwsGuard, TerraformGuard } from '../../lib/guard';
import { scanOutput } from '../../lib/guard/private/scan';

// Every channel of the synthesized output the guards claim to read: one leak per channel, each must be caught with
// the rule and the construct path (or file) it is in. Fake credentials are assembled at run time.
const FAKE_AKIA = ['AKIA', 'Z7Q3', 'M2XK', 'P4WB', 'T6NV'].join('');
const FAKE_GHP = ['ghp_', 'Zq8Rk2Lm5Np7Tv9Wx1Yb3Cd5Ef7Gh9Jk1Mn3P'].join('');
const FAKE_PASSWORD = ['Winter', '-', '2024', '-', 'Payments!'].join('');
const FAKE_VAULT_TOKEN = ['hvs', 'CAESIJq7Vf2LmZ9xR4tWb8Kc1NpY6sHd3JgE0u'].join('.');

function awsFindings(build: (stack: Stack) => void) {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-channels-')) });
  const stack = new Stack(app, 'Shop');
  build(stack);
  const guard = new AwsGuard({ dataLoss: false });
  Validations.of(app).addPlugins(guard);
  try {
    app.synth();
  } catch {
    // findings fail synth; the test reads them from the guard
  }
  fs.rmSync(app.outdir, { recursive: true, force: true });
  return guard.findings.map((f) => [f.ruleId, f.constructPath, f.propertyPath]);
}

const bucket = (s: Stack, id: string, props: { [k: string]: unknown }) => new CfnResource(s, id, { type: 'AWS::S3::Bucket', properties: props });

describe('AwsGuard reads every channel of the cloud assembly', () => {
  test('Fn::Sub variable maps, with the literal substituted into the string', () => {
    expect(awsFindings((s) => bucket(s, 'B', { BucketName: Fn.sub('Server=db;Password=${Pw};', { Pw: FAKE_PASSWORD }) }))).toEqual([
      ['keyward:plaintext-property', 'Shop/B', 'Properties.BucketName.Fn::Sub'],
      ['keyward:plaintext-property', 'Shop/B', 'Properties.BucketName.Fn::Sub[1].Pw'],
    ]);
  });

  test('literal arguments of Fn::Split, Fn::Select, Fn::Join and Fn::ToJsonString', () => {
    const found = awsFindings((s) => {
      bucket(s, 'Split', { BucketName: Fn.select(1, Fn.split(',', `a,${FAKE_AKIA}`)) });
      bucket(s, 'Json', { Tags: [{ Key: 'cfg', Value: Fn.toJsonString({ token: FAKE_GHP }) }] });
      bucket(s, 'Join', { BucketName: Fn.join('', ['x-', FAKE_GHP]) });
    });
    expect(found.map((f) => f[1]).sort()).toEqual(['Shop/Join', 'Shop/Json', 'Shop/Split']);
  });

  test('Mappings read through Fn::FindInMap', () => {
    const found = awsFindings((s) => {
      const m = new CfnMapping(s, 'Creds', { mapping: { prod: { key: FAKE_AKIA } } });
      bucket(s, 'B', { BucketName: m.findInMap('prod', 'key') });
    });
    expect(found).toEqual([['keyward:plaintext-template-text', 'Shop/Creds', 'Mappings.Creds.prod.key']]);
  });

  test('resource Metadata (AWS::CloudFormation::Init files), template, parameter and output descriptions', () => {
    const found = awsFindings((s) => {
      const r = bucket(s, 'Host', {});
      r.cfnOptions.metadata = { 'AWS::CloudFormation::Init': { config: { files: { '/etc/app.env': { content: `API_TOKEN=${FAKE_GHP}\n` } } } } };
      s.templateOptions.description = `deploy key ${FAKE_AKIA}`;
      new CfnParameter(s, 'P', { description: `use ${FAKE_GHP}`, type: 'String' });
      new CfnOutput(s, 'O', { value: 'x', description: `old key ${FAKE_AKIA}` });
    });
    expect(found.sort()).toEqual([
      ['keyward:plaintext-template-text', 'Shop', 'Description'],
      ['keyward:plaintext-template-text', 'Shop/Host', expect.stringMatching(/^Metadata\.AWS::CloudFormation::Init\.config\.files/)],
      ['keyward:plaintext-template-text', 'Shop/O', 'Outputs.O.Description'],
      ['keyward:plaintext-template-text', 'Shop/P', 'Parameters.P.Description'],
    ]);
  });

  test('a NoEcho parameter default (NoEcho hides it from describe-stacks, not from the template)', () => {
    expect(awsFindings((s) => new CfnParameter(s, 'DbPassword', { default: FAKE_PASSWORD, noEcho: true }))).toEqual([
      ['keyward:plaintext-parameter-default', 'Shop/DbPassword', 'Parameters.DbPassword.Default'],
    ]);
  });

  test('*.metadata.json (construct metadata) and *.assets.json (Docker build arguments)', () => {
    const dockerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-docker-'));
    fs.writeFileSync(path.join(dockerDir, 'Dockerfile'), 'FROM scratch\n');
    const found = awsFindings((s) => {
      s.node.addMetadata('note', `rotated ${FAKE_AKIA}`);
      new ecrAssets.DockerImageAsset(s, 'Image', { directory: dockerDir, buildArgs: { NPM_TOKEN: FAKE_GHP } });
    });
    expect(found).toEqual(
      expect.arrayContaining([
        ['keyward:plaintext-output-file', 'Shop.metadata.json', expect.stringMatching(/^\/Shop\[\d+\]\.data$/)],
        ['keyward:plaintext-output-file', 'Shop.assets.json', expect.stringContaining('dockerBuildArgs.NPM_TOKEN')],
      ]),
    );
    fs.rmSync(dockerDir, { recursive: true, force: true });
  });

  test('text asset files, in a staged directory and as a single file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-asset-'));
    fs.writeFileSync(path.join(dir, '.env'), `DB_PASSWORD=${FAKE_PASSWORD}\n`);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-file-')), 'config.sh');
    fs.writeFileSync(file, `#!/bin/sh\nexport GH=${FAKE_GHP}\n`);
    const found = awsFindings((s) => {
      new s3Assets.Asset(s, 'Dir', { path: dir });
      new s3Assets.Asset(s, 'File', { path: file });
    });
    expect(found.map((f) => [f[0], f[1].replace(/asset\.[0-9a-f]{64}/, 'asset.<hash>'), f[2]]).sort()).toEqual([
      ['keyward:plaintext-output-file', 'asset.<hash>.sh', 'line 2'],
      ['keyward:plaintext-output-file', 'asset.<hash>/.env', 'line 1'],
    ]);
  });

  test('a clean assembly with assets and metadata passes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-asset-'));
    fs.writeFileSync(path.join(dir, 'index.js'), 'exports.handler = async () => process.env.DB_SECRET_ARN;\n');
    expect(awsFindings((s) => new s3Assets.Asset(s, 'Code', { path: dir }))).toEqual([]);
  });
});

function tfStack(build: (s: TerraformStack) => void): TerraformStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'vault');
  new VaultProvider(stack, 'vault', { address: 'https://vault.example.com:8200' });
  build(stack);
  return stack;
}

const tf = (stack: TerraformStack) => TerraformGuard.check(stack).map((f) => [f.ruleId, f.propertyPath]);

describe('TerraformGuard reads every block of cdk.tf.json', () => {
  test('literals inside ${...} expressions, including base64decode of a literal', () => {
    const stack = tfStack((s) => {
      new TerraformLocal(s, 'tok', `\${trimspace("${FAKE_VAULT_TOKEN}")}`);
      new TerraformLocal(s, 'b64', `\${base64decode("${Buffer.from(`password=${FAKE_PASSWORD}`).toString('base64')}")}`);
    });
    expect(tf(stack)).toEqual([
      ['keyward:plaintext-terraform-attribute', 'local.tok.tok'],
      ['keyward:plaintext-terraform-attribute', 'local.b64.b64'],
    ]);
  });

  test('module blocks, data sources, provider settings, variable defaults and outputs', () => {
    const stack = tfStack((s) => {
      s.addOverride('module.db', { source: './db', admin_password: FAKE_PASSWORD });
      new DataVaultGenericSecret(s, 'd', { path: 'secret/x', version: 0, namespace: FAKE_AKIA });
      new VaultProvider(s, 'other', { alias: 'other', address: 'https://v', token: FAKE_VAULT_TOKEN });
      new TerraformVariable(s, 'api_key', { type: 'string', default: FAKE_GHP });
      new TerraformOutput(s, 'leak', { value: TfFn.trimspace(FAKE_AKIA) });
    });
    expect(tf(stack).map((f) => f[1]).sort()).toEqual(
      ['data.vault_generic_secret.d.namespace', 'module.db.admin_password', 'output.leak.value', 'provider.vault.other.token', 'var.api_key.default'].sort(),
    );
  });

  test('vault_kv_secret and vault_generic_secret enter the retention rule', () => {
    const stack = tfStack((s) => {
      new KvSecret(s, 'kv1', { path: 'kv1/db', dataJson: '${jsonencode({})}' });
      new GenericSecret(s, 'gen', { path: 'secret/db', dataJson: '${jsonencode({})}' });
    });
    const retention = TerraformGuard.check(stack).filter((f) => f.ruleId === 'keyward:retention-prevent-destroy');
    expect(retention.map((f) => f.propertyPath).sort()).toEqual(['vault_generic_secret.gen.lifecycle.prevent_destroy', 'vault_kv_secret.kv1.lifecycle.prevent_destroy']);
  });
});

describe('CDKTF output files and other KV writes', () => {
  test('a KV write through vault_generic_endpoint with a literal is caught', () => {
    const stack = tfStack((s) => {
      new GenericEndpoint(s, 'kvwrite', { path: 'kv/data/db', dataJson: JSON.stringify({ data: { password: FAKE_PASSWORD } }) });
    });
    expect(tf(stack)).toEqual([['keyward:plaintext-terraform-attribute', 'vault_generic_endpoint.kvwrite.data_json']]);
  });

  test('keyward scan reads TerraformAsset files in cdktf.out, naming the file', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-cdktf-'));
    const src = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-tfasset-'));
    fs.writeFileSync(path.join(src, 'bootstrap.sh'), `#!/bin/sh\nvault login ${FAKE_VAULT_TOKEN}\n`);
    const app = new TfApp({ outdir });
    const stack = new TerraformStack(app, 'vault');
    new VaultProvider(stack, 'vault', { address: 'https://vault.example.com:8200' });
    new TerraformAsset(stack, 'scripts', { path: src, type: AssetType.DIRECTORY });
    app.synth();
    const findings = scanOutput(outdir).findings.map((f) => [f.ruleId, f.constructPath.replace(/assets\/scripts\/[^/]+/, 'assets/scripts/<hash>'), f.propertyPath]);
    expect(findings).toEqual([['keyward:plaintext-output-file', 'stacks/vault/assets/scripts/<hash>/bootstrap.sh', 'line 2']]);
    fs.rmSync(outdir, { recursive: true, force: true });
  });
});
