/**
 * Every AWS access decision of the synthesized apps, evaluated by an independent IAM policy evaluator
 * (@cloud-copilot/iam-simulate, AGPL-3.0, a devDependency used only by this test: see support/iam-eval.ts).
 *
 * Each cell evaluates, for one principal and one secret, the principal's identity policies together with the secret's
 * resource policy (GetSecretValue, DescribeSecret, PutSecretValue) or the key policy of the secret's key (kms:Decrypt
 * with kms:ViaService and the secret's encryption context, as Secrets Manager calls KMS). For a principal of another
 * account both sides must allow; the engine decides that too. Templates are read as synthesized, with every intrinsic
 * resolved by the strict resolver (bench/measure.ts).
 *
 * Expected values come from the grants the apps declare (the lists below, written from examples/aws-app.ts and the
 * apps built here), never from the generated policies.
 *
 * Rows: every role of the example plus the auditor of the audit account and an undeclared principal of a third account;
 * a scale app (600 SecretCatalog secrets) in tag mode with a workload granted 300 of them, and in exact mode with a
 * workload granted as many as one managed policy holds (300 exact ARNs do not fit: synthesis refuses it, asserted
 * here); attack cells on a small app.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { GrantMode, Secret, SecretCatalog, SecretRotation, WorkloadPolicy } from '../../lib/aws';
import { Assembly, Caller, decide, decryptContext, defaultKeyPolicy, Env, RoleModel, SecretModel, secretContext } from './support/iam-eval';
import { Matrix, Outcome } from './support/matrix';
import { CDK_OUT } from './support/outputs';

const ENV: Env = { account: '111111111111', region: 'eu-west-1' };
const ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue', 'kms:Decrypt'] as const;
type Action = typeof ACTIONS[number];
const READ: Action[] = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'kms:Decrypt'];

const matrix = new Matrix('AWS access matrix, evaluated by @cloud-copilot/iam-simulate on the synthesized templates');
/** The scale cells (thousands): summarised in the log, every mismatch printed. */
const scaleMatrix = new Matrix('AWS access matrix, scale app (600 catalog secrets)');
const counts = new Map<string, number>();
const notes: string[] = [];

function roleCaller(r: RoleModel): Caller {
  return { label: r.id, arn: r.arn, identityPolicies: r.identityPolicies };
}

/** Record one cell: `caller` doing `action` on `secret`, expected from the declared grants. */
function cell(section: string, caller: Caller, secret: SecretModel, action: Action, expected: Outcome, keys: Map<string, { policy: any }>, into = matrix): void {
  let decision;
  if (action === 'kms:Decrypt') {
    const key = keys.get(secret.keyArn);
    // A key the assembly does not define (the example's replica key, made by the platform team): KMS's default policy.
    const policy = key?.policy ?? defaultKeyPolicy(secret.keyArn.split(':')[4]);
    decision = decide(caller, action, secret.keyArn, policy, decryptContext(secret, caller));
  } else {
    decision = decide(caller, action, secret.arn, secret.resourcePolicy, secretContext(secret));
  }
  into.record({ workload: caller.label, action: action.split(':')[1], target: secret.id, expected, observed: decision.decision, evidence: decision.result });
  counts.set(section, (counts.get(section) ?? 0) + 1);
}

function synthApp(build: (app: App) => void, mode?: GrantMode): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-matrix-'));
  const app = new App({ outdir, context: mode ? { '@keyward/grants:mode': mode } : {} });
  build(app);
  app.synth();
  return outdir;
}

afterAll(() => {
  matrix.print();
  const wrong = scaleMatrix.mismatches();
  process.stdout.write(`\n=== ${scaleMatrix.all.length} scale cells (not listed one by one), ${wrong.length} mismatches ===\n`
    + wrong.map((c) => `MISMATCH ${c.workload} ${c.action} ${c.target}: ${c.observed}, expected ${c.expected}\n`).join(''));
  const all = matrix.all.length + scaleMatrix.all.length;
  const mismatches = matrix.mismatches().length + wrong.length;
  process.stdout.write(`access matrix: ${all} cells, ${mismatches} mismatches (`
    + [...counts].map(([k, v]) => `${k}: ${v}`).join(', ') + ')\n' + notes.map((n) => `  - ${n}\n`).join(''));
});

