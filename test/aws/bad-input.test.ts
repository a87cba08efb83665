// Every invalid input the user guide mentions, and every AWS mistake that used to synthesize silently (issue 12), in
// one table. Each row builds a fresh app, synthesizes it, and must fail with the construct path and the rule id —
// either when the construct is created or in a synth-time validation.
import { App, CfnParameter, Duration, SecretValue, Stack, Tags } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  Secret, SecretCatalog, SecretContent, SecretGroup, SecretRotation, SecretsKey, Workload, WorkloadPolicy,
} from '../../lib/aws';
import { ACCOUNT, expectKeywardError, OTHER_ACCOUNT, REGION } from './util';

const NO_ROTATION = SecretRotation.none('test fixture: this secret is never deployed anywhere');
const ENV = { account: ACCOUNT, region: REGION };
const OTHER_REGION_KEY = 'arn:aws:kms:eu-central-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const SAME_REGION_KEY = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:shared/db`;

interface Row {
  /** What is wrong. */
  readonly input: string;
  /** Build the app; the harness then synthesizes it. */
  readonly build: (app: App) => void;
  readonly path: string;
  readonly rule: string;
  /** A fragment the message must contain, when the rule alone does not say which mistake it was. */
  readonly says?: RegExp;
}

const svc = (app: App, id = 'Svc') => new Stack(app, id, { env: ENV });
const secret = (stack: Stack, id = 'S', props: ConstructorParameters<typeof Secret>[2] = {}) =>
  new Secret(stack, id, { rotation: NO_ROTATION, ...props });
const role = (stack: Stack, id = 'Role') => new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
const fn = (stack: Stack) => new lambda.Function(stack, 'Fn', {
  runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}'),
});
const container = (stack: Stack) => new ecs.FargateTaskDefinition(stack, 'Task').addContainer('App', {
  image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:latest'),
});
const tags = (n: number, prefix = 't') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, 'v']));

