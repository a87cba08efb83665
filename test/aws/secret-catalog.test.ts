import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SecretCatalog, SecretRotation } from '../../lib/aws';
import { policyBytes, readTemplates } from '../../bench/measure';
import { ACCOUNT, expectKeywardError, REGION } from './util';

const NO_ROTATION = SecretRotation.none('test secret: rotation is not what this test is about');
const ENV = { account: ACCOUNT, region: REGION };

interface Built {
  templates: { [file: string]: any };
  catalog: SecretCatalog;
}

/** A data stack with a catalog of `n` secrets and an apps stack whose role `Reader` is granted the secrets `granted(i)`. */
function build(n: number, granted: (i: number) => boolean, workloads = 1, mode: 'tag' | 'exact' = 'tag'): Built {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-catalog-'));
  // Tag mode: the grant model for hundreds of secrets per workload (exact mode is tested below for its budget).
  const app = new App({ outdir, context: { '@keyward/grants:mode': mode } });
  const data = new Stack(app, 'Data', { env: ENV });
  const catalog = new SecretCatalog(data, 'Catalog');
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
    const { templates } = build(5000, i => i % 10 === 0, 200);
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

    test.each([0, 9, 501, 1.5])('maxResourcesPerStack %p', (max) => {
      expectKeywardError(() => new SecretCatalog(new Stack(new App(), 'Data', { env: ENV }), 'Catalog', { maxResourcesPerStack: max }),
        'Data/Catalog', 'catalog-stack-size', /10 to 500/);
    });
  });
});
