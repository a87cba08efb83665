/**
 * The AWS example (cdk.out/*.template.json as `npm run synth` wrote it) deployed to moto's server on loopback through
 * the CloudFormation API (AWS SDK for JavaScript v3), then inspected and exercised through the AWS APIs.
 *
 * What moto cannot do is named, never papered over:
 *  - template adaptations (transform, bootstrap rule, hosted rotation) are printed by adaptForMoto;
 *  - moto 5.2.5's CloudFormation has no AWS::SecretsManager::Secret / ::ResourcePolicy: the harness creates exactly
 *    those resources through the Secrets Manager API from the template's own properties (intrinsics resolved against
 *    the deployed stack) and says so;
 *  - moto's IAM evaluation is characterised by probes first; matrix cells it cannot evaluate are reported as such.
 */
import { DescribeKeyCommand, GetKeyRotationStatusCommand, ListAliasesCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import {
  AttachRolePolicyCommand, CreateAccessKeyCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, GetRoleCommand, ListAttachedRolePoliciesCommand, PutUserPolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateSecretCommand, DescribeSecretCommand, GetRandomPasswordCommand, GetResourcePolicyCommand,
  GetSecretValueCommand, PutResourcePolicyCommand, SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { StackResourceSummary } from '@aws-sdk/client-cloudformation';
import * as fs from 'fs';
import * as path from 'path';
import { adaptForMoto, Adaptation, deployStack } from './support/cfn';
import { engines } from './support/engines';
import { Matrix, Outcome } from './support/matrix';
import { Credentials, Moto, startMoto } from './support/moto';
import { cdkTemplates } from './support/outputs';

const TEMPLATE = 'KeywardExample-Orders.template.json';
const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const STACK = 'orders';

// What examples/aws-app.ts declares: which role reads which secret (by logical-id prefix and secret name).
const DB = 'orders/database';
const API_KEY = 'orders/payment-provider/api-key';
const EXPECTED_READS: { [rolePrefix: string]: string[] } = {
  OrdersApiFunctionServiceRole: [DB, API_KEY],
  OrdersWorkerTaskDefinitionExecutionRole: [DB],
  OrdersWorkerTaskDefinitionTaskRole: [],
  NetworkVpcFlowLogIAMRole: [],
};

let moto: Moto;
let template: any;  
let adaptations: Adaptation[] = [];
let resources: StackResourceSummary[] = [];
const physical = new Map<string, string>();
const secretArns = new Map<string, string>(); // logical id -> ARN
const matrix = new Matrix('AWS (moto 5.2.5, IAM enforcement on): role x secret GetSecretValue, as observed');
const probes = new Matrix('moto IAM engine probes (what its policy evaluation can and cannot see)');
const notes: string[] = [];

/** Resolves the intrinsics the example uses against the deployed stack; anything else is an error. */
function resolve(value: any): any {  
  if (Array.isArray(value)) return value.map(resolve);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref') {
    const ref = value.Ref;
    if (ref === 'AWS::Partition') return 'aws';
    if (ref === 'AWS::Region') return REGION;
    if (ref === 'AWS::AccountId') return ACCOUNT;
    if (secretArns.has(ref)) return secretArns.get(ref);
    if (physical.has(ref)) return physical.get(ref);
    throw new Error(`cannot resolve Ref ${ref}`);
  }
  if (keys.length === 1 && keys[0] === 'Fn::Join') {
    const [sep, parts] = value['Fn::Join'];
    return resolve(parts).join(sep);
  }
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
    const [id, attr] = value['Fn::GetAtt'];
    const type = template.Resources[id]?.Type;
    if (attr === 'Arn' && type === 'AWS::KMS::Key') return `arn:aws:kms:${REGION}:${ACCOUNT}:key/${physical.get(id)}`;
    if (attr === 'Arn' && type === 'AWS::IAM::Role') return `arn:aws:iam::${ACCOUNT}:role/${physical.get(id)}`;
    throw new Error(`cannot resolve Fn::GetAtt ${id}.${attr}`);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
}

function httpStatus(e: unknown): number | undefined {
  const err = e as { $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } };
  return err.$metadata?.httpStatusCode ?? err.$response?.statusCode;
}

/** moto answers an IAM denial with HTTP 403 (its body is not always the service's JSON error shape). */
function isDenied(e: unknown): boolean {
  const name = (e as { name?: string }).name;
  return name === 'AccessDeniedException' || name === 'AccessDenied' || httpStatus(e) === 403;
}

