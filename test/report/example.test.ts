// The report of each example equals what the example declares. Expected values are written from reading
// examples/aws-app.ts and examples/vault-app.ts (who is granted what), not from the report's output; the apps are
// synthesized here, so this holds whatever statements the grants synthesize to.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { App as TfApp } from 'cdktf';
import { buildApp, DEFAULT_ENVIRONMENT } from '../../examples/aws-app';
import { buildVaultApp, VaultApp } from '../../examples/vault-app';
import { accessReport, AccessReport, renderMarkdown } from '../../lib/report';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-report-example-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Per resource name: sorted "kind: name" of readers and writers, and whether each access is unconditional. */
function access(report: AccessReport, resourceName: string) {
  const r = report.resources.find((x) => x.name === resourceName);
  if (!r) {
    throw new Error(`no ${resourceName} in the report: ${report.resources.map((x) => x.name).join(', ')}`);
  }
  const who = (id: string) => {
    const w = report.workloads.find((x) => x.id === id)!;
    return `${w.kind}: ${w.name}`;
  };
  return { readers: r.readers.map((a) => who(a.workload)).sort(), writers: r.writers.map((a) => who(a.workload)).sort(), resource: r };
}

describe('examples/aws-app.ts', () => {
  let report: AccessReport;
  beforeAll(() => {
    const outdir = path.join(tmp, 'cdk.out');
    buildApp(new App({ outdir })).synth();
    report = accessReport([outdir]);
  });

  // Declared: the Lambda (OrdersApi/Function) reads both secrets, the ECS worker's container reads the database
  // credentials (ECS injects container secrets with the task execution role), the auditor role of the audit account
  // reads the database credentials; nobody writes them (the hosted rotation function is created by the
  // AWS::SecretsManager transform, outside the template). The payment API key comes from a SOPS file
  // (SecretContent.fromSopsFile): the stack's SOPS writer function (lib/aws/sops-secret-writer.ts) is granted
  // write on that secret, which is under the secrets key, so it also uses the secrets key through Secrets Manager.
  const lambda = 'Lambda function: KeywardExample-Orders/OrdersApi/Function';
  const sopsWriter = 'Lambda function: KeywardExample-Orders/KeywardSopsSecretWriter/Function';
  const worker = 'ECS task execution role: KeywardExample-Orders/OrdersWorker/TaskDefinition';
  const auditor = `AWS IAM principal: ${DEFAULT_ENVIRONMENT.auditorRoleArn}`;

  test('database credentials: the function, the worker and the auditor read; nobody writes', () => {
    const { readers, writers, resource } = access(report, 'orders/database');
    expect(readers).toEqual([auditor, worker, lambda].sort());
    expect(writers).toEqual([]);
    expect(resource.readers.every((a) => a.certainty === 'yes')).toBe(true);
    expect(resource.rotation).toMatch(/PostgreSQLSingleUser.*30 days/);
    expect(resource.retention).toMatch(/^Retain/);
    expect(resource.key).toBe('kms:KeywardExample-Orders/SecretsKey');
    expect(resource.id).toBe(`arn:aws:secretsmanager:${DEFAULT_ENVIRONMENT.region}:${DEFAULT_ENVIRONMENT.account}:secret:orders/database`);
  });

  test('its replica in the second region: the same readers, under the replica key (whose key policy is not in the output)', () => {
    const { readers, writers, resource } = access(report, `orders/database (replica in ${DEFAULT_ENVIRONMENT.replicaRegion})`);
    expect(readers).toEqual([auditor, worker, lambda].sort());
    expect(writers).toEqual([]);
    expect(resource.key).toBe(DEFAULT_ENVIRONMENT.replicaKeyArn);
    expect(resource.id).toBe(`arn:aws:secretsmanager:${DEFAULT_ENVIRONMENT.replicaRegion}:${DEFAULT_ENVIRONMENT.account}:secret:orders/database`);
    // The auditor of another account also needs the replica key's policy, which the output does not hold.
    expect(resource.readers.find((a) => a.workload === DEFAULT_ENVIRONMENT.auditorRoleArn)!.certainty).toBe('maybe');
  });

  test('payment API key: only the function reads, only the SOPS writer writes; it is declared not rotated', () => {
    const { readers, writers, resource } = access(report, 'orders/payment-provider/api-key');
    expect(readers).toEqual([lambda]);
    expect(writers).toEqual([sopsWriter]);
    expect(resource.rotation).toMatch(/^not rotated/);
  });

  test('the secrets key is used by every reader and writer of its secrets, only through Secrets Manager', () => {
    const { readers, writers, resource } = access(report, 'alias/orders/secrets');
    // A write grant lets the writer decrypt (the current version) and encrypt (the new one) through Secrets Manager.
    expect(readers).toEqual([auditor, worker, lambda, sopsWriter].sort());
    expect(writers).toEqual([sopsWriter]);
    for (const a of [...resource.readers, ...resource.writers]) {
      expect(a.certainty).toBe('maybe');
      expect(a.notes.join()).toContain('kms:ViaService');
    }
    expect(resource.rotation).toMatch(/rotated every 365 days/);
  });

  test('the logs key: CloudWatch Logs of the region encrypts and decrypts', () => {
    const { readers, writers } = access(report, 'KeywardExample-Orders/Network/LogsKey');
    expect(readers).toEqual([`AWS service: logs.${DEFAULT_ENVIRONMENT.region}.amazonaws.com`]);
    expect(writers).toEqual(readers);
  });

  test('every secret and key of the template is reported, and nothing was left unevaluated', () => {
    expect(report.resources.map((r) => r.kind).sort()).toEqual(['aws-secret', 'aws-secret', 'aws-secret', 'kms-key', 'kms-key']);
    expect(report.warnings).toEqual([]);
  });
});

