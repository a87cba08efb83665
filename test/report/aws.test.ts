// The AWS side of the report on hand-written templates: statements of any shape (exact ARNs, tags, NotResource, Deny,
// conditions), resource and key policies, and intrinsics across stacks and nested stacks.
import { ACCOUNT, assemblyWriter, REGION } from './util';
import { accessReport, AccessReport, diffReports } from '../../lib/report';

const assembly = assemblyWriter('keyward-report-aws-');
const SECRET_ARN = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}`;

/** A key whose policy delegates to the account, and two secrets under it. */
function secretsAndKey(extra: { [id: string]: any } = {}, tags: { Key: string; Value: string }[] = []): any {
  return {
    Resources: {
      Key: {
        Type: 'AWS::KMS::Key',
        Properties: { KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] } },
      },
      Db: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'app/db', KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] }, Tags: tags } },
      Other: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'app/other', KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } } },
      ...extra,
    },
  };
}

function policy(statements: any[], roles: any[] = [{ Ref: 'Role' }]): any {
  return { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Version: '2012-10-17', Statement: statements }, Roles: roles } };
}

const KMS_VIA_SM = (secretPattern: string) => ({
  Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': ['Key', 'Arn'] },
  Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` }, StringLike: { 'kms:EncryptionContext:SecretARN': secretPattern } },
});

function readersOf(report: AccessReport, name: string): string[] {
  return report.resources.find((r) => r.name === name)!.readers.map((a) => a.workload).sort();
}

test('exact ARN statements (name-??????) and an exact encryption context: reads that secret only, not through a wildcard', () => {
  const report = accessReport([assembly({
    S: secretsAndKey({ P: policy([{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: `${SECRET_ARN('app/db')}-??????` }, KMS_VIA_SM(`${SECRET_ARN('app/db')}-??????`)]) }),
  })]);
  expect(readersOf(report, 'app/db')).toEqual(['S/Role']);
  expect(readersOf(report, 'app/other')).toEqual([]);
  const a = report.resources.find((r) => r.name === 'app/db')!.readers[0];
  expect(a).toMatchObject({ certainty: 'yes', wildcard: false, matched: [`${SECRET_ARN('app/db')}-??????`] });
});

test('without kms:Decrypt on the key the secret cannot be read', () => {
  const report = accessReport([assembly({ S: secretsAndKey({ P: policy([{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }]) }) })]);
  expect(readersOf(report, 'app/db')).toEqual([]);
});

test('a key policy that does not delegate to the account: identity policies alone cannot use the key', () => {
  const doc = secretsAndKey({ P: policy([{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'kms:Decrypt'], Resource: '*' }]) });
  doc.Resources.Key.Properties.KeyPolicy.Statement[0].Principal = { AWS: `arn:aws:iam::${ACCOUNT}:role/admin` };
  expect(readersOf(accessReport([assembly({ S: doc })]), 'app/db')).toEqual([]);
});