async function tryGet(sm: SecretsManagerClient, secretId: string): Promise<{ outcome: Outcome; evidence: string; value?: string }> {
  try {
    const r = await sm.send(new GetSecretValueCommand({ SecretId: secretId }));
    return { outcome: 'allowed', evidence: 'GetSecretValue 200', value: r.SecretString };
  } catch (e) {
    if (isDenied(e)) return { outcome: 'denied', evidence: `HTTP ${httpStatus(e)} (denied)` };
    throw e;
  }
}

beforeAll(async () => {
  const eng = engines();
  const file = cdkTemplates().find((f) => path.basename(f) === TEMPLATE);
  if (!file) throw new Error(`cdk.out has no ${TEMPLATE}`);
  moto = await startMoto(eng.motoServer, ACCOUNT, REGION);
  const original = JSON.parse(fs.readFileSync(file, 'utf8'));
  const adapted = adaptForMoto(original);
  template = adapted.template;
  adaptations = adapted.adaptations;
  const { cfn, sm, kms } = moto.clients();
  resources = await deployStack(cfn, STACK, template);
  for (const r of resources) if (r.PhysicalResourceId) physical.set(r.LogicalResourceId!, r.PhysicalResourceId);

  // moto's CloudFormation skips Secrets Manager resources ("No Moto CloudFormation support"): create exactly those
  // through the Secrets Manager API from the template's own properties.
  const skipped = Object.entries<any>(template.Resources)  
    .filter(([id]) => !physical.has(id)).map(([id, r]) => `${id} (${r.Type})`);
  notes.push(`moto's CloudFormation created no physical resource for: ${skipped.join(', ') || 'none'}`);
  // moto stores a key policy that came through CloudFormation as an object and then fails every KMS call that checks
  // it (DescribeKey: "the JSON object must be str"); putting the template's own policy back stores it as text.
  for (const [id, r] of Object.entries<any>(template.Resources)) {  
    if (r.Type !== 'AWS::KMS::Key') continue;
    await kms.send(new PutKeyPolicyCommand({ KeyId: physical.get(id), PolicyName: 'default', Policy: JSON.stringify(resolve(r.Properties.KeyPolicy)) }));
  }
  notes.push('each KMS key\'s own KeyPolicy was re-put through the KMS API (moto keeps CloudFormation key policies as objects and then fails DescribeKey)');
  for (const [id, r] of Object.entries<any>(template.Resources)) {  
    if (r.Type !== 'AWS::SecretsManager::Secret' || physical.has(id)) continue;
    const p = resolve(r.Properties);
    const gen = p.GenerateSecretString ?? {};
    const password = (await sm.send(new GetRandomPasswordCommand({
      PasswordLength: gen.PasswordLength, ExcludeCharacters: gen.ExcludeCharacters,
      RequireEachIncludedType: gen.RequireEachIncludedType,
    }))).RandomPassword!;
    const value = gen.SecretStringTemplate
      ? JSON.stringify({ ...JSON.parse(gen.SecretStringTemplate), [gen.GenerateStringKey]: password })
      : password;
    const created = await sm.send(new CreateSecretCommand({
      Name: p.Name, Description: p.Description, KmsKeyId: p.KmsKeyId, Tags: p.Tags, SecretString: value,
      // Replica regions need the other region's key; moto cannot check it, so the replica is not created here.
    }));
    secretArns.set(id, created.ARN!);
    if (p.ReplicaRegions) notes.push(`${id}: ReplicaRegions ${JSON.stringify(p.ReplicaRegions)} not created (second region/key out of scope for one moto account)`);
  }
  for (const [id, r] of Object.entries<any>(template.Resources)) {  
    if (r.Type !== 'AWS::SecretsManager::ResourcePolicy' || physical.has(id)) continue;
    const p = resolve(r.Properties);
    await sm.send(new PutResourcePolicyCommand({
      SecretId: p.SecretId, ResourcePolicy: JSON.stringify(p.ResourcePolicy), BlockPublicPolicy: p.BlockPublicPolicy,
    }));
  }
  notes.push('Secrets and resource policies above were created by the harness via the Secrets Manager API from the template properties');
});

afterAll(async () => {
  process.stdout.write('\nAWS template adaptations for moto:\n' + adaptations.map((a) => `  - ${a.what}: ${a.why}\n`).join('')
    + notes.map((n) => `  - ${n}\n`).join(''));
  probes.print();
  matrix.print();
  if (process.env.KEYWARD_DEBUG_MOTO) process.stdout.write(moto?.server.output().slice(-6000) ?? '');
  await moto?.server.stop();
});