describe('the example app (cdk.out, exact mode by default)', () => {
  // What examples/aws-app.ts declares: Workload.lambdaFunction(api, database), (api, paymentApiKey);
  // Workload.ecsContainer(worker, database); database.grantRead(auditor of account 222222222222).
  const DB = 'orders/database';
  const API_KEY = 'orders/payment-provider/api-key';
  const DECLARED_READS: { [rolePrefix: string]: string[] } = {
    OrdersApiFunctionServiceRole: [DB, API_KEY],
    OrdersWorkerTaskDefinitionExecutionRole: [DB],
  };
  // SecretContent.fromSopsFile on the payment provider key: the stack's SOPS writer is declared its writer. A write
  // grant is PutSecretValue plus the key through Secrets Manager (GenerateDataKey/Encrypt/Decrypt), no read.
  const DECLARED_WRITES: { [rolePrefix: string]: string[] } = {
    KeywardSopsSecretWriterRole: [API_KEY],
  };
  const AUDITOR = 'arn:aws:iam::222222222222:role/orders-secrets-auditor';
  const AUDITOR_READS = [DB];

  test('every role x every secret (and replica) x 4 actions matches the declared grants', () => {
    const assembly = new Assembly(CDK_OUT, ENV);
    expect(assembly.secrets.map((s) => s.name)).toEqual(expect.arrayContaining([DB, API_KEY]));
    for (const prefix of Object.keys(DECLARED_READS)) assembly.role(prefix); // each declared workload exists
    for (const prefix of Object.keys(DECLARED_WRITES)) assembly.role(prefix);
    for (const role of assembly.roles) {
      const declared = Object.entries(DECLARED_READS).find(([p]) => role.id.split('/')[1].startsWith(p))?.[1] ?? [];
      const writes = Object.entries(DECLARED_WRITES).find(([p]) => role.id.split('/')[1].startsWith(p))?.[1] ?? [];
      for (const secret of assembly.secrets) {
        for (const action of ACTIONS) {
          const reads = READ.includes(action) && declared.includes(secret.name);
          const written = (action === 'secretsmanager:PutSecretValue' || action === 'kms:Decrypt') && writes.includes(secret.name);
          const expected: Outcome = reads || written ? 'allowed' : 'denied';
          cell('example', roleCaller(role), secret, action, expected, assembly.keys);
        }
      }
      if (role.unevaluated.length > 0) notes.push(`${role.id}: AWS managed policies not evaluated (not in the templates; none grants secretsmanager or kms): ${role.unevaluated.join(', ')}`);
    }
    notes.push('the replica key (eu-central-1) is imported: its cells use KMS\'s default key policy (account root), so the identity policy decides');

    // The auditor's own account, as its administrators would write it, allowing more than Keyward's grant: only
    // the resource and key policies Keyward wrote restrict it to the declared secret.
    const auditorOwnAccount = {
      name: 'audit-account-policy',
      policy: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue'], Resource: `arn:aws:secretsmanager:*:${ENV.account}:secret:*` },
          { Effect: 'Allow', Action: 'kms:Decrypt', Resource: `arn:aws:kms:*:${ENV.account}:key/*` },
        ],
      },
    };
    const auditor: Caller = { label: 'auditor@222222222222', arn: AUDITOR, identityPolicies: [auditorOwnAccount] };
    const primaries = assembly.secrets.filter((s) => s.replicaOf === undefined);
    for (const secret of primaries) {
      for (const action of ACTIONS) {
        cell('example cross-account', auditor, secret, action, READ.includes(action) && AUDITOR_READS.includes(secret.name) ? 'allowed' : 'denied', assembly.keys);
      }
    }
    // Attack: the declared reader, but its own account grants nothing: both sides must allow.
    const auditorWithoutPolicy: Caller = { label: 'auditor@222222222222 (own account grants nothing)', arn: AUDITOR, identityPolicies: [] };
    // Attack: a principal of an undeclared account that allows itself everything.
    const intruder: Caller = {
      label: 'intruder@333333333333 (undeclared)', arn: 'arn:aws:iam::333333333333:role/intruder',
      identityPolicies: [{ name: 'everything', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['secretsmanager:*', 'kms:*'], Resource: '*' }] } }],
    };
    for (const caller of [auditorWithoutPolicy, intruder]) {
      for (const secret of primaries) {
        for (const action of ACTIONS) cell('attacks', caller, secret, action, 'denied', assembly.keys);
      }
    }
    expect(matrix.mismatches()).toEqual([]);
  });
});