/** Invalid inputs the user guide names, with the rule it names. */
const GUIDE_ROWS: Row[] = [
  { input: 'empty secret name', build: a => secret(svc(a), 'S', { secretName: '' }), path: 'Svc/S', rule: 'secret-name' },
  { input: 'secret name over 512 characters', build: a => secret(svc(a), 'S', { secretName: 'a'.repeat(513) }), path: 'Svc/S', rule: 'secret-name' },
  { input: 'secret name with a space', build: a => secret(svc(a), 'S', { secretName: 'orders db' }), path: 'Svc/S', rule: 'secret-name' },
  { input: 'secret name ending in -XXXXXX', build: a => secret(svc(a), 'S', { secretName: 'db-AbC123' }), path: 'Svc/S', rule: 'secret-name', says: /partial-ARN/ },
  {
    input: 'two secrets with one name in a stack',
    build: a => { const s = svc(a); secret(s, 'A', { secretName: 'orders/db' }); secret(s, 'B', { secretName: 'orders/db' }); },
    path: 'Svc/B', rule: 'duplicate-secret-name', says: /Svc\/A/,
  },
  { input: 'alias without alias/', build: a => new SecretsKey(svc(a), 'K', { alias: 'orders' }), path: 'Svc/K', rule: 'key-alias' },
  { input: 'alias in alias/aws/', build: a => new SecretsKey(svc(a), 'K', { alias: 'alias/aws/orders' }), path: 'Svc/K', rule: 'key-alias' },
  { input: 'alias with a space', build: a => new SecretsKey(svc(a), 'K', { alias: 'alias/or ders' }), path: 'Svc/K', rule: 'key-alias' },
  { input: 'key rotation of 30 days', build: a => new SecretsKey(svc(a), 'K', { rotationPeriod: Duration.days(30) }), path: 'Svc/K', rule: 'key-rotation-period' },
  { input: 'key pending window of 3 days', build: a => new SecretsKey(svc(a), 'K', { pendingWindow: Duration.days(3) }), path: 'Svc/K', rule: 'key-pending-window' },
  {
    input: 'key imported by alias ARN',
    build: a => SecretsKey.fromKeyArn(svc(a), 'K', 'arn:aws:kms:eu-west-1:111111111111:alias/orders'),
    path: 'Svc/K', rule: 'key-arn',
  },
  {
    input: 'replica in the secret\'s own region',
    build: a => { const s = svc(a); secret(s, 'S', { replicas: [{ region: REGION, encryptionKey: SecretsKey.fromKeyArn(s, 'K', SAME_REGION_KEY) }] }); },
    path: 'Svc/S', rule: 'replica-region',
  },
  {
    input: 'replica region listed twice',
    build: a => {
      const s = svc(a);
      const k = SecretsKey.fromKeyArn(s, 'K', OTHER_REGION_KEY);
      secret(s, 'S', { replicas: [{ region: 'eu-central-1', encryptionKey: k }, { region: 'eu-central-1', encryptionKey: k }] });
    },
    path: 'Svc/S', rule: 'replica-region',
  },
  {
    input: 'replica region that is not a region code',
    build: a => { const s = svc(a); secret(s, 'S', { replicas: [{ region: 'europe', encryptionKey: SecretsKey.fromKeyArn(s, 'K', OTHER_REGION_KEY) }] }); },
    path: 'Svc/S', rule: 'replica-region',
  },
  {
    input: 'replica key in another region than the replica',
    build: a => { const s = svc(a); secret(s, 'S', { replicas: [{ region: 'us-east-1', encryptionKey: SecretsKey.fromKeyArn(s, 'K', OTHER_REGION_KEY) }] }); },
    path: 'Svc/S', rule: 'replica-key',
  },
  { input: 'shared account that is not 12 digits', build: a => secret(svc(a), 'S', { sharedWithAccounts: ['1234'] }), path: 'Svc/S', rule: 'shared-account' },
  { input: 'tag key keyward:*', build: a => secret(svc(a), 'S', { tags: { 'keyward:access:x': 'read' } }), path: 'Svc/S', rule: 'reserved-tag' },
  { input: 'tag key KEYWARD:* (letter case)', build: a => secret(svc(a), 'S', { tags: { 'KEYWARD:Access:x': 'read' } }), path: 'Svc/S', rule: 'reserved-tag' },
  {
    input: 'Tags.of(stack) adding a keyward:access tag',
    build: a => { const s = svc(a); secret(s); Tags.of(s).add('keyward:access:dtool', 'read'); },
    path: 'Svc/S', rule: 'reserved-tag',
  },
  {
    input: 'Tags.of(stack) changing a Keyward tag',
    build: a => { const s = svc(a); secret(s); Tags.of(s).add('keyward:rotation', 'hosted'); },
    path: 'Svc/S', rule: 'reserved-tag', says: /changed/,
  },
  {
    input: 'Tags.of(stack) removing a Keyward tag',
    build: a => { const s = svc(a); secret(s); Tags.of(s).remove('keyward:rotation'); },
    path: 'Svc/S', rule: 'reserved-tag', says: /removed/,
  },
  { input: 'complete ARN without the suffix', build: a => Secret.fromSecretCompleteArn(svc(a), 'I', SECRET_ARN), path: 'Svc/I', rule: 'secret-arn' },
  { input: 'partial ARN with a suffix', build: a => Secret.fromSecretPartialArn(svc(a), 'I', `${SECRET_ARN}-AbC123`), path: 'Svc/I', rule: 'secret-arn' },
  { input: 'secret ARN of another service', build: a => Secret.fromSecretPartialArn(svc(a), 'I', 'arn:aws:ssm:eu-west-1:111111111111:parameter/x'), path: 'Svc/I', rule: 'secret-arn' },
  { input: 'imported name ending in -XXXXXX', build: a => Secret.fromSecretName(svc(a), 'I', 'db-AbC123', { awsManagedKey: true }), path: 'Svc/I', rule: 'secret-name' },
  {
    input: 'imported secret granted without its key',
    build: a => { const s = svc(a); Secret.fromSecretPartialArn(s, 'I', SECRET_ARN).grantRead(role(s)); },
    path: 'Svc/I', rule: 'imported-secret-key',
  },
  {
    input: 'imported secret with both encryptionKey and awsManagedKey',
    build: a => { const s = svc(a); Secret.fromSecretPartialArn(s, 'I', SECRET_ARN, { awsManagedKey: true, encryptionKey: SecretsKey.fromKeyArn(s, 'K', SAME_REGION_KEY) }); },
    path: 'Svc/I', rule: 'imported-secret-key',
  },
  {
    input: 'secret of another account under aws/secretsmanager',
    build: a => {
      const s = svc(a);
      Secret.fromSecretPartialArn(s, 'I', `arn:aws:secretsmanager:${REGION}:${OTHER_ACCOUNT}:secret:shared/db`, { awsManagedKey: true }).grantRead(role(s));
    },
    path: 'Svc/I', rule: 'imported-secret-key', says: /AWS managed key/,
  },
  {
    input: 'cross-account reader of a secret under an imported key',
    build: a => {
      const s = svc(a);
      secret(s, 'S', { secretName: 'svc/shared', encryptionKey: SecretsKey.fromKeyArn(s, 'K', SAME_REGION_KEY) })
        .grantRead(iam.Role.fromRoleArn(s, 'R', `arn:aws:iam::${OTHER_ACCOUNT}:role/r`));
    },
    path: 'Svc/K', rule: 'imported-key',
  },
  { input: 'no rotation decision', build: a => new Secret(svc(a), 'S'), path: 'Svc/S', rule: 'rotation-decision' },
  { input: 'rotation decided twice', build: a => secret(svc(a)).decideRotation(NO_ROTATION), path: 'Svc/S', rule: 'rotation-decision' },
  { input: 'rotation declined without a reason', build: a => secret(svc(a), 'S', { rotation: SecretRotation.none('no') }), path: 'Svc/S', rule: 'rotation-reason' },
  {
    input: 'rotation every 2,000 days',
    build: a => {
      const s = svc(a);
      const rotator = fn(s);
      new Secret(s, 'S', { rotation: SecretRotation.customFunction(rotator, { automaticallyAfter: Duration.days(2000) }) });
    },
    path: 'Svc/S', rule: 'rotation-period',
  },
  {
    input: 'reference that is SecretValue.unsafePlainText',
    build: a => secret(svc(a), 'S', { content: SecretContent.fromReference(SecretValue.unsafePlainText('hunter2-but-longer')) }),
    path: 'Svc/S', rule: 'plaintext-value',
  },
  {
    input: 'description that embeds SecretValue.unsafePlainText',
    build: a => secret(svc(a), 'S', { description: `db ${SecretValue.unsafePlainText('hunter2').toString()}` }),
    path: 'Svc/S', rule: 'plaintext-value',
  },
  {
    input: 'tag that embeds SecretValue.unsafePlainText',
    build: a => secret(svc(a), 'S', { tags: { owner: SecretValue.unsafePlainText('hunter2').toString() } }),
    path: 'Svc/S', rule: 'plaintext-value',
  },
  {
    input: 'rotation reason that embeds SecretValue.unsafePlainText',
    build: a => secret(svc(a), 'S', { rotation: SecretRotation.none(`never rotated, see ${SecretValue.unsafePlainText('hunter2').toString()}`) }),
    path: 'Svc/S', rule: 'plaintext-value',
  },
  {
    input: 'fixed field that embeds SecretValue.unsafePlainText',
    build: a => secret(svc(a), 'S', { content: SecretContent.generatedJson({ host: SecretValue.unsafePlainText('db.internal').toString() }, 'password') }),
    path: 'Svc/S', rule: 'plaintext-value',
  },
  {
    input: 'reference mixing a token with literal text',
    build: a => {
      const s = svc(a);
      const host = new CfnParameter(s, 'Host').valueAsString;
      secret(s, 'S', { content: SecretContent.fromReference(SecretValue.unsafePlainText(JSON.stringify({ host, password: 'hunter2-literal' }))) });
    },
    path: 'Svc/S', rule: 'plaintext-value',
  },
  {
    input: 'fixed field named like a secret',
    build: a => secret(svc(a), 'S', { content: SecretContent.generatedJson({ apiKey: 'x' }, 'password') }),
    path: 'Svc/S', rule: 'fixed-field',
  },
  {
    input: 'fixed field whose value looks like a secret',
    build: a => secret(svc(a), 'S', { content: SecretContent.generatedJson({ url: 'postgres://admin:Orders-Prod-2024!@db/x' }, 'password') }),
    path: 'Svc/S', rule: 'fixed-field',
  },
  {
    input: 'field both fixed and generated',
    build: a => secret(svc(a), 'S', { content: SecretContent.generatedJson({ password: 'x' }, 'password') }),
    path: 'Svc/S', rule: 'generated-field',
  },
  { input: 'generatedJson without a generated field', build: a => secret(svc(a), 'S', { content: SecretContent.generatedJson({ user: 'app' }, '') }), path: 'Svc/S', rule: 'generated-field' },
  { input: 'generated length 0', build: a => secret(svc(a), 'S', { content: SecretContent.generated({ length: 0 }) }), path: 'Svc/S', rule: 'generated-length' },
  { input: 'generated length 5,000', build: a => secret(svc(a), 'S', { content: SecretContent.generated({ length: 5000 }) }), path: 'Svc/S', rule: 'generated-length' },
  { input: 'declared-only without a sentence', build: a => secret(svc(a), 'S', { content: SecretContent.declaredOnly('ops') }), path: 'Svc/S', rule: 'declared-only' },
  {
    input: 'one workload grant past the 50-tag limit (tag mode: each grant tags the secret)',
    build: a => { a.node.setContext('@keyward/grants:mode', 'tag'); const s = svc(a); const x = secret(s); for (let i = 0; i < 49; i++) x.grantRead(role(s, `R${i}`)); },
    path: 'Svc/S', rule: 'tag-limit',
  },
  {
    input: 'workload name with a space',
    build: a => { const s = svc(a); Workload.role(role(s), secret(s), { workloadName: 'orders api' }); },
    path: 'Svc/Role/KeywardPolicy', rule: 'access-name',
  },
  {
    input: 'two workloads named alike ignoring letter case',
    build: a => {
      const s = svc(a);
      const x = secret(s);
      Workload.role(role(s, 'A'), x, { workloadName: 'orders' });
      Workload.role(role(s, 'B'), x, { workloadName: 'ORDERS' });
    },
    path: 'Svc/B/KeywardPolicy', rule: 'access-name',
  },
  {
    input: 'workload renamed after its first grant',
    build: a => { const s = svc(a); const r = role(s); Workload.role(r, secret(s), { workloadName: 'a' }); WorkloadPolicy.of(r, { workloadName: 'b' }); },
    path: 'Svc/Role/KeywardPolicy', rule: 'workload-name',
  },
  {
    input: 'immutable role',
    build: a => { const s = svc(a); secret(s).grantRead(iam.Role.fromRoleArn(s, 'Fixed', `arn:aws:iam::${ACCOUNT}:role/f`, { mutable: false })); },
    path: 'Svc/Fixed', rule: 'workload-principal',
  },
  {
    input: 'env-agnostic stack granting a principal with a concrete account',
    build: a => { const s = new Stack(a, 'Agnostic'); secret(s).grantRead(iam.Role.fromRoleArn(s, 'R', `arn:aws:iam::${OTHER_ACCOUNT}:role/r`)); },
    path: 'Agnostic/S', rule: 'cross-account',
  },
  {
    input: 'imported secret in a group',
    build: a => { const s = svc(a); new SecretGroup(s, 'G', { secrets: [Secret.fromSecretPartialArn(s, 'I', SECRET_ARN, { awsManagedKey: true })] }); },
    path: 'Svc/G', rule: 'group-member',
  },
  {
    input: 'group member in another account',
    build: a => { const other = new Stack(a, 'Other', { env: { account: OTHER_ACCOUNT, region: REGION } }); new SecretGroup(svc(a), 'G', { secrets: [secret(other)] }); },
    path: 'Svc/G', rule: 'group-member',
  },
  {
    input: 'group granted to another account',
    build: a => { const s = svc(a); new SecretGroup(s, 'G').grantRead(iam.Role.fromRoleArn(s, 'R', `arn:aws:iam::${OTHER_ACCOUNT}:role/r`)); },
    path: 'Svc/G', rule: 'group-cross-account',
  },
  { input: 'Lambda variable that is not a name', build: a => { const s = svc(a); Workload.lambdaFunction(fn(s), secret(s), { environmentVariable: 'DB-ARN' }); }, path: 'Svc/Fn', rule: 'environment-variable' },
  {
    input: 'two secrets in one Lambda variable',
    build: a => { const s = svc(a); const f = fn(s); Workload.lambdaFunction(f, secret(s, 'A'), { environmentVariable: 'DB' }); Workload.lambdaFunction(f, secret(s, 'B'), { environmentVariable: 'DB' }); },
    path: 'Svc/Fn', rule: 'environment-variable',
  },
  { input: 'ECS wiring without a variable', build: a => { const s = svc(a); Workload.ecsContainer(container(s), secret(s)); }, path: 'Svc/Task/App', rule: 'environment-variable' },
  {
    input: 'ECS variable injected twice',
    build: a => { const s = svc(a); const c = container(s); Workload.ecsContainer(c, secret(s, 'A'), { environmentVariable: 'DB' }); Workload.ecsContainer(c, secret(s, 'B'), { environmentVariable: 'DB' }); },
    path: 'Svc/Task/App', rule: 'environment-variable',
  },
  {
    input: 'JSON field with ":"',
    build: a => { const s = svc(a); Workload.ecsContainer(container(s), secret(s), { fields: { X: 'a:b' } }); },
    path: 'Svc/Task/App', rule: 'json-field',
  },
  {
    input: 'extension given on the second secret',
    build: a => {
      const s = svc(a);
      const f = fn(s);
      Workload.lambdaFunction(f, secret(s, 'A'));
      Workload.lambdaFunction(f, secret(s, 'B'), { extension: { cacheEnabled: false } });
    },
    path: 'Svc/Fn', rule: 'lambda-extension',
  },
  {
    input: 'catalog id twice',
    build: a => { const c = new SecretCatalog(svc(a), 'Catalog'); c.addSecret('Db', { rotation: NO_ROTATION }); c.addSecret('Db', { rotation: NO_ROTATION }); },
    path: 'Svc/Catalog', rule: 'duplicate-secret-id',
  },
  {
    input: 'catalog name twice',
    build: a => { const c = new SecretCatalog(svc(a), 'Catalog'); c.addSecret('A', { secretName: 'x', rotation: NO_ROTATION }); c.addSecret('B', { secretName: 'x', rotation: NO_ROTATION }); },
    path: 'Svc/Catalog', rule: 'duplicate-secret-name',
  },
  { input: 'catalog maxResourcesPerStack 600', build: a => new SecretCatalog(svc(a), 'Catalog', { maxResourcesPerStack: 600 }), path: 'Svc/Catalog', rule: 'catalog-stack-size' },
];