function secretIdByName(name: string): string {
  for (const [id, r] of Object.entries<any>(template.Resources)) {  
    if (r.Type === 'AWS::SecretsManager::Secret' && r.Properties.Name === name) return id;
  }
  throw new Error(`template has no secret named ${name}`);
}

test('secrets exist, are encrypted with the Keyward key (not aws/secretsmanager), carry tags and the resource policy', async () => {
  const { sm, kms } = moto.clients();
  const keyId = Object.entries<any>(template.Resources).find(([, r]) => r.Type === 'AWS::KMS::Key'  
    && r.Properties.Description === 'Keyward secrets key')?.[0];
  expect(keyId).toBeDefined();
  const keyArn = (await kms.send(new DescribeKeyCommand({ KeyId: physical.get(keyId!) }))).KeyMetadata!.Arn!;
  const rotation = await kms.send(new GetKeyRotationStatusCommand({ KeyId: physical.get(keyId!) }));
  expect(rotation.KeyRotationEnabled).toBe(true);
  const aliases = (await kms.send(new ListAliasesCommand({ KeyId: physical.get(keyId!) }))).Aliases ?? [];
  expect(aliases.map((a) => a.AliasName)).toContain('alias/orders/secrets');
  for (const name of [DB, API_KEY]) {
    const d = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    expect(d.KmsKeyId).toBe(keyArn);
    const tags = Object.fromEntries((d.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(Object.keys(tags).some((k) => k.startsWith('keyward:access:'))).toBe(true);
    const policy = JSON.parse((await sm.send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy!);
    expect(policy.Statement.find((s: any) => s.Sid === 'KeywardDenyOutsideAccounts')).toMatchObject({ Effect: 'Deny' });  
  }
  // The template really names the Keyward key (this is what moto stored, not what the harness chose).
  expect(template.Resources[secretIdByName(DB)].Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
});

test('each workload role has exactly one Keyward managed policy attached', async () => {
  const { iam } = moto.clients();
  for (const prefix of Object.keys(EXPECTED_READS)) {
    const id = [...physical.keys()].find((k) => k.startsWith(prefix) && template.Resources[k].Type === 'AWS::IAM::Role');
    expect(id).toBeDefined();
    const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: physical.get(id!) }))).AttachedPolicies ?? [];
    const keyward = attached.filter((a) => a.PolicyName?.includes('KeywardPolicy'));
    expect(keyward.length).toBe(EXPECTED_READS[prefix].length > 0 ? 1 : 0);
  }
});

