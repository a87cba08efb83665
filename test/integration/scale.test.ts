/**
 * Issue 5's proof on moto: a workload granted 300 of the 600 secrets of a Keyward SecretCatalog, in tag mode (the
 * mode for hundreds of secrets per workload; the exact-mode access matrix is in access-matrix.test.ts).
 *
 * The app is built here with aws-cdk-lib (stack `Data`: the catalog, spread over nested stacks, and its key; stack
 * `Apps`: the workload role, granted every even-numbered secret) and synthesized to a temp dir. It is deployed to
 * moto as `cdk deploy` would: the nested stack templates are published to the bootstrap bucket in moto's S3 that the
 * asset manifest names, so moto's CloudFormation creates each AWS::CloudFormation::Stack from its TemplateURL with
 * its key parameter; `Apps` imports the key ARN through the stacks' one export.
 *
 * What moto shows, asserted: all 600 secrets exist with the catalog key; exactly the 300 granted carry
 * `keyward:access:<workload>` = read; the role has exactly one Keyward managed policy, whose stored document
 * (GetPolicyVersion) is ≤ 2,048 bytes with one tag-conditioned read statement; the key policy does not change with
 * the grant. What moto cannot show, printed as LIMIT lines: whether that statement lets the role read exactly those
 * 300 — moto's evaluator sees neither the secret ARN nor the ResourceTag condition (measured by the shared probes).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ListStackResourcesCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  GetPolicyCommand, GetPolicyVersionCommand, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { DescribeKeyCommand, GetKeyPolicyCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { ListSecretsCommand, SecretListEntry } from '@aws-sdk/client-secrets-manager';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GrantMode, SecretCatalog, SecretRotation, WorkloadPolicy } from '../../lib/aws';
import { createTemplateSecrets, publishNestedTemplates } from './support/cdk-assets';
import { adaptForMoto, deployStack, resolveIntrinsics, resolveStackOutputs } from './support/cfn';
import { engines } from './support/engines';
import { Matrix, Outcome } from './support/matrix';
import { Credentials, Moto, startMoto } from './support/moto';
import { assumeRoleSm, createHarnessUser, harnessUserArn, MotoIamCapabilities, MotoIamProbes, tryGetSecret } from './support/moto-iam';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const TOTAL = 600;
const WORKLOAD = 'scale-reader';
const TAG = `keyward:access:${WORKLOAD}`;
const granted = (i: number) => i % 2 === 0;
const nameOf = (i: number) => `scale/secret-${i}`;
/** GetSecretValue is tried as the workload on these (granted: even, not granted: odd), spread over every shard. */
const SAMPLE = [0, 1, 198, 199, 398, 399, 596, 597, 598, 599];

interface Synth {
  readonly outdir: string;
  readonly catalog: SecretCatalog;
  readonly ms: number;
}

/** The app: `Data` holds the catalog; `Apps` holds the role, granted the secrets `grant(i)` (none when undefined). */
function synth(grant?: (i: number) => boolean): Synth {
  const start = Date.now();
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-scale-'));
  const app = new App({ outdir });
  const env = { account: ACCOUNT, region: REGION };
  const data = new Stack(app, 'Data', { env });
  const catalog = new SecretCatalog(data, 'Catalog');
  const apps = new Stack(app, 'Apps', { env });
  // Trusts the harness user directly: moto runs no function or task as a role, and its trust check crashes on
  // Service principals (see aws.test.ts). Trust is not what this test is about.
  const role = new iam.Role(apps, 'Reader', { assumedBy: new iam.ArnPrincipal(harnessUserArn(ACCOUNT)) });
  // Tag mode: 300 exact ARNs would not fit one managed policy (exact mode fails at synth; test/aws/secret-catalog.test.ts).
  WorkloadPolicy.of(role, { workloadName: WORKLOAD, grantMode: GrantMode.TAG });
  const rotation = SecretRotation.none('scale test secret: rotation is not what this test is about');
  for (let i = 0; i < TOTAL; i++) {
    const secret = catalog.addSecret(`S${i}`, { secretName: nameOf(i), rotation });
    if (grant?.(i)) secret.grantRead(role);
  }
  app.synth();
  return { outdir, catalog, ms: Date.now() - start };
}