/** The mistakes of issue 12 that synthesized silently (or failed without a path and rule) before. */
const ISSUE_12_ROWS: Row[] = [
  {
    input: 'one secret name in two stacks of one account and region',
    build: a => { secret(svc(a, 'One'), 'Db', { secretName: 'orders/db' }); secret(svc(a, 'Two'), 'Db', { secretName: 'orders/db' }); },
    path: 'Two/Db', rule: 'duplicate-secret-name', says: /One\/Db/,
  },
  {
    input: 'a catalog entry and a Secret with one name',
    build: a => {
      new SecretCatalog(svc(a, 'Data'), 'Catalog').addSecret('Db', { secretName: 'orders/db', rotation: NO_ROTATION });
      secret(svc(a), 'Db', { secretName: 'orders/db' });
    },
    path: 'Svc/Db', rule: 'duplicate-secret-name', says: /Data\/Catalog\/.*\/Db/,
  },
  {
    input: 'a replica taking the name of a secret in the replica region',
    build: a => {
      const s = svc(a);
      secret(s, 'A', { secretName: 'orders/db', replicas: [{ region: 'eu-central-1', encryptionKey: SecretsKey.fromKeyArn(s, 'K', OTHER_REGION_KEY) }] });
      secret(new Stack(a, 'Frankfurt', { env: { account: ACCOUNT, region: 'eu-central-1' } }), 'B', { secretName: 'orders/db' });
    },
    path: 'Frankfurt/B', rule: 'duplicate-secret-name', says: /eu-central-1/,
  },
  {
    input: 'two SecretsKeys with one alias in one account and region',
    build: a => { new SecretsKey(svc(a, 'One'), 'Key', { alias: 'alias/orders' }); new SecretsKey(svc(a, 'Two'), 'Key', { alias: 'alias/orders' }); },
    path: 'Two/Key', rule: 'duplicate-key-alias', says: /One\/Key/,
  },
  {
    input: 'generated value with every character class excluded',
    build: a => secret(svc(a), 'S', {
      content: SecretContent.generated({ excludeLowercase: true, excludeUppercase: true, excludeNumbers: true, excludePunctuation: true }),
    }),
    path: 'Svc/S', rule: 'generated-characters',
  },
  {
    input: 'generated value whose excludeCharacters leave nothing',
    build: a => secret(svc(a), 'S', {
      content: SecretContent.generated({ excludeLowercase: true, excludeUppercase: true, excludePunctuation: true, excludeCharacters: '0123456789' }),
    }),
    path: 'Svc/S', rule: 'generated-characters',
  },
  {
    input: 'generated value shorter than the classes it must each include',
    build: a => secret(svc(a), 'S', { content: SecretContent.generatedJson({ user: 'app' }, 'password', { length: 3 }) }),
    path: 'Svc/S', rule: 'generated-characters',
  },
  { input: 'tag key aws:*', build: a => secret(svc(a), 'S', { tags: { 'aws:team': 'orders' } }), path: 'Svc/S', rule: 'secret-tag', says: /aws:/ },
  { input: 'tag key AWS:* (letter case)', build: a => secret(svc(a), 'S', { tags: { 'AWS:Team': 'orders' } }), path: 'Svc/S', rule: 'secret-tag' },
  { input: 'tag key of 129 characters', build: a => secret(svc(a), 'S', { tags: { ['k'.repeat(129)]: 'v' } }), path: 'Svc/S', rule: 'secret-tag', says: /128/ },
  { input: 'tag value of 257 characters', build: a => secret(svc(a), 'S', { tags: { team: 'v'.repeat(257) } }), path: 'Svc/S', rule: 'secret-tag', says: /256/ },
  { input: 'tag key with a character Secrets Manager refuses', build: a => secret(svc(a), 'S', { tags: { 'team#1': 'v' } }), path: 'Svc/S', rule: 'secret-tag' },
  {
    input: 'Tags.of(stack) adding an over-long value',
    build: a => { const s = svc(a); secret(s); Tags.of(s).add('owner', 'o'.repeat(300)); },
    path: 'Svc/S', rule: 'secret-tag', says: /256/,
  },
  { input: '49 tags plus Keyward\'s own two', build: a => secret(svc(a), 'S', { tags: tags(49) }), path: 'Svc/S', rule: 'tag-limit' },
  {
    input: 'Tags.of(stack) pushing a secret past 50 tags',
    build: a => { const s = svc(a); secret(s, 'S', { tags: tags(40) }); for (let i = 0; i < 9; i++) Tags.of(s).add(`stack${i}`, 'v'); },
    path: 'Svc/S', rule: 'tag-limit',
  },
  {
    input: 'ECS fields on a secret that is not JSON',
    build: a => { const s = svc(a); Workload.ecsContainer(container(s), secret(s), { fields: { P: 'password' } }); },
    path: 'Svc/Task/App', rule: 'json-field', says: /not JSON/,
  },
  {
    input: 'ECS field the generated JSON does not have',
    build: a => {
      const s = svc(a);
      const db = secret(s, 'Db', { content: SecretContent.generatedJson({ username: 'app' }, 'password') });
      Workload.ecsContainer(container(s), db, { fields: { P: 'pasword' } });
    },
    path: 'Svc/Task/App', rule: 'json-field', says: /"pasword".*password, username/,
  },
  {
    input: 'Lambda variable AWS_REGION (reserved by Lambda)',
    build: a => { const s = svc(a); Workload.lambdaFunction(fn(s), secret(s), { environmentVariable: 'AWS_REGION' }); },
    path: 'Svc/Fn', rule: 'environment-variable', says: /reserved/,
  },
  {
    input: 'Lambda variable _HANDLER (reserved by Lambda)',
    build: a => { const s = svc(a); Workload.lambdaFunction(fn(s), secret(s), { environmentVariable: '_HANDLER' }); },
    path: 'Svc/Fn', rule: 'environment-variable',
  },
  {
    input: 'Lambda variable that is one of the extension\'s settings',
    build: a => { const s = svc(a); Workload.lambdaFunction(fn(s), secret(s), { environmentVariable: 'SECRETS_MANAGER_TTL' }); },
    path: 'Svc/Fn', rule: 'environment-variable', says: /extension/,
  },
  {
    input: 'Lambda variable of one character (Lambda needs two)',
    build: a => { const s = svc(a); Workload.lambdaFunction(fn(s), secret(s), { environmentVariable: 'X' }); },
    path: 'Svc/Fn', rule: 'environment-variable',
  },
  {
    input: 'grantRead to a service principal',
    build: a => { secret(svc(a), 'Db').grantRead(new iam.ServicePrincipal('lambda.amazonaws.com')); },
    path: 'Svc/Db', rule: 'workload-principal', says: /lambda\.amazonaws\.com/,
  },
  {
    input: 'grantWrite to a service principal on an imported secret',
    build: a => { Secret.fromSecretPartialArn(svc(a), 'I', SECRET_ARN, { awsManagedKey: true }).grantWrite(new iam.ServicePrincipal('ec2.amazonaws.com')); },
    path: 'Svc/I', rule: 'workload-principal',
  },
  {
    input: 'catalog shard full',
    build: a => {
      const c = new SecretCatalog(svc(a), 'Catalog', { shards: 1, maxResourcesPerStack: 10 });
      for (let i = 0; i < 5; i++) c.addSecret(`S${i}`, { rotation: NO_ROTATION });
    },
    path: 'Svc/Catalog', rule: 'catalog-shard-full', says: /"S3" hashes to Shard1/,
  },
  {
    input: 'catalog shard whose template passes the size budget',
    build: a => {
      const c = new SecretCatalog(svc(a), 'Catalog', { shards: 1 });
      const big = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`team-${i}-${'k'.repeat(110)}`, 'v'.repeat(256)]));
      for (let i = 0; i < 60; i++) c.addSecret(`S${i}`, { tags: big, rotation: NO_ROTATION });
    },
    path: 'Svc/Catalog', rule: 'catalog-shard-full', says: /KB/,
  },
  {
    input: 'catalog shard key that is empty',
    build: a => new SecretCatalog(svc(a), 'Catalog').addSecret('S', { rotation: NO_ROTATION, shardKey: '' }),
    path: 'Svc/Catalog', rule: 'catalog-shard-key',
  },
  { input: 'catalog with 0 shards', build: a => new SecretCatalog(svc(a), 'Catalog', { shards: 0 }), path: 'Svc/Catalog', rule: 'catalog-shards' },
];