test('with IAM enforcement on, each role reads exactly its granted secrets (or the moto limit is named)', async () => {
  const admin = moto.clients();
  // A harness user that may only assume roles; moto cannot run a Lambda or ECS task as the role.
  await admin.iam.send(new CreateUserCommand({ UserName: 'keyward-harness' }));
  await admin.iam.send(new PutUserPolicyCommand({
    UserName: 'keyward-harness', PolicyName: 'assume',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }),
  }));
  const key = (await admin.iam.send(new CreateAccessKeyCommand({ UserName: 'keyward-harness' }))).AccessKey!;
  const harnessArn = `arn:aws:iam::${ACCOUNT}:user/keyward-harness`;
  // moto 5.2.5's trust check crashes (HTTP 500) on a statement with a Service principal, so the trust policy is
  // replaced, not extended. Trust is not what this test is about; the role's permission policies are untouched.
  const trustHarness = async (roleName: string) => {
    const role = (await admin.iam.send(new GetRoleCommand({ RoleName: roleName }))).Role!;
    const original = JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!));
    expect(JSON.stringify(original)).toMatch(/lambda\.amazonaws\.com|ecs-tasks\.amazonaws\.com|vpc-flow-logs\.amazonaws\.com/);
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: harnessArn }, Action: 'sts:AssumeRole' }] };
    await admin.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: JSON.stringify(doc) }));
  };
  const roles: { [prefix: string]: string } = {};
  for (const prefix of Object.keys(EXPECTED_READS)) {
    const id = [...physical.keys()].find((k) => k.startsWith(prefix) && template.Resources[k].Type === 'AWS::IAM::Role')!;
    roles[prefix] = physical.get(id)!;
    await trustHarness(roles[prefix]);
  }
  notes.push('each role\'s trust policy (a Lambda/ECS/flow-logs service principal) was replaced by one trusting the harness user, '
    + 'so it can call sts:AssumeRole: moto runs no function or task as the role, and crashes on Service principals in trust checks');

  // Probe roles: what moto's evaluator does with plain, resource-scoped, conditioned and resource-policy cases.
  const dbArn = (await admin.sm.send(new DescribeSecretCommand({ SecretId: DB }))).ARN!;
  const probeRole = async (name: string, statement: object | undefined) => {
    await admin.iam.send(new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: harnessArn }, Action: 'sts:AssumeRole' }] }),
    }));
    if (statement) {
      const policy = await admin.iam.send(new CreatePolicyCommand({ PolicyName: `${name}-policy`, PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }) }));
      await admin.iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: policy.Policy!.Arn }));
    }
    return name;
  };
  const probeDefs: Array<[string, object | undefined, Outcome, string]> = [
    ['probe-any-resource', { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }, 'allowed', 'Allow on "*": enforcement is on and credentials work'],
    ['probe-no-policy', undefined, 'denied', 'no policy: implicit deny'],
    ['probe-exact-arn', { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: dbArn }, 'allowed', 'Allow on the exact secret ARN'],
    ['probe-false-tag-condition', { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { StringEquals: { 'secretsmanager:ResourceTag/keyward:access:nobody': 'read' } } }, 'denied', 'Allow on "*" with a ResourceTag condition the secret does not meet'],
  ];
  for (const [name, statement] of probeDefs) await probeRole(name, statement);

  await moto.enforceIam();
  const harness = moto.clients({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
  const as = async (roleName: string): Promise<SecretsManagerClient> => {
    const c = (await harness.sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`, RoleSessionName: 'keyward-it' }))).Credentials!;
    const creds: Credentials = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
    return moto.clients(creds).sm;
  };

  const probeResults = new Map<string, Outcome>();
  for (const [name, , aws, what] of probeDefs) {
    const r = await tryGet(await as(name), DB);
    probeResults.set(name, r.outcome);
    probes.record({ workload: name, action: 'GetSecretValue', target: DB, expected: aws, observed: r.outcome, evidence: `${r.evidence}; ${what}; AWS would: ${aws}` });
  }
  // Enforcement must really be on, or nothing below means anything.
  expect(probeResults.get('probe-any-resource')).toBe('allowed');
  expect(probeResults.get('probe-no-policy')).toBe('denied');
  const resourceScoped = probeResults.get('probe-exact-arn') === 'allowed';
  const conditionsEvaluated = probeResults.get('probe-false-tag-condition') === 'denied';
  if (!resourceScoped) {
    matrix.limit('moto 5.2.5 authorizes Secrets Manager calls against Resource "*" (it passes no secret ARN to its IAM evaluator): '
      + 'a statement scoped to a secret ARN or ARN pattern never matches, so every Keyward grant is observed as denied');
  }
  if (!conditionsEvaluated) {
    matrix.limit('moto 5.2.5 does not evaluate secretsmanager:ResourceTag/... conditions (a condition whose key is absent from its '
      + 'request context counts as met): Keyward\'s attribute-based grant cannot be proven or refuted by moto');
  }
  matrix.limit('moto does not evaluate secret resource policies on GetSecretValue, nor call KMS as the caller '
    + '(kms:Decrypt, kms:ViaService and kms:EncryptionContext:SecretARN are never checked)');

  let explained = 0;
  for (const [prefix, roleName] of Object.entries(roles)) {
    const sm = await as(roleName);
    for (const name of [DB, API_KEY]) {
      const expected: Outcome = EXPECTED_READS[prefix].includes(name) ? 'allowed' : 'denied';
      const r = await tryGet(sm, name);
      const limited = r.outcome !== expected && expected === 'allowed' && !resourceScoped;
      if (limited) explained++;
      matrix.record({
        workload: prefix, action: 'GetSecretValue', target: name, expected: limited ? r.outcome : expected, observed: r.outcome,
        evidence: limited ? `${r.evidence} - NOT EVALUABLE by moto (granted by tag; see LIMIT)` : r.evidence,
      });
    }
  }
  // A denial moto would give anyway proves nothing either, and says so; an unexplained mismatch fails.
  expect(matrix.mismatches()).toEqual([]);
  // If moto ever evaluates resource-scoped statements, this test must start gating on every granted cell.
  if (resourceScoped) expect(explained).toBe(0);
});