function readJson(file: string): any {  
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const keyResource = (t: any) => Object.values<any>(t.Resources).find((r) => r.Type === 'AWS::KMS::Key');  

/** The intrinsics of the catalog's templates, resolved against what moto deployed. */
function resolver(params: Map<string, string>) {
  return (value: unknown, secretArns: Map<string, string>): any => resolveIntrinsics(value, {  
    ref: (ref) => (ref === 'AWS::Partition' ? 'aws' : secretArns.get(ref) ?? params.get(ref)),
  });
}

let moto: Moto;
let harness: Credentials;
let withGrant: Synth;
let withoutGrant: Synth;
let keyArn: string;
let roleName: string;
const secrets: SecretListEntry[] = [];
let probes: MotoIamProbes;
const timings: string[] = [];
const notes: string[] = [];
const probeMatrix = new Matrix('moto IAM engine probes (what its policy evaluation can and cannot see)');
const matrix = new Matrix(`Scale on moto 5.2.5: workload ${WORKLOAD} granted ${TOTAL / 2} of ${TOTAL} catalog secrets, GetSecretValue on a sample`);

function lap(what: string, since: number): number {
  const now = Date.now();
  timings.push(`${what}: ${((now - since) / 1000).toFixed(1)} s`);
  return now;
}

beforeAll(async () => {
  const eng = engines();
  let t = Date.now();
  withGrant = synth(granted);
  timings.push(`synth, 600 secrets + 300 grants: ${(withGrant.ms / 1000).toFixed(1)} s`);
  withoutGrant = synth();
  timings.push(`synth, same app without the grant: ${(withoutGrant.ms / 1000).toFixed(1)} s`);
  t = Date.now();

  moto = await startMoto(eng.motoServer, ACCOUNT, REGION);
  const { cfn, sm, kms } = moto.clients();
  harness = await createHarnessUser(moto);
  notes.push(...(await publishNestedTemplates(moto, withGrant.outdir, 'Data')).map((w) => `published ${w}`));

  // Data: the key and the nested stacks (moto creates each from its TemplateURL, passing the key parameter).
  const data = adaptForMoto(readJson(path.join(withGrant.outdir, 'Data.template.json')));
  notes.push(...data.adaptations.map((a) => `Data: removed ${a.what}: ${a.why}`));
  const dataResources = await deployStack(cfn, 'Data', data.template);
  t = lap('CloudFormation CreateStack Data on moto (key + nested stacks from S3)', t);
  const keyId = dataResources.find((r) => r.ResourceType === 'AWS::KMS::Key')!.PhysicalResourceId!;
  // As in aws.test.ts: moto keeps a CloudFormation key policy as an object and then fails DescribeKey; re-put the
  // template's own policy as text.
  const keyPolicy = resolver(new Map())(keyResource(data.template).Properties.KeyPolicy, new Map());
  await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: JSON.stringify(keyPolicy) }));
  notes.push('the key\'s own KeyPolicy was re-put through the KMS API (moto keeps CloudFormation key policies as objects and then fails DescribeKey)');
  keyArn = (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.Arn!;

  // Each shard: moto made the nested stack but skipped its secrets and resource policies; create exactly those from
  // the shard template, with the parameter values moto's nested stack was given.
  const shards = dataResources.filter((r) => r.ResourceType === 'AWS::CloudFormation::Stack');
  const assets = readJson(path.join(withGrant.outdir, 'Data.assets.json')).files;
  let created = 0;
  for (const shard of shards) {
    const nested = (await cfn.send(new DescribeStacksCommand({ StackName: shard.PhysicalResourceId }))).Stacks![0];
    if (nested.StackStatus !== 'CREATE_COMPLETE') throw new Error(`nested stack ${shard.LogicalResourceId}: ${nested.StackStatus}`);
    const params = new Map((nested.Parameters ?? []).map((p) => [p.ParameterKey!, p.ParameterValue!]));
    const url = JSON.stringify(data.template.Resources[shard.LogicalResourceId!].Properties.TemplateURL);
    const asset = Object.values<any>(assets).find((a) => url.includes(Object.values<any>(a.destinations)[0].objectKey));
    const template = readJson(path.join(withGrant.outdir, asset.source.path));
    const nestedResources = (await cfn.send(new ListStackResourcesCommand({ StackName: shard.PhysicalResourceId }))).StackResourceSummaries ?? [];
    const made = await createTemplateSecrets(sm, template, resolver(params));
    created += made.arns.size;
    notes.push(`${shard.LogicalResourceId}: nested stack ${nested.StackStatus} with parameters ${JSON.stringify(Object.fromEntries(params))}; `
      + `moto listed ${nestedResources.length} resources, the harness created ${made.arns.size} secrets and their resource policies`, ...made.notes);
  }
  notes.push(`${created} secrets created through the Secrets Manager API from the shard templates (moto's CloudFormation has no AWS::SecretsManager::Secret)`);
  t = lap(`create the ${created} secrets and their resource policies through the Secrets Manager API`, t);

  const apps = adaptForMoto(readJson(path.join(withGrant.outdir, 'Apps.template.json')));
  const appsResolved = await resolveStackOutputs(cfn, apps.template);
  notes.push(...[...apps.adaptations, ...appsResolved.adaptations].map((a) => `Apps: ${a.what}: ${a.why}`));
  const appResources = await deployStack(cfn, 'Apps', appsResolved.template);
  roleName = appResources.find((r) => r.ResourceType === 'AWS::IAM::Role')!.PhysicalResourceId!;
  t = lap('deploy Apps to moto', t);

  let token: string | undefined;
  do {
    const page = await sm.send(new ListSecretsCommand({ NextToken: token, MaxResults: 100, Filters: [{ Key: 'name', Values: ['scale/'] }] }));
    secrets.push(...(page.SecretList ?? []));
    token = page.NextToken;
  } while (token);

  const first = secrets.find((s) => s.Name === nameOf(0))!;
  probes = new MotoIamProbes(moto, ACCOUNT, first.ARN!);
  await probes.create();
  lap('list secrets and create probe roles', t);
});