/** Size limits of grants (issue 12's silent cases; the grant model's own tests measure the sizes in detail). */
const GRANT_SIZE_ROWS: Row[] = [
  {
    input: 'a workload granted 40 SecretGroups of 3 named secrets (exact mode): managed policy over 6,144 characters',
    build: a => {
      const s = svc(a);
      const r = role(s, 'R');
      for (let g = 0; g < 40; g++) {
        const group = new SecretGroup(s, `G${g}`);
        for (let i = 0; i < 3; i++) group.addSecret(secret(s, `S${g}x${i}`, { secretName: `tenant-${g}/secret-${i}` }));
        group.grantRead(r);
      }
    },
    path: 'Svc/R/KeywardPolicy', rule: 'policy-size',
  },
  {
    input: 'a workload granted 120 secrets imported by name: managed policy over 6,144 characters',
    build: a => {
      const s = svc(a);
      const r = role(s, 'R');
      for (let i = 0; i < 120; i++) Secret.fromSecretName(s, `I${i}`, `imported/by-name/secret-${i}`, { awsManagedKey: true }).grantRead(r);
    },
    path: 'Svc/R/KeywardPolicy', rule: 'policy-size', says: /names 120 secrets/,
  },
  {
    input: '200 cross-account reader roles of one secret: key policy over 32 KB',
    build: a => {
      const s = svc(a);
      const x = secret(s, 'S', { secretName: 'shared/db', encryptionKey: new SecretsKey(s, 'Key') });
      for (let i = 0; i < 200; i++) x.grantRead(iam.Role.fromRoleArn(s, `R${i}`, `arn:aws:iam::${OTHER_ACCOUNT}:role/reader-role-of-team-number-${i}`));
    },
    path: 'Svc/Key', rule: 'key-policy-size',
  },
  {
    input: '260 cross-account readers and 260 writers of one secret: secret resource policy over 20 KB',
    build: a => {
      const s = svc(a);
      const x = secret(s, 'S', { secretName: 'shared/db', encryptionKey: new SecretsKey(s, 'Key') });
      for (let i = 0; i < 260; i++) {
        x.grantRead(iam.Role.fromRoleArn(s, `R${i}`, `arn:aws:iam::${OTHER_ACCOUNT}:role/a-rather-long-reader-role-name-of-team-${i}`));
        x.grantWrite(iam.Role.fromRoleArn(s, `W${i}`, `arn:aws:iam::${OTHER_ACCOUNT}:role/a-rather-long-writer-role-name-of-team-${i}`));
      }
    },
    path: 'Svc/S', rule: 'secret-policy-size',
  },
  {
    input: 'a role with 10 managed policies before Keyward adds its own',
    build: a => {
      const s = svc(a);
      const r = role(s, 'R');
      for (let i = 0; i < 10; i++) r.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(`Policy${i}`));
      secret(s).grantRead(r);
    },
    path: 'Svc/R/KeywardPolicy', rule: 'managed-policy-quota',
  },
];