test('tag-matched statements: the ResourceTag condition decides, tag keys compared without letter case', () => {
  const statements = [
    { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:*`, Condition: { StringEquals: { 'secretsmanager:ResourceTag/team:access': ['read', 'read-write'] } } },
    KMS_VIA_SM(`arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:*`),
  ];
  const tagged = accessReport([assembly({ S: secretsAndKey({ P: policy(statements) }, [{ Key: 'Team:Access', Value: 'read' }]) })]);
  expect(readersOf(tagged, 'app/db')).toEqual(['S/Role']);
  expect(readersOf(tagged, 'app/other')).toEqual([]);
  expect(tagged.resources.find((r) => r.name === 'app/db')!.readers[0].wildcard).toBe(true);
  const wrongValue = accessReport([assembly({ S: secretsAndKey({ P: policy(statements) }, [{ Key: 'team:access', Value: 'write' }]) })]);
  expect(readersOf(wrongValue, 'app/db')).toEqual([]);
});

test('NotResource and an explicit Deny', () => {
  const notOther = accessReport([assembly({
    S: secretsAndKey({ P: policy([{ Effect: 'Allow', Action: ['secretsmanager:Get*', 'kms:Decrypt'], NotResource: `${SECRET_ARN('app/other')}-??????` }]) }),
  })]);
  expect(readersOf(notOther, 'app/db')).toEqual(['S/Role']);
  expect(readersOf(notOther, 'app/other')).toEqual([]);
  const denied = accessReport([assembly({
    S: secretsAndKey({ P: policy([{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'secretsmanager:GetSecretValue', Resource: `${SECRET_ARN('app/db')}-*` }]) }),
  })]);
  expect(readersOf(denied, 'app/db')).toEqual([]);
  expect(readersOf(denied, 'app/other')).toEqual(['S/Role']);
});

test('a resource policy grant to another account is blocked by a Deny on aws:PrincipalAccount, and reported without it', () => {
  const partner = 'arn:aws:iam::333333333333:role/partner';
  const allow = { Effect: 'Allow', Principal: { AWS: partner }, Action: 'secretsmanager:GetSecretValue', Resource: '*' };
  const deny = { Effect: 'Deny', Principal: '*', Action: 'secretsmanager:*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalAccount': ACCOUNT } } };
  const keyGrant = { Effect: 'Allow', Principal: { AWS: partner }, Action: 'kms:Decrypt', Resource: '*' };
  const build = (statements: any[]) => {
    const doc = secretsAndKey({ RP: { Type: 'AWS::SecretsManager::ResourcePolicy', Properties: { SecretId: { Ref: 'Db' }, ResourcePolicy: { Statement: statements } } } });
    doc.Resources.Key.Properties.KeyPolicy.Statement.push(keyGrant);
    return accessReport([assembly({ S: doc })]);
  };
  expect(readersOf(build([deny, allow]), 'app/db')).toEqual([]);
  const open = build([allow]);
  expect(readersOf(open, 'app/db')).toEqual([partner]);
  expect(open.workloads.find((w) => w.id === partner)).toMatchObject({ kind: 'AWS IAM principal', account: '333333333333' });
});

test('a condition the output cannot decide (aws:SourceVpce) makes the access conditional, with the key named', () => {
  const report = accessReport([assembly({
    S: secretsAndKey({ P: policy([{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'kms:Decrypt'], Resource: '*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } }]) }),
  })]);
  const a = report.resources.find((r) => r.name === 'app/db')!.readers[0];
  expect(a.certainty).toBe('maybe');
  expect(a.notes.join()).toContain('aws:SourceVpce');
});

test('AWS managed policies: AdministratorAccess reads everything; an unknown one is reported as not evaluated', () => {
  const doc = secretsAndKey();
  doc.Resources.Role.Properties.ManagedPolicyArns = [
    { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AdministratorAccess']] },
    'arn:aws:iam::aws:policy/SomethingElse',
  ];
  const report = accessReport([assembly({ S: doc })]);
  expect(readersOf(report, 'app/db')).toEqual(['S/Role']);
  expect(report.warnings.join()).toContain('arn:aws:iam::aws:policy/SomethingElse');
});

test('intrinsics: Fn::ImportValue across stacks, Fn::Sub, and a nested stack whose parameter names the role', () => {
  const data = secretsAndKey({}, []);
  delete data.Resources.Role;
  data.Outputs = {
    DbArn: { Value: { Ref: 'Db' }, Export: { Name: 'data-db-arn' } },
    KeyArn: { Value: { 'Fn::GetAtt': ['Key', 'Arn'] }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-key-arn' } } },
  };
  const apps = {
    Resources: {
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [] } } },
      Grants: {
        Type: 'AWS::CloudFormation::Stack',
        Metadata: { 'aws:asset:path': 'AppsGrants.nested.template.json' },
        Properties: { TemplateURL: 'https://example.invalid/x.json', Parameters: { RoleName: { Ref: 'Role' } } },
      },
    },
  };
  const nested = {
    Parameters: { RoleName: { Type: 'String' } },
    Resources: {
      P: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: {
          Roles: [{ Ref: 'RoleName' }],
          PolicyDocument: {
            Statement: [
              { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { 'Fn::ImportValue': 'data-db-arn' } },
              { Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::ImportValue': { 'Fn::Sub': ['${S}-key-arn', { S: 'Data' }] } } },
            ],
          },
        },
      },
    },
  };
  const report = accessReport([assembly({ Data: data, Apps: apps }, { 'AppsGrants.nested.template.json': nested })]);
  expect(readersOf(report, 'app/db')).toEqual(['Apps/Role']);
  expect(readersOf(report, 'app/other')).toEqual([]);
  expect(report.resources.find((r) => r.name === 'app/db')!.readers[0].via.join()).toContain('Apps/Grants/P');
  expect(report.warnings).toEqual([]);
});

test('writers need PutSecretValue and kms:GenerateDataKey', () => {
  const write = { Effect: 'Allow', Action: 'secretsmanager:PutSecretValue', Resource: `${SECRET_ARN('app/db')}-??????` };
  const onlySecret = accessReport([assembly({ S: secretsAndKey({ P: policy([write]) }) })]);
  expect(onlySecret.resources.find((r) => r.name === 'app/db')!.writers).toEqual([]);
  const withKey = accessReport([assembly({ S: secretsAndKey({ P: policy([write, { Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: '*' }]) }) })]);
  expect(withKey.resources.find((r) => r.name === 'app/db')!.writers.map((a) => a.workload)).toEqual(['S/Role']);
});

test('a role trusted by GitHub OIDC is a GitHub Actions workload, bound by its sub condition; a wider sub is a wider binding', () => {
  const trust = (sub: string) => ({
    Statement: [{
      Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity',
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
      Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, StringLike: { 'token.actions.githubusercontent.com:sub': sub } },
    }],
  });
  const build = (sub: string) => {
    const doc = secretsAndKey({ P: policy([{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'kms:Decrypt'], Resource: '*' }]) });
    doc.Resources.Role.Properties.AssumeRolePolicyDocument = trust(sub);
    return accessReport([assembly({ S: doc })]);
  };
  const before = build('repo:acme/app:environment:production');
  expect(before.workloads.find((w) => w.id === 'S/Role')).toMatchObject({
    kind: 'GitHub Actions (IAM role)',
    binding: { 'StringLike token.actions.githubusercontent.com:sub': ['repo:acme/app:environment:production'] },
  });
  const d = diffReports(before, build('repo:acme/*'));
  expect(d.widened).toBe(true);
  expect(d.changes).toEqual([expect.objectContaining({ change: 'widened', access: 'binding', workload: 'S/Role' })]);
});
