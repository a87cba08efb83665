import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { SecretCatalog, SecretContent, SecretRotation, WorkloadPolicy } from '../../lib/aws';
import { estimateTemplateBytes } from '../../lib/aws/secret-catalog';
import { DataLossKind } from '../../lib/guard';
import { catalogStability, removedTenant } from './catalog-stability';
import { policyBytes, readTemplates } from '../../bench/measure';
import { ACCOUNT, expectKeywardError, grantTagKey, REGION } from './util';

const NO_ROTATION = SecretRotation.none('test secret: rotation is not what this test is about');
const ENV = { account: ACCOUNT, region: REGION };

interface Built {
  templates: { [file: string]: any };
  catalog: SecretCatalog;
}

/** A data stack with a catalog of `n` secrets and an apps stack whose role `Reader` is granted the secrets `granted(i)`. */
function build(n: number, granted: (i: number) => boolean, workloads = 1, mode: 'tag' | 'exact' = 'tag', shards?: number): Built {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-catalog-'));
  // Tag mode: the grant model for hundreds of secrets per workload (exact mode is tested below for its budget).
  const app = new App({ outdir, context: { '@keyward/grants:mode': mode } });
  const data = new Stack(app, 'Data', { env: ENV });
  const catalog = new SecretCatalog(data, 'Catalog', { shards });
  const apps = new Stack(app, 'Apps', { env: ENV });
  const roles = Array.from({ length: workloads }, (_, w) =>
    new iam.Role(apps, w === 0 ? 'Reader' : `Other${w}`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
  for (let i = 0; i < n; i++) {
    const secret = catalog.addSecret(`S${i}`, { secretName: `svc/secret-${i}`, rotation: NO_ROTATION });
    if (granted(i)) secret.grantRead(roles[0]);
    if (workloads > 1) secret.grantRead(roles[1 + (i % (workloads - 1))]);
  }
  app.synth();
  return { templates: readTemplates(outdir), catalog };
}

function secretsOf(templates: { [file: string]: any }): Array<{ file: string; id: string; props: any }> {
  return Object.entries(templates).flatMap(([file, t]) =>
    Object.entries(t.Resources ?? {})
      .filter(([, r]: [string, any]) => r.Type === 'AWS::SecretsManager::Secret')
      .map(([id, r]: [string, any]) => ({ file, id, props: r.Properties })));
}

function tagValue(props: any, key: string): string | undefined {
  return (props.Tags ?? []).find((t: any) => t.Key === key)?.Value;
}

describe('SecretCatalog', () => {
  test('spreads 1,000 secrets over nested stacks that each stay under 500 resources and 1 MB', () => {
    const { templates, catalog } = build(1000, () => false);
    const nested = Object.keys(templates).filter(f => f.endsWith('.nested.template.json'));
    expect(nested.length).toBe(catalog.stacks.length);
    expect(nested.length).toBeGreaterThanOrEqual(3);
    for (const f of Object.keys(templates)) {
      expect(Object.keys(templates[f].Resources ?? {}).length).toBeLessThanOrEqual(500);
      expect(Buffer.byteLength(JSON.stringify(templates[f]))).toBeLessThan(1024 * 1024);
    }
    const secrets = secretsOf(templates);
    expect(secrets).toHaveLength(1000);
    expect(new Set(secrets.map(s => s.props.Name)).size).toBe(1000);
    // One key for the whole catalog, passed to each shard as one parameter.
    const keys = Object.values(templates).flatMap(t => Object.values(t.Resources ?? {}).filter((r: any) => r.Type === 'AWS::KMS::Key'));
    expect(keys).toHaveLength(1);
    for (const f of nested) {
      expect(Object.keys(templates[f].Parameters ?? {}).length).toBeLessThanOrEqual(2);
    }
  });

  test('a workload in another stack granted 300 of 600 secrets gets one small policy and exactly those 300 tags', () => {
    const granted = (i: number) => i % 2 === 0;
    const { templates } = build(600, granted);
    const apps = templates['Apps.template.json'];
    const policies = Object.values(apps.Resources).filter((r: any) => r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy') as any[];
    expect(policies).toHaveLength(1);
    expect(policies[0].Type).toBe('AWS::IAM::ManagedPolicy');
    expect(policyBytes(policies[0].Properties.PolicyDocument, apps.Resources)).toBeLessThanOrEqual(2048);
    // No cross-stack reference per secret: at most the shared key's ARN crosses stacks.
    expect((JSON.stringify(apps).match(/Fn::ImportValue/g) ?? []).length).toBeLessThanOrEqual(1);

    const readStatement = policies[0].Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'KeywardReadTagged');
    const [conditionKey] = Object.keys(readStatement.Condition.StringEquals);
    const tagKey = conditionKey.replace('aws:ResourceTag/', '');
    const secrets = secretsOf(templates);
    const tagged = secrets.filter(s => tagValue(s.props, tagKey) !== undefined);
    const expected = Array.from({ length: 600 }, (_, i) => i).filter(granted).map(i => `svc/secret-${i}`).sort();
    expect(tagged.map(s => s.props.Name).sort()).toEqual(expected);
    // Read access only: every granted secret carries exactly the value the read condition accepts.
    expect(new Set(tagged.map(s => tagValue(s.props, tagKey)))).toEqual(new Set(['read']));
    expect(readStatement.Condition.StringEquals[conditionKey]).toEqual(expect.arrayContaining(['read']));
  });

  test('exact mode: 300 of 600 catalog secrets exceed one managed policy and fail at synth, naming the ways out', () => {
    expect(() => build(600, i => i % 2 === 0, 1, 'exact')).toThrow(/Apps\/Reader\/KeywardPolicy: .*names 300 secrets.*tag mode.*\[keyward:policy-size\]/s);
  });

  test('the workload policy has the same size for 10 and 1,000 granted secrets', () => {
    const size = (n: number) => {
      const apps = build(n, () => true).templates['Apps.template.json'];
      const policy = Object.values(apps.Resources).find((r: any) => r.Type === 'AWS::IAM::ManagedPolicy') as any;
      return JSON.stringify(policy.Properties.PolicyDocument);
    };
    expect(size(1000)).toEqual(size(10));
  });

  test('5,000 secrets and 200 workloads synthesize, every template within CloudFormation limits', () => {
    const { templates } = build(5000, i => i % 10 === 0, 200, 'tag', 64);
    expect(secretsOf(templates)).toHaveLength(5000);
    for (const [f, t] of Object.entries(templates)) {
      expect([f, Object.keys(t.Resources ?? {}).length <= 500]).toEqual([f, true]);
      expect([f, Buffer.byteLength(JSON.stringify(t)) < 1024 * 1024]).toEqual([f, true]);
    }
    const apps = templates['Apps.template.json'];
    const managed = Object.values(apps.Resources).filter((r: any) => r.Type === 'AWS::IAM::ManagedPolicy') as any[];
    expect(managed).toHaveLength(200);
    for (const p of managed) {
      expect(policyBytes(p.Properties.PolicyDocument, apps.Resources)).toBeLessThanOrEqual(2048);
    }
  });

  describe('shards that never move a secret', () => {
    test('a secret\'s shard is a pure function of its id: the same in any catalog, whatever else it holds', () => {
      const a = new SecretCatalog(new Stack(new App(), 'Data', { env: ENV }), 'Catalog');
      const b = new SecretCatalog(new Stack(new App(), 'Data', { env: ENV }), 'Catalog');
      for (let i = 0; i < 40; i++) a.addSecret(`Filler${i}`, { rotation: NO_ROTATION });
      const x = a.addSecret('Tenant42', { rotation: NO_ROTATION });
      const y = b.addSecret('Tenant42', { rotation: NO_ROTATION });
      expect(x.node.path).toBe(y.node.path);
      expect(x.node.path).toBe(`Data/Catalog/Shard${a.shardOf('Tenant42')}/Tenant42`);
      // 40 ids spread over the 16 default shards: more than one shard, none holding most of them.
      expect(a.stacks.length).toBeGreaterThan(8);
      expect(a.shardCount).toBe(16);
    });

    test('a shard key puts secrets together, and shardOf names its shard', () => {
      const catalog = new SecretCatalog(new Stack(new App(), 'Data', { env: ENV }), 'Catalog', { shards: 50 });
      const secrets = ['Db', 'Api', 'Queue'].map(id => catalog.addSecret(`acme-${id}`, { shardKey: 'tenant-acme', rotation: NO_ROTATION }));
      expect(new Set(secrets.map(s => s.node.scope!.node.id))).toEqual(new Set([`Shard${catalog.shardOf('tenant-acme')}`]));
      expect(catalog.stacks).toHaveLength(1);
    });

    test('removing, adding and reordering secrets of a 60-secret catalog changes only the touched secret (keyward diff)', () => {
      const r = catalogStability(60);
      expect(r.shardFiles).toBeGreaterThan(8);
      // Removing one: keyward diff reports exactly that secret deleted, no MOVE of any other.
      expect(r.removed.changes.map(c => [c.kind, c.resourceType, new RegExp(`^${removedTenant(60)}[0-9A-F]{8}$`).test(c.address)]))
        .toEqual([[DataLossKind.DELETE, 'AWS::SecretsManager::Secret', true]]);
      // Adding one and reversing the order: nothing deleted, replaced or moved.
      expect(r.added.changes).toEqual([]);
      expect(r.reordered.changes).toEqual([]);
      // And every other secret is in the same template under the same logical id in all three.
      expect(r.moved).toEqual({ removed: [], added: [], reordered: [] });
      expect(r.base.size).toBe(60);
    });

    test('grantReadAll in exact mode: the reader\'s policy names every secret, present and future', () => {
      const app = new App();
      const catalog = new SecretCatalog(new Stack(app, 'Data', { env: ENV }), 'Catalog');
      catalog.addSecret('Before', { secretName: 'tenants/before', rotation: NO_ROTATION });
      const apps = new Stack(app, 'Apps', { env: ENV });
      const reader = new iam.Role(apps, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      const grant = catalog.grantReadAll(reader);
      catalog.addSecret('After', { secretName: 'tenants/after', rotation: NO_ROTATION });
      expect(grantTagKey(grant)).toBeUndefined();
      app.synth();
      const reads = (WorkloadPolicy.of(reader).document.toJSON().Statement as any[]).filter(st => JSON.stringify(st.Action).includes('GetSecretValue'));
      expect(reads).toHaveLength(1);
      expect([].concat(reads[0].Resource).sort()).toEqual([
        'arn:aws:secretsmanager:eu-west-1:111111111111:secret:tenants/after-??????',
        'arn:aws:secretsmanager:eu-west-1:111111111111:secret:tenants/before-??????',
      ]);
    });

    test('grantReadAll in tag mode: one group statement for every secret, present and future', () => {
      const app = new App({ context: { '@keyward/grants:mode': 'tag' } });
      const catalog = new SecretCatalog(new Stack(app, 'Data', { env: ENV }), 'Catalog');
      const before = catalog.addSecret('Before', { rotation: NO_ROTATION });
      const apps = new Stack(app, 'Apps', { env: ENV });
      const reader = new iam.Role(apps, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      const grant = catalog.grantReadAll(reader);
      const after = catalog.addSecret('After', { rotation: NO_ROTATION });
      expect(grant.principalStatements[0].toStatementJson().Condition.StringEquals).toEqual({ [`aws:ResourceTag/${grantTagKey(grant)}`]: ['member'] });
      expect(grantTagKey(catalog.grantReadAll(new iam.Role(apps, 'Second', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }))))
        .toEqual(grantTagKey(grant));
      for (const s of [before, after]) {
        const rendered = (s.resource.tags.renderTags() as any[]).map(t => [t.Key ?? t.key, t.Value ?? t.value]);
        expect(rendered).toContainEqual([grantTagKey(grant)!, 'member']);
      }
      app.synth();
      const statements = WorkloadPolicy.of(reader).document.toJSON().Statement as any[];
      const reads = statements.filter(st => JSON.stringify(st.Action).includes('GetSecretValue'));
      expect(reads).toHaveLength(1);
      expect(reads[0].Condition.StringEquals).toEqual({ [`aws:ResourceTag/${grantTagKey(grant)}`]: 'member' });
    });

    test('the template-size estimate stays above the written shard template', () => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-catalog-'));
      const app = new App({ outdir });
      const catalog = new SecretCatalog(new Stack(app, 'Data', { env: ENV }), 'Catalog', { shards: 1 });
      const bigTags = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`team-${i}-${'k'.repeat(100)}`, 'v'.repeat(250)]));
      for (let i = 0; i < 10; i++) catalog.addSecret(`Small${i}`, { rotation: NO_ROTATION });
      for (let i = 0; i < 10; i++) {
        catalog.addSecret(`Big${i}`, {
          secretName: `tenants/${'n'.repeat(200)}-${i}`, description: 'd'.repeat(1000), tags: bigTags, rotation: NO_ROTATION,
          content: SecretContent.generatedJson({ host: 'db.internal', port: '5432', username: 'app' }, 'password'),
        });
      }
      app.synth();
      const [file] = fs.readdirSync(outdir).filter(f => f.endsWith('.nested.template.json'));
      const written = fs.statSync(path.join(outdir, file)).size;
      const estimate = estimateTemplateBytes(catalog.stacks[0], catalog.secrets);
      expect(estimate).toBeGreaterThan(written);
      // ... and not by so much that it wastes the shard (within 2x).
      expect(estimate).toBeLessThan(written * 2);
    });

    test('a shard whose template would pass the size budget fails at synth, naming the shard', () => {
      const app = new App();
      const catalog = new SecretCatalog(new Stack(app, 'Data', { env: ENV }), 'Catalog', { shards: 1 });
      const bigTags = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`team-${i}-${'k'.repeat(110)}`, 'v'.repeat(256)]));
      for (let i = 0; i < 60; i++) catalog.addSecret(`Big${i}`, { tags: bigTags, rotation: NO_ROTATION });
      expectKeywardError(() => app.synth(), 'Data/Catalog', 'catalog-shard-full', /Shard1's template is about \d+ KB/);
    });
  });

  describe('bad input', () => {
    const catalogIn = () => new SecretCatalog(new Stack(new App(), 'Data', { env: ENV }), 'Catalog');

    test('duplicate id', () => {
      const catalog = catalogIn();
      catalog.addSecret('Db', { rotation: NO_ROTATION });
      expectKeywardError(() => catalog.addSecret('Db', { rotation: NO_ROTATION }), 'Data/Catalog', 'duplicate-secret-id');
    });

    test('duplicate name across shards', () => {
      const catalog = new SecretCatalog(new Stack(new App(), 'Data', { env: ENV }), 'Catalog', { maxResourcesPerStack: 10 });
      for (let i = 0; i < 10; i++) catalog.addSecret(`S${i}`, { secretName: `svc/s-${i}`, rotation: NO_ROTATION });
      expect(catalog.stacks.length).toBeGreaterThan(1);
      expectKeywardError(() => catalog.addSecret('Again', { secretName: 'svc/s-0', rotation: NO_ROTATION }),
        'Data/Catalog', 'duplicate-secret-name', /svc\/s-0/);
    });

    test('a full shard fails when the secret is added, naming the shard and the way out', () => {
      const catalog = new SecretCatalog(new Stack(new App(), 'Data', { env: ENV }), 'Catalog', { shards: 2, maxResourcesPerStack: 12 });
      const ids = Array.from({ length: 40 }, (_, i) => `S${i}`);
      const inFirst = ids.filter(id => catalog.shardOf(id) === 1);
      inFirst.slice(0, 4).forEach(id => catalog.addSecret(id, { rotation: NO_ROTATION }));
      expectKeywardError(() => catalog.addSecret(inFirst[4], { rotation: NO_ROTATION }), 'Data/Catalog', 'catalog-shard-full',
        /hashes to Shard1, which already holds 12 of its 12 resources.*shardKey/);
      // The other shard still has room, and a shard key can send the secret there.
      const key = ids.find(id => catalog.shardOf(id) === 2)!;
      expect(catalog.addSecret(inFirst[4], { shardKey: key, rotation: NO_ROTATION }).node.path).toBe(`Data/Catalog/Shard2/${inFirst[4]}`);
    });

    test('a hosted rotation reserves one more resource: the transform adds the rotation function\'s nested stack', () => {
      const catalogOf = () => new SecretCatalog(new Stack(new App(), 'Data', { env: ENV }), 'Catalog', { shards: 1, maxResourcesPerStack: 12 });
      const plain = catalogOf();
      for (let i = 0; i < 4; i++) plain.addSecret(`P${i}`, { rotation: NO_ROTATION });
      const hosted = catalogOf();
      const rotation = SecretRotation.hosted(secretsmanager.HostedRotation.mysqlSingleUser());
      for (let i = 0; i < 3; i++) hosted.addSecret(`H${i}`, { rotation });
      expectKeywardError(() => hosted.addSecret('P', { rotation: NO_ROTATION }), 'Data/Catalog', 'catalog-shard-full', /holds 12 of its 12/);
    });

    test.each([0, 201, 2.5])('shards %p', (shards) => {
      expectKeywardError(() => new SecretCatalog(new Stack(new App(), 'Data', { env: ENV }), 'Catalog', { shards }),
        'Data/Catalog', 'catalog-shards', /1 to 200/);
    });

    test.each([0, 9, 501, 1.5])('maxResourcesPerStack %p', (max) => {
      expectKeywardError(() => new SecretCatalog(new Stack(new App(), 'Data', { env: ENV }), 'Catalog', { maxResourcesPerStack: max }),
        'Data/Catalog', 'catalog-stack-size', /10 to 500/);
    });
  });
});