describe('bad input: every row fails at synth with its construct path and rule', () => {
  const rows = [...GUIDE_ROWS, ...ISSUE_12_ROWS, ...GRANT_SIZE_ROWS];

  test('the table has no two rows for the same input', () => {
    expect(new Set(rows.map(r => r.input)).size).toBe(rows.length);
  });

  test.each(rows.map(r => [r.input, r] as const))('%s', (_input, row) => {
    expectKeywardError(() => {
      const app = new App();
      row.build(app);
      app.synth();
    }, row.path, row.rule, row.says);
  });
});

describe('the valid neighbours of the new checks synthesize', () => {
  test.each<[string, (app: App) => void]>([
    ['one secret name in two regions', a => {
      secret(svc(a), 'Db', { secretName: 'orders/db' });
      secret(new Stack(a, 'Frankfurt', { env: { account: ACCOUNT, region: 'eu-central-1' } }), 'Db', { secretName: 'orders/db' });
    }],
    ['one secret name in two accounts', a => {
      secret(svc(a), 'Db', { secretName: 'orders/db' });
      secret(new Stack(a, 'Other', { env: { account: OTHER_ACCOUNT, region: REGION } }), 'Db', { secretName: 'orders/db' });
    }],
    ['one alias in two regions', a => {
      new SecretsKey(svc(a), 'Key', { alias: 'alias/orders' });
      new SecretsKey(new Stack(a, 'Frankfurt', { env: { account: ACCOUNT, region: 'eu-central-1' } }), 'Key', { alias: 'alias/orders' });
    }],
    ['digits only', a => secret(svc(a), 'S', {
      content: SecretContent.generated({ excludeLowercase: true, excludeUppercase: true, excludePunctuation: true, length: 6 }),
    })],
    ['48 tags, a key of 128 and a value of 256 characters', a => secret(svc(a), 'S', { tags: { ...tags(46), ['k'.repeat(128)]: 'v'.repeat(256), 'my:aws:tag': 'v' } })],
    ['ECS fields the generated JSON has', a => {
      const s = svc(a);
      const db = secret(s, 'Db', { content: SecretContent.generatedJson({ username: 'app' }, 'password') });
      Workload.ecsContainer(container(s), db, { fields: { U: 'username', P: 'password' } });
    }],
    ['ECS fields of a referenced secret (not known at synth)', a => {
      const s = svc(a);
      const ref = secret(s, 'Ref', { content: SecretContent.fromReference(SecretValue.secretsManager('arn:aws:secretsmanager:eu-west-1:111111111111:secret:x')) });
      Workload.ecsContainer(container(s), ref, { fields: { P: 'password' } });
    }],
    ['Lambda variable AWS_SECRET_NAME_ARN (not reserved)', a => {
      const s = svc(a);
      Workload.lambdaFunction(fn(s), secret(s), { environmentVariable: 'AWS_DB_SECRET_ARN' });
    }],
  ])('%s', (_name, build) => {
    const app = new App();
    build(app);
    expect(() => app.synth()).not.toThrow();
  });

});
