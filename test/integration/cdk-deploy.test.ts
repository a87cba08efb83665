/**
 * `cdk bootstrap` and `cdk deploy` of the AWS example, as a user runs them (the aws-cdk CLI, `cdk.json`'s app), against
 * moto's server on loopback: AWS_ENDPOINT_URL points every AWS call of the CLI at moto. Then what moto created is read
 * back through the AWS APIs and compared with what the example declares.
 *
 * Settings the run needs, each for a reason of moto's:
 *  - bootstrap qualifier `localhost` (`-c @aws-cdk/core:bootstrapQualifier=localhost`): moto reads a TemplateURL from
 *    its own S3 by path only when the URL contains "localhost", and the qualifier is part of the bucket name;
 *  - `--method=direct` for the update: moto computes no stack outputs for a stack deployed through a change set;
 *  - `--parameters BootstrapVersion=...` on the update: moto 5.2.5 fails UpdateStack with a KeyError when a
 *    parameter is passed as UsePreviousValue, which the CLI does for BootstrapVersion.
 * What moto does not do is printed as `LIMIT:` lines, measured on every run (see docs/aws-limits.md).
 */
import { DescribeStacksCommand, GetTemplateCommand, ListStackResourcesCommand, StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { GetPolicyCommand, GetPolicyVersionCommand, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, ListAliasesCommand } from '@aws-sdk/client-kms';
import { ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_ENVIRONMENT } from '../../examples/aws-app';
import { cdkOk, MOTO_QUALIFIER } from './support/cdk-cli';
import { engines } from './support/engines';
import { Moto, startMoto } from './support/moto';

const STACK = 'KeywardExample-Orders';
const TOOLKIT = 'KeywardToolkit';
const { account: ACCOUNT, region: REGION } = DEFAULT_ENVIRONMENT;
// What examples/aws-app.ts declares.
const ALIAS = 'alias/orders/secrets';
const SECRET_NAMES = ['orders/database', 'orders/payment-provider/api-key'];
const NEW_REPLICA_KEY = 'arn:aws:kms:eu-central-1:111111111111:key/99999999-12ab-34cd-56ef-1234567890ab';
const QUALIFIER = ['-c', `@aws-cdk/core:bootstrapQualifier=${MOTO_QUALIFIER}`, '--toolkit-stack-name', TOOLKIT];

let moto: Moto;
let work: string;
const log: string[] = [];
const limits: string[] = [];

async function stack(name: string) {
  return (await moto.clients().cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0];
}

async function resources(name: string): Promise<StackResourceSummary[]> {
  return (await moto.clients().cfn.send(new ListStackResourcesCommand({ StackName: name }))).StackResourceSummaries ?? [];
}

/** The one Keyward managed policy attached to the role with logical id prefix `rolePrefix`, as moto stores it. */
async function keywardPolicyOf(deployed: StackResourceSummary[], rolePrefix: string): Promise<string> {
  const { iam } = moto.clients();
  const role = deployed.find((r) => r.ResourceType === 'AWS::IAM::Role' && r.LogicalResourceId!.startsWith(rolePrefix));
  if (!role) throw new Error(`no role ${rolePrefix}* in the deployed stack`);
  const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role.PhysicalResourceId }))).AttachedPolicies ?? [];
  const keyward = [];
  for (const p of attached) {
    const policy = (await iam.send(new GetPolicyCommand({ PolicyArn: p.PolicyArn }))).Policy!;
    if ((policy.Description ?? '').startsWith('Keyward grants')) keyward.push(policy);
  }
  expect(keyward).toHaveLength(1);
  const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: keyward[0].Arn, VersionId: keyward[0].DefaultVersionId }));
  return decodeURIComponent(version.PolicyVersion!.Document!);
}

beforeAll(async () => {
  moto = await startMoto(engines().motoServer, ACCOUNT, REGION);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-cdk-deploy-'));
});