afterAll(async () => {
  process.stdout.write('\nScale case on moto: deployment notes\n' + notes.map((n) => `  - ${n}\n`).join('')
    + 'Timings:\n' + timings.map((n) => `  - ${n}\n`).join(''));
  probeMatrix.print();
  matrix.print();
  if (process.env.KEYWARD_DEBUG_MOTO) process.stdout.write(moto?.server.output().slice(-6000) ?? '');
  await moto?.server.stop();
  for (const s of [withGrant, withoutGrant]) if (s) fs.rmSync(s.outdir, { recursive: true, force: true });
});

test('the catalog spread 600 secrets over nested stacks that moto created, each under 500 resources', () => {
  const nested = fs.readdirSync(withGrant.outdir).filter((f) => f.endsWith('.nested.template.json'));
  expect(nested.length).toBe(withGrant.catalog.stacks.length);
  expect(nested.length).toBeGreaterThan(1);
  for (const f of nested) expect(Object.keys(readJson(path.join(withGrant.outdir, f)).Resources).length).toBeLessThanOrEqual(500);
});

test('all 600 secrets exist, encrypted with the catalog key; exactly the 300 granted carry keyward:access:<workload> = read', () => {
  expect(secrets).toHaveLength(TOTAL);
  const tagged: number[] = [];
  for (const s of secrets) {
    const i = Number(s.Name!.slice('scale/secret-'.length));
    expect(s.Name).toBe(nameOf(i));
    expect(s.KmsKeyId).toBe(keyArn);
    const tags = s.Tags ?? [];
    const access = tags.filter((t) => t.Key!.toLowerCase().startsWith('keyward:access:'));
    if (granted(i)) {
      expect(access).toEqual([{ Key: TAG, Value: 'read' }]);
      tagged.push(i);
    } else {
      expect(access).toEqual([]);
    }
  }
  expect(new Set(secrets.map((s) => s.Name)).size).toBe(TOTAL);
  expect(tagged).toHaveLength(TOTAL / 2);
  notes.push(`ListSecrets: ${secrets.length} secrets, ${tagged.length} tagged ${TAG}=read (all even-numbered), ${secrets.length - tagged.length} without any keyward:access:* tag`);
});

test('the role has exactly one Keyward managed policy, ≤ 2,048 bytes as stored, with the single tag-conditioned read statement', async () => {
  const { iam } = moto.clients();
  const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? [];
  expect(attached).toHaveLength(1);
  expect(attached[0].PolicyName).toContain('KeywardPolicy');
  expect((await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? []).toEqual([]);

  const policy = (await iam.send(new GetPolicyCommand({ PolicyArn: attached[0].PolicyArn }))).Policy!;
  const version = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: policy.Arn, VersionId: policy.DefaultVersionId }))).PolicyVersion!;
  const stored = decodeURIComponent(version.Document!);
  const doc = JSON.parse(stored);
  // IAM counts a managed policy's size without whitespace: the compact JSON of what moto stored (ARNs resolved).
  const bytes = Buffer.byteLength(JSON.stringify(doc));
  expect(stored).not.toMatch(/Fn::|"Ref"/);
  expect(bytes).toBeLessThanOrEqual(2048);
  notes.push(`GetPolicyVersion ${policy.PolicyName} ${policy.DefaultVersionId}: ${bytes} bytes (compact JSON, ARNs resolved), ${doc.Statement.length} statements`);

  const secretStatements = doc.Statement.filter((s: any) => JSON.stringify(s.Action).includes('secretsmanager:'));  
  const allows = secretStatements.filter((s: any) => s.Effect === 'Allow');  
  expect(allows).toEqual([{
    Sid: 'KeywardReadTagged',
    Effect: 'Allow',
    Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    Resource: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:*`,
    Condition: { StringEquals: { [`aws:ResourceTag/${TAG}`]: ['read', 'read-write'] } },
  }]);
  // The workload cannot grant itself more by tagging.
  expect(secretStatements.filter((s: any) => s.Effect === 'Deny').map((s: any) => s.Sid)).toEqual(['KeywardDenyAccessTagChanges']);  
  // The KMS side: one statement on the catalog key (resolved by moto from the Data export), through Secrets Manager.
  const kmsStatements = doc.Statement.filter((s: any) => JSON.stringify(s.Action).includes('kms:'));  
  expect(kmsStatements).toEqual([expect.objectContaining({
    Sid: 'KeywardSecretsKeys', Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn,
    Condition: {
      StringEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` },
      StringLike: { 'kms:EncryptionContext:SecretARN': `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:*` },
    },
  })]);
  // Nothing in it names a secret: the size does not depend on the number granted.
  expect(stored).not.toContain('scale/secret-');
});