describe('a scale app: 600 SecretCatalog secrets', () => {
  const TOTAL = 600;
  const rotation = SecretRotation.none('matrix test secret: rotation is not what this test is about');

  function scaleApp(mode: GrantMode, granted: (i: number) => boolean): string {
    return synthApp((app) => {
      const data = new Stack(app, 'Data', { env: ENV });
      const catalog = new SecretCatalog(data, 'Catalog');
      const apps = new Stack(app, 'Apps', { env: ENV });
      const role = new iam.Role(apps, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      WorkloadPolicy.of(role, { workloadName: `scale-reader-${mode}`, grantMode: mode });
      for (let i = 0; i < TOTAL; i++) {
        const secret = catalog.addSecret(`S${i}`, { secretName: `scale/secret-${i}`, rotation });
        if (granted(i)) secret.grantRead(role);
      }
    });
  }

  function evaluate(section: string, outdir: string, granted: (i: number) => boolean, mode: GrantMode): void {
    const assembly = new Assembly(outdir, ENV);
    expect(assembly.secrets).toHaveLength(TOTAL);
    const reader = roleCaller(assembly.role('Reader'));
    for (let i = 0; i < TOTAL; i++) {
      const secret = assembly.secret(`scale/secret-${i}`);
      for (const action of ACTIONS) {
        // Tag mode's KMS statement cannot test a secret's tags (KMS sees only the key and the encryption context), so it
        // allows Decrypt through Secrets Manager for every secret of the account and region under the catalog key
        // (docs/grants.md); what the workload can read is still decided by GetSecretValue, cell by cell above.
        const decryptByKey = mode === GrantMode.TAG && action === 'kms:Decrypt';
        const expected: Outcome = READ.includes(action) && (granted(i) || decryptByKey) ? 'allowed' : 'denied';
        cell(section, reader, secret, action, expected, assembly.keys, scaleMatrix);
      }
    }
  }

  test('tag mode: a workload granted 300 of 600 reads exactly those 300', () => {
    const granted = (i: number) => i % 2 === 0;
    evaluate('scale tag mode (300 of 600)', scaleApp(GrantMode.TAG, granted), granted, GrantMode.TAG);
    expect(scaleMatrix.mismatches()).toEqual([]);
  });

  test('exact mode: 300 of 600 cannot fit one managed policy and synthesis refuses it; the most that fits reads exactly those', () => {
    expect(() => scaleApp(GrantMode.EXACT, (i) => i % 2 === 0)).toThrow(/Apps\/Reader\/KeywardPolicy: .*names 300 secrets.*\[keyward:policy-size\]/s);
    // The largest count that fits, found by synthesizing (the benchmark reports the same bound).
    const synthesizes = (n: number) => {
      try {
        scaleApp(GrantMode.EXACT, (i) => i % 2 === 0 && i / 2 < n);
        return true;
      } catch (e) {
        if (!/keyward:policy-size/.test(String(e))) throw e;
        return false;
      }
    };
    let [fits, over] = [1, 100];
    expect(synthesizes(fits)).toBe(true);
    expect(synthesizes(over)).toBe(false);
    while (over - fits > 1) {
      const mid = Math.floor((fits + over) / 2);
      if (synthesizes(mid)) fits = mid; else over = mid;
    }
    notes.push(`exact mode: at most ${fits} catalog secrets (names "scale/secret-<i>") fit one workload's managed policy; 300 fail at synth`);
    const granted = (i: number) => i % 2 === 0 && i / 2 < fits;
    evaluate(`scale exact mode (${fits} of 600)`, scaleApp(GrantMode.EXACT, granted), granted, GrantMode.EXACT);
    expect(scaleMatrix.mismatches()).toEqual([]);
  });
});

describe('aws-cdk-lib consumers: Keyward secrets passed to RDS, ECS, CodeBuild and Lambda APIs', () => {
  test('each consumer\'s role reads exactly the secret the app gave that API, through the grants aws-cdk-lib made', () => {
    const rotation = SecretRotation.none('matrix test secret: rotation is not what this test is about');
    const outdir = synthApp((app) => {
      const stack = new Stack(app, 'Citizen', { env: ENV });
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: false });
      const isolated = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
      const db = new Secret(stack, 'Db', { secretName: 'citizen/db', rotation });
      const instance = new rds.DatabaseInstance(stack, 'Orders', {
        engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }), vpc, vpcSubnets: isolated,
        credentials: rds.Credentials.fromSecret(db),
      });
      instance.addProxy('Proxy', { vpc, vpcSubnets: isolated, secrets: [instance.secret!] });
      const task = new ecs.FargateTaskDefinition(stack, 'Task');
      task.addContainer('App', {
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37'),
        secrets: { TOKEN: ecs.Secret.fromSecretsManager(new Secret(stack, 'Ecs', { secretName: 'citizen/ecs', rotation })) },
      });
      new codebuild.Project(stack, 'Build', {
        buildSpec: codebuild.BuildSpec.fromObject({ version: '0.2', phases: { build: { commands: ['make'] } } }),
        environment: {
          buildImage: codebuild.LinuxBuildImage.fromDockerRegistry('registry.example.com/builder:1', {
            secretsManagerCredentials: new Secret(stack, 'Registry', { secretName: 'citizen/registry', rotation }),
          }),
        },
      });
      // A SECRETS_MANAGER variable alone: aws-cdk-lib writes GetSecretValue itself, Keyward adds the key use.
      new codebuild.Project(stack, 'BuildVar', {
        buildSpec: codebuild.BuildSpec.fromObject({ version: '0.2', phases: { build: { commands: ['make'] } } }),
        environmentVariables: {
          TOKEN: { type: codebuild.BuildEnvironmentVariableType.SECRETS_MANAGER, value: new Secret(stack, 'BuildToken', { secretName: 'citizen/build-token', rotation }).secretArn },
        },
      });
      const fn = new lambda.Function(stack, 'Fn', {
        runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}'),
      });
      const asCdk: secretsmanager.ISecret = new Secret(stack, 'Fn1', { secretName: 'citizen/lambda', rotation });
      asCdk.grantRead(fn);
    });
    // What the app declares: the proxy gets the database secret, the task's execution role its secret, the build
    // project the registry credentials, the function the secret it was granted. Nothing else, no writes.
    const DECLARED: { [rolePrefix: string]: string } = {
      OrdersProxyIAMRole: 'citizen/db', TaskExecutionRole: 'citizen/ecs', BuildRole: 'citizen/registry', BuildVarRole: 'citizen/build-token',
      FnServiceRole: 'citizen/lambda',
    };
    const assembly = new Assembly(outdir, ENV);
    for (const prefix of Object.keys(DECLARED)) assembly.role(prefix);
    for (const role of assembly.roles) {
      const declared = Object.entries(DECLARED).find(([p]) => role.id.split('/')[1].startsWith(p))?.[1];
      for (const secret of assembly.secrets) {
        for (const action of ACTIONS) {
          cell('aws-cdk-lib consumers', roleCaller(role), secret, action, READ.includes(action) && declared === secret.name ? 'allowed' : 'denied', assembly.keys);
        }
      }
    }
    expect(matrix.mismatches()).toEqual([]);
  });
});