describe('examples/vault-app.ts', () => {
  let report: AccessReport;
  let app: VaultApp;
  beforeAll(() => {
    const outdir = path.join(tmp, 'cdktf.out');
    const tf = new TfApp({ outdir });
    app = buildVaultApp(tf);
    tf.synth();
    report = accessReport([outdir]);
  });

  const role = (w: { backend: { path: string }; roleName: string }) => `auth/${w.backend.path}/role/${w.roleName}`;

  test('KV paths: batch and API read the database credentials; API reads and deploy writes the API key', () => {
    const db = access(report, 'payments/db/credentials');
    expect(db.readers).toEqual([`AppRole: ${role(app.batch)}`, `Kubernetes service account: ${role(app.api)}`]);
    expect(db.writers).toEqual([]);
    expect(db.resource.rotation).toContain('90d');
    const apiKey = access(report, 'payments/stripe/api-key');
    expect(apiKey.readers).toEqual([`Kubernetes service account: ${role(app.api)}`]);
    expect(apiKey.writers).toEqual([`GitHub Actions: ${role(app.deploy)}`]);
    expect(apiKey.resource.rotation).toContain('30d');
  });

  test('Transit key: batch decrypts, the API encrypts and decrypts', () => {
    const pii = access(report, 'transit/keys/payments-pii');
    expect(pii.readers).toEqual([`AppRole: ${role(app.batch)}`, `Kubernetes service account: ${role(app.api)}`]);
    expect(pii.writers).toEqual([`Kubernetes service account: ${role(app.api)}`]);
  });

  test('workload bindings are the declared repository, ref, environment, service account and namespace', () => {
    const deploy = report.workloads.find((w) => w.name === role(app.deploy))!;
    expect(deploy.binding).toMatchObject({
      'bound_claims.repository': ['acme/payments'],
      'bound_claims.ref': ['refs/heads/main'],
      'bound_claims.environment': ['production'],
      'bound_audiences': ['https://github.com/acme'],
    });
    const api = report.workloads.find((w) => w.name === role(app.api))!;
    expect(api.binding).toMatchObject({ bound_service_account_names: ['payments-api'], bound_service_account_namespaces: ['payments'] });
    expect(report.warnings).toEqual([]);
  });
});

test('the Markdown of the Vault example names the repository, ref and environment, and the service account and namespace', () => {
  const outdir = path.join(tmp, 'cdktf-md');
  const tf = new TfApp({ outdir });
  buildVaultApp(tf);
  tf.synth();
  const md = renderMarkdown(accessReport([outdir]));
  expect(md).toContain('(repository acme/payments, ref refs/heads/main, environment production)');
  expect(md).toContain('(service account payments-api, namespace payments)');
});