test('the key policy is unchanged by the grant', async () => {
  const granted600 = keyResource(readJson(path.join(withGrant.outdir, 'Data.template.json')));
  const none = keyResource(readJson(path.join(withoutGrant.outdir, 'Data.template.json')));
  expect(JSON.stringify(granted600)).toBe(JSON.stringify(none));
  const { kms } = moto.clients();
  const deployed = JSON.parse((await kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))).Policy!);
  expect(deployed).toEqual(resolver(new Map())(none.Properties.KeyPolicy, new Map()));
  expect(JSON.stringify(deployed)).not.toContain(roleName);
  notes.push(`key policy: ${Buffer.byteLength(JSON.stringify(deployed))} bytes, ${deployed.Statement.length} statement(s), `
    + 'byte-identical in the app with the 300 grants and without any (GetKeyPolicy returns the template\'s policy the harness re-put)');
});

test('as the workload, GetSecretValue on a sample: cells match the probes (on moto 5.2.5 every cell is NOT EVALUABLE: the limit is printed, exact-set access rests on the tag and policy tests above)', async () => {
  await moto.enforceIam();
  const caps: MotoIamCapabilities = await probes.run(harness, nameOf(0), probeMatrix, matrix);
  const sm = await assumeRoleSm(moto, harness, ACCOUNT, roleName);
  if (!caps.resourceScoped || !caps.conditionsEvaluated) {
    matrix.limit(`this case: the workload's only read statement is Allow secretsmanager:GetSecretValue/DescribeSecret on `
      + `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:* if StringEquals aws:ResourceTag/${TAG} in [read, read-write]; `
      + `moto ${caps.resourceScoped ? 'matches the resource' : 'never matches the resource'} and `
      + `${caps.conditionsEvaluated ? 'evaluates' : 'does not evaluate'} that ResourceTag condition, so "reads exactly the 300" is not observable here. `
      + `What is asserted instead: exactly the 300 granted secrets carry ${TAG}=read, the other 300 carry no keyward:access:* tag, and that `
      + `statement is the role's only secretsmanager Allow (one managed policy, stored document <= 2,048 bytes)`);
  }
  const evaluable = caps.resourceScoped && caps.conditionsEvaluated;
  // What moto must answer given what the probes measured: without the secret ARN, the `secret:*` statement never
  // matches (all denied); with the ARN but without the condition, it matches every secret (all allowed).
  const motoPredicts = (i: number): Outcome => (evaluable ? (granted(i) ? 'allowed' : 'denied') : caps.resourceScoped ? 'allowed' : 'denied');
  let notEvaluable = 0;
  for (const i of SAMPLE) {
    const aws: Outcome = granted(i) ? 'allowed' : 'denied';
    const r = await tryGetSecret(sm, nameOf(i));
    const note = evaluable ? '' : granted(i)
      ? ' - NOT EVALUABLE by moto (granted by tag; see LIMIT)'
      : ' - NOT EVALUABLE by moto (not granted; see LIMIT)';
    if (!evaluable) notEvaluable++;
    matrix.record({
      workload: WORKLOAD, action: 'GetSecretValue', target: `${nameOf(i)} (${granted(i) ? 'granted' : 'not granted'})`,
      expected: motoPredicts(i), observed: r.outcome, evidence: `${r.evidence}; AWS would: ${aws}${note}`,
    });
  }
  // The access claim is gated the moment moto can evaluate it; until then every cell must be what the probes
  // predict, says it is not evaluable, the LIMIT lines name why, and the claim rests on the tag and policy tests above.
  expect(matrix.mismatches()).toEqual([]);
  if (evaluable) {
    expect(notEvaluable).toBe(0);
  } else {
    expect(matrix.render()).toMatch(/^LIMIT: /m);
    expect(notEvaluable).toBe(SAMPLE.length);
  }
});