afterAll(async () => {
  process.stdout.write(`cdk deploy on moto (${moto?.endpoint}):\n${log.map((l) => `  ${l}\n`).join('')}`
    + `moto's limits, measured in this run:\n${limits.map((l) => `  LIMIT: ${l}\n`).join('')}`);
  await moto?.server.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('cdk bootstrap creates the toolkit stack with the localhost qualifier', async () => {
  // From an empty directory: no app to synthesize, as `cdk bootstrap aws://<account>/<region>` outside a project.
  const r = cdkOk(moto, ['bootstrap', `aws://${ACCOUNT}/${REGION}`, '--qualifier', MOTO_QUALIFIER, '--toolkit-stack-name', TOOLKIT], work);
  log.push(`${r.command}: ${r.seconds.toFixed(0)} s`);
  expect((await stack(TOOLKIT)).StackStatus).toBe('CREATE_COMPLETE');
  const types = (await resources(TOOLKIT)).map((x) => x.ResourceType);
  expect(types).toEqual(expect.arrayContaining(['AWS::S3::Bucket', 'AWS::IAM::Role', 'AWS::SSM::Parameter']));
  log.push(`  toolkit stack ${TOOLKIT}: ${types.length} resources (${[...new Set(types.filter((t) => t))].sort().join(', ')})`);
});

test('cdk deploy (change set, as a user runs it) creates the example; moto\'s gaps are printed', async () => {
  const r = cdkOk(moto, ['deploy', STACK, '--require-approval', 'never', ...QUALIFIER, '--output', path.join(work, 'first.out')]);
  log.push(`${r.command}: ${r.seconds.toFixed(0)} s (synthesis with cdk-nag and the Keyward guard included)`);
  const deployed = await resources(STACK);
  expect((await stack(STACK)).StackStatus).toBe('CREATE_COMPLETE');

  const template = JSON.parse(fs.readFileSync(path.join(work, 'first.out', `${STACK}.template.json`), 'utf8'));
  const declared = Object.entries<any>(template.Resources).filter(([, x]) => x.Type !== 'AWS::CDK::Metadata');
  const byId = new Map(deployed.map((x) => [x.LogicalResourceId!, x]));
  const made = declared.filter(([id, x]) => byId.get(id)?.ResourceType === x.Type && byId.get(id)?.PhysicalResourceId);
  const skipped = declared.filter(([id]) => !made.some(([m]) => m === id));
  log.push(`  ${made.length} of ${declared.length} declared resources created, by type: ${countTypes(made.map(([, x]) => x.Type))}`);
  if (skipped.length > 0) {
    limits.push(`moto's CloudFormation reported CREATE_COMPLETE without creating ${skipped.length} declared resources: `
      + `${countTypes(skipped.map(([, x]) => x.Type))} (${skipped.map(([id]) => id).join(', ')})`);
  }
  // Everything Keyward declares besides the secrets exists: the key and its alias, the workload policies.
  expect(made.map(([, x]) => x.Type)).toEqual(expect.arrayContaining(['AWS::KMS::Key', 'AWS::KMS::Alias', 'AWS::IAM::ManagedPolicy']));
  const { kms, sm } = moto.clients();
  const alias = (await kms.send(new ListAliasesCommand({}))).Aliases?.find((a) => a.AliasName === ALIAS);
  expect(alias?.TargetKeyId).toBeDefined();
  log.push(`  ${ALIAS} -> key ${alias!.TargetKeyId}`);
  const described = await kms.send(new DescribeKeyCommand({ KeyId: alias!.TargetKeyId })).catch((e: Error) => e);
  if (described instanceof Error) {
    limits.push(`DescribeKey on the key moto's CloudFormation created fails (${described.message.split('\n')[0]}): moto keeps a key policy `
      + 'given as a template object unserialized (test/integration/aws.test.ts re-puts it with PutKeyPolicy)');
  } else {
    expect(described.KeyMetadata?.KeyState).toBe('Enabled');
  }
  expect(await keywardPolicyOf(deployed, 'OrdersApiFunctionServiceRole')).toContain(DEFAULT_ENVIRONMENT.replicaKeyArn);

  const secrets = (await sm.send(new ListSecretsCommand({}))).SecretList?.map((s) => s.Name) ?? [];
  const created = SECRET_NAMES.filter((n) => secrets.includes(n));
  if (created.length < SECRET_NAMES.length) {
    limits.push(`moto's CloudFormation creates no AWS::SecretsManager::Secret: ListSecrets after the deploy holds `
      + `${created.length} of the example's ${SECRET_NAMES.length} secrets (${SECRET_NAMES.join(', ')}); test/integration/aws.test.ts `
      + 'creates them through the Secrets Manager API instead');
  } else {
    expect(created).toEqual(SECRET_NAMES);
  }
  const outputs = (await stack(STACK)).Outputs ?? [];
  if (outputs.length === 0) {
    limits.push(`a stack deployed through a change set has no outputs in moto (the example declares ${Object.keys(template.Outputs).length}: `
      + `${Object.keys(template.Outputs).join(', ')}): the update below uses --method=direct`);
  }
});

test('cdk deploy --method=direct updates the stack: its template names the new replica key in every reader policy of the replicated secret', async () => {
  const r = cdkOk(moto, ['deploy', STACK, '--require-approval', 'never', '--method=direct', ...QUALIFIER,
    '-c', `replicaKeyArn=${NEW_REPLICA_KEY}`, '--parameters', `BootstrapVersion=/cdk-bootstrap/${MOTO_QUALIFIER}/version`,
    '--output', path.join(work, 'second.out')]);
  log.push(`${r.command}: ${r.seconds.toFixed(0)} s`);
  expect((await stack(STACK)).StackStatus).toBe('UPDATE_COMPLETE');
  const deployed = await resources(STACK);
  // CloudFormation has the new template: every workload policy that reads the replicated secret (orders/database, as
  // the example declares) names the new replica key, none the old one. The SOPS writer's policy is about another secret.
  const body = (await moto.clients().cfn.send(new GetTemplateCommand({ StackName: STACK }))).TemplateBody!;
  const policies = Object.values<any>(JSON.parse(body).Resources)
    .filter((x) => x.Type === 'AWS::IAM::ManagedPolicy' && JSON.stringify(x).includes(':secret:orders/database-'));
  expect(policies.length).toBeGreaterThanOrEqual(2);
  for (const p of policies) {
    expect(JSON.stringify(p)).toContain(NEW_REPLICA_KEY);
    expect(JSON.stringify(p)).not.toContain(DEFAULT_ENVIRONMENT.replicaKeyArn);
  }
  log.push(`  the stack's template in moto: ${policies.length} Keyward workload policies reading orders/database, each naming ${NEW_REPLICA_KEY}`);
  // What IAM holds: moto applies the update to the policies, or it does not (then say so).
  for (const role of ['OrdersApiFunctionServiceRole', 'OrdersWorkerTaskDefinitionExecutionRole']) {
    const document = await keywardPolicyOf(deployed, role);
    if (document.includes(NEW_REPLICA_KEY)) {
      expect(document).not.toContain(DEFAULT_ENVIRONMENT.replicaKeyArn);
      log.push(`  IAM: the Keyward policy of ${role} names the new key`);
    } else {
      expect(document).toContain(DEFAULT_ENVIRONMENT.replicaKeyArn);
      limits.push(`UPDATE_COMPLETE, but moto did not apply the update to AWS::IAM::ManagedPolicy: the stored document of ${role}'s `
        + 'Keyward policy still names the old replica key (moto has no CloudFormation update for managed policies)');
    }
  }

  const template = JSON.parse(fs.readFileSync(path.join(work, 'second.out', `${STACK}.template.json`), 'utf8'));
  const outputs = new Map(((await stack(STACK)).Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
  const key = deployed.find((x) => x.ResourceType === 'AWS::KMS::Key' && x.LogicalResourceId!.startsWith('SecretsKey'))!;
  expect(outputs.get('SecretsKeyArn')).toBe(`arn:aws:kms:${REGION}:${ACCOUNT}:key/${key.PhysicalResourceId}`);
  const missing = Object.keys(template.Outputs).filter((o) => !outputs.has(o));
  log.push(`  outputs after the direct update: ${[...outputs.keys()].join(', ')}`);
  if (missing.length > 0) {
    limits.push(`outputs that refer to a secret are missing after the direct update too (${missing.join(', ')}): the secret was never created`);
  }
  limits.push('(observed when this test was written, not re-measured here) UpdateStack with a parameter passed as UsePreviousValue '
    + 'fails in moto 5.2.5 (KeyError on the stored parameters), so the update passes BootstrapVersion explicitly; and after an update '
    + 'that changes the key policy (another auditor role) DescribeStacks fails on the outputs ("Fn::GetAtt references undefined '
    + 'resource SecretsKey..."), so the update changes the replica key instead');
});

function countTypes(types: string[]): string {
  const counts = new Map<string, number>();
  types.forEach((t) => counts.set(t, (counts.get(t) ?? 0) + 1));
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => `${t.replace(/^AWS::/, '')} ${n}`).join(', ');
}