describe('attacks', () => {
  const rotation = SecretRotation.none('matrix test secret: rotation is not what this test is about');

  test('a plain secret tagged keyward:access:<id>, keyward:* retagging, other accounts', () => {
    const outdir = synthApp((app) => {
      const stack = new Stack(app, 'Attack', { env: ENV });
      const exact = new iam.Role(stack, 'ExactReader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      WorkloadPolicy.of(exact, { workloadName: 'exact-reader' });
      new Secret(stack, 'Granted', { secretName: 'attack/granted', rotation }).grantRead(exact);
      const tagged = new iam.Role(stack, 'TagReader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      WorkloadPolicy.of(tagged, { workloadName: 'tag-reader', grantMode: GrantMode.TAG });
      new Secret(stack, 'TagGranted', { secretName: 'attack/tag-granted', rotation }).grantRead(tagged);
      // A plain aws-cdk-lib secret (aws/secretsmanager), tagged by someone as if both workloads were granted it.
      const plain = new secretsmanager.Secret(stack, 'Plain', { secretName: 'attack/plain' });
      Tags.of(plain).add('keyward:access:exact-reader', 'read');
      Tags.of(plain).add('keyward:access:tag-reader', 'read');
      // An administrator of the account who may tag any secret (not the deployment role).
      const admin = new iam.Role(stack, 'TagAdmin', { assumedBy: new iam.AccountRootPrincipal() });
      admin.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:TagResource', 'secretsmanager:UntagResource'], resources: ['*'] }));
    });
    const assembly = new Assembly(outdir, ENV);
    const exact = roleCaller(assembly.role('ExactReader'));
    const tagReader = roleCaller(assembly.role('TagReader'));
    const plain = assembly.secret('attack/plain');
    const tagSecret = assembly.secret('attack/tag-granted');
    // Declared: exact-reader reads attack/granted, tag-reader reads attack/tag-granted; nothing else.
    cell('attacks', exact, assembly.secret('attack/granted'), 'secretsmanager:GetSecretValue', 'allowed', assembly.keys);
    cell('attacks', exact, plain, 'secretsmanager:GetSecretValue', 'denied', assembly.keys);
    cell('attacks', exact, plain, 'secretsmanager:DescribeSecret', 'denied', assembly.keys);
    cell('attacks', tagReader, tagSecret, 'secretsmanager:GetSecretValue', 'allowed', assembly.keys);
    // Tag mode's documented trust (docs/grants.md): whoever may tag a secret of the account grants a tag-mode workload.
    // This cell shows the model as it is, so nobody reads more into tag mode; the SCP in the docs closes it.
    matrix.record({
      workload: `${tagReader.label} (tag mode trust, docs/grants.md)`, action: 'GetSecretValue', target: 'Attack/Plain (tagged outside Keyward)',
      expected: 'allowed', observed: decide(tagReader, 'secretsmanager:GetSecretValue', plain.arn, plain.resourcePolicy, secretContext(plain)).decision,
      evidence: 'tag mode trusts who may tag',
    });
    counts.set('attacks', (counts.get('attacks') ?? 0) + 1);

    // keyward:* retagging of a tag-mode Keyward secret: denied by its resource policy to anyone but the deployment path.
    const admin = roleCaller(assembly.role('TagAdmin'));
    const execRole = `arn:aws:iam::${ENV.account}:role/cdk-hnb659fds-cfn-exec-role-${ENV.account}-${ENV.region}`;
    const deployer: Caller = { label: 'cfn-exec-role (deployment)', arn: execRole, identityPolicies: admin.identityPolicies };
    const tagCases: [Caller, string[], { [k: string]: string[] }, Outcome][] = [
      [admin, ['keyward:access:tag-reader'], {}, 'denied'],
      [admin, ['KEYWARD:ACCESS:tag-reader'], {}, 'denied'],
      [admin, ['Keyward:Access:someone-else'], {}, 'denied'],
      [admin, ['team'], {}, 'allowed'],
      [deployer, ['keyward:access:tag-reader'], {}, 'allowed'],
      [admin, ['keyward:access:tag-reader'], { 'aws:CalledVia': ['cloudformation.amazonaws.com'] }, 'allowed'],
    ];
    for (const [caller, keys, extra, expected] of tagCases) {
      for (const action of ['secretsmanager:TagResource', 'secretsmanager:UntagResource']) {
        const d = decide(caller, action, tagSecret.arn, tagSecret.resourcePolicy, { ...secretContext(tagSecret), 'aws:TagKeys': keys, ...extra });
        matrix.record({
          workload: `${caller.label}${extra['aws:CalledVia'] ? ' via CloudFormation' : ''}`, action: `${action.split(':')[1]} ${keys.join(',')}`,
          target: tagSecret.id, expected, observed: d.decision, evidence: d.result,
        });
        counts.set('attacks', (counts.get('attacks') ?? 0) + 1);
      }
    }
    expect(matrix.mismatches()).toEqual([]);
  });
});
