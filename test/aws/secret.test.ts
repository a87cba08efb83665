import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Secret, SecretRotation, SecretsKey } from '../../lib/aws';
import { ACCOUNT, expectKeywardError, grantedActions, grantedResources, grantTagKey, newStack, newTagStack, OTHER_ACCOUNT, SECRET_READ, SECRET_WRITE } from './util';

const NO_ROTATION = SecretRotation.none('test fixture: this secret is never deployed anywhere');
const REPLICA_KEY = 'arn:aws:kms:eu-central-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function role(stack: Stack, id = 'Role'): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
}

describe('Secret', () => {
  test('defaults: per-stack Keyward key (never aws/secretsmanager), retained, generated value', () => {
    const stack = newStack();
    new Secret(stack, 'A', { rotation: NO_ROTATION });
    new Secret(stack, 'B', { rotation: NO_ROTATION });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 1);
    t.hasResource('AWS::SecretsManager::Secret', {
      Properties: {
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KeywardDefaultKey'), 'Arn'] },
        GenerateSecretString: { PasswordLength: 32, RequireEachIncludedType: true },
        Tags: Match.arrayWith([{ Key: 'keyward:value-source', Value: 'generated' }]),
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(JSON.stringify(t.toJSON())).not.toContain('aws/secretsmanager');
  });

  test('name, description, tags, removal policy, own key', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    new Secret(stack, 'S', {
      secretName: 'orders/db', description: 'Orders DB', tags: { team: 'orders' }, encryptionKey: key,
      removalPolicy: RemovalPolicy.DESTROY, rotation: NO_ROTATION,
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 1);
    t.hasResource('AWS::SecretsManager::Secret', {
      Properties: {
        Name: 'orders/db', Description: 'Orders DB', KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
        Tags: Match.arrayWith([{ Key: 'team', Value: 'orders' }]),
      },
      DeletionPolicy: 'Delete',
    });
  });

  test('resource policy denies outside accounts (shared ones allowed), public policies blocked', () => {
    const stack = newStack();
    new Secret(stack, 'S', { sharedWithAccounts: ['333333333333'], rotation: NO_ROTATION });
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::ResourcePolicy', {
      BlockPublicPolicy: true,
      SecretId: { Ref: Match.stringLikeRegexp('^S') },
      ResourcePolicy: {
        Statement: [{
          Sid: 'KeywardDenyOutsideAccounts', Effect: 'Deny', Principal: '*', Action: 'secretsmanager:*', Resource: '*',
          Condition: {
            StringNotEquals: { 'aws:PrincipalAccount': [ACCOUNT, '333333333333'] },
            BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
          },
        }, {
          // Tag-mode grants read keyward:* tags: only the deployment path may change them.
          Sid: 'KeywardDenyAccessTagChanges', Effect: 'Deny', Principal: '*',
          Action: ['secretsmanager:TagResource', 'secretsmanager:UntagResource'], Resource: '*',
          Condition: {
            'ForAnyValue:StringLike': { 'aws:TagKeys': ['keyward:*', '???????:??????:*'] },
            'ArnNotLike': { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-eu-west-1` },
            'ForAllValues:StringNotEquals': { 'aws:CalledVia': 'cloudformation.amazonaws.com' },
          },
        }],
      },
    });
  });

  test('tagAdministrators join the deployment role in the keyward:* tag deny; anything but an IAM/STS ARN is refused', () => {
    const stack = newStack();
    new Secret(stack, 'S', { tagAdministrators: ['arn:aws:iam::111111111111:role/break-glass'], rotation: NO_ROTATION });
    const deny = (Object.values(Template.fromStack(stack).findResources('AWS::SecretsManager::ResourcePolicy'))[0] as any)
      .Properties.ResourcePolicy.Statement.find((x: any) => x.Sid === 'KeywardDenyAccessTagChanges');
    expect(deny.Condition.ArnNotLike['aws:PrincipalArn']).toEqual([
      `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-eu-west-1`,
      'arn:aws:iam::111111111111:role/break-glass',
    ]);
    expectKeywardError(() => new Secret(newStack(), 'T', { tagAdministrators: ['break-glass'] }), 'Svc/T', 'tag-administrators');
  });

  test('replicas carry their region keys; grants cover replica regions and keys', () => {
    const stack = newStack();
    const s = new Secret(stack, 'S', {
      rotation: NO_ROTATION,
      replicas: [{ region: 'eu-central-1', encryptionKey: SecretsKey.fromKeyArn(stack, 'RK', REPLICA_KEY) }],
    });
    s.grantRead(role(stack));
    const t = Template.fromStack(stack);
    const replicaArn = {
      'Fn::Join': ['', ['arn:aws:secretsmanager:eu-central-1:111111111111:secret:',
        { 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: Match.stringLikeRegexp('^S') }] }] }]],
    };
    t.hasResourceProperties('AWS::SecretsManager::Secret', { ReplicaRegions: [{ Region: 'eu-central-1', KmsKeyId: REPLICA_KEY }] });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          // Exact mode: the secret's ARN and the replica's, built from it (same name and suffix, the replica's region).
          Match.objectLike({ Sid: 'KeywardRead', Resource: [{ Ref: Match.stringLikeRegexp('^S') }, replicaArn] }),
          Match.objectLike({
            Sid: 'KeywardSecretsKeys',
            Resource: [Match.anyValue(), REPLICA_KEY],
            Condition: {
              StringEquals: { 'kms:ViaService': ['secretsmanager.eu-west-1.amazonaws.com', 'secretsmanager.eu-central-1.amazonaws.com'] },
              StringLike: { 'kms:EncryptionContext:SecretARN': [{ Ref: Match.stringLikeRegexp('^S') }, replicaArn] },
            },
          }),
        ]),
      },
    });
  });

  test('exact mode (default): a named secret is granted by name pattern, tagged nothing, read + write listed apart', () => {
    const stack = newStack();
    const s = new Secret(stack, 'S', { secretName: 'orders/db', rotation: NO_ROTATION });
    const r = role(stack);
    const read = s.grantRead(r);
    const write = s.grantWrite(r);
    const pattern = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders/db-??????';
    expect(grantTagKey(read)).toBeUndefined();
    expect(grantedActions(read)).toEqual([SECRET_READ, ['kms:Decrypt']]);
    expect(grantedActions(write)).toEqual([SECRET_WRITE, ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']]);
    expect(grantedResources(read)).toEqual(['arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders/db-??????']);
    expect(read.success).toBe(true);
    const t = Template.fromStack(stack);
    const tags = (Object.values(t.findResources('AWS::SecretsManager::Secret'))[0] as any).Properties.Tags.map((x: any) => x.Key);
    expect(tags.filter((k: string) => k.startsWith('keyward:access:'))).toEqual([]);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          { Sid: 'KeywardRead', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: pattern },
          { Sid: 'KeywardWrite', Effect: 'Allow', Action: ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'], Resource: pattern },
          {
            Sid: 'KeywardSecretsKeys', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KeywardDefaultKey'), 'Arn'] },
            Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' }, StringLike: { 'kms:EncryptionContext:SecretARN': pattern } },
          },
        ],
      },
    });
  });

  test('tag mode: grantRead tags the secret and adds the attribute-based statements; read + write merge to read-write', () => {
    const stack = newTagStack();
    const s = new Secret(stack, 'S', { rotation: NO_ROTATION });
    const r = role(stack);
    const read = s.grantRead(r);
    expect(grantTagKey(read)).toMatch(/^keyward:access:[0-9a-f]{12}$/);
    expect(grantedActions(read)).toEqual([SECRET_READ, ['kms:Decrypt']]);
    let t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SecretsManager::Secret', { Tags: Match.arrayWith([{ Key: grantTagKey(read)!, Value: 'read' }]) });
    const stack2 = newTagStack('Svc2');
    const s2 = new Secret(stack2, 'S', { rotation: NO_ROTATION });
    const r2 = role(stack2);
    s2.grantRead(r2);
    const write = s2.grantWrite(r2);
    t = Template.fromStack(stack2);
    t.hasResourceProperties('AWS::SecretsManager::Secret', { Tags: Match.arrayWith([{ Key: grantTagKey(write)!, Value: 'read-write' }]) });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'KeywardWriteTagged', Action: ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
            Condition: { StringEquals: { [`aws:ResourceTag/${grantTagKey(write)}`]: ['write', 'read-write'] } },
          }),
          Match.objectLike({ Sid: 'KeywardSecretsKeys', Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] }),
        ]),
      },
    });
  });

  test('cross-account reader: resource-policy and key-policy statements, account allowed, no workload policy', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    const s = new Secret(stack, 'S', { encryptionKey: key, secretName: 'orders/db', rotation: NO_ROTATION });
    const reader = `arn:aws:iam::${OTHER_ACCOUNT}:role/auditor`;
    const grant = s.grantRead(iam.Role.fromRoleArn(stack, 'Auditor', reader));
    expect(grant.principalStatements).toHaveLength(0);
    expect(grant.resourceStatements).toHaveLength(2);
    expect(grant.success).toBe(true);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    t.hasResourceProperties('AWS::SecretsManager::ResourcePolicy', {
      ResourcePolicy: {
        Statement: [
          Match.objectLike({ Condition: Match.objectLike({ StringNotEquals: { 'aws:PrincipalAccount': [ACCOUNT, OTHER_ACCOUNT] } }) }),
          Match.objectLike({ Sid: 'KeywardDenyAccessTagChanges' }),
          { Sid: 'KeywardCrossAccountRead', Effect: 'Allow', Principal: { AWS: reader }, Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: '*' },
        ],
      },
    });
    const pattern = (name: string) => (`arn:aws:secretsmanager:eu-west-1:111111111111:secret:${name}-??????`);
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { AWS: reader }, Action: 'kms:Decrypt',
          Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' }, StringLike: { 'kms:EncryptionContext:SecretARN': pattern('orders/db') } },
        })]),
      },
    });
  });

  test('cross-account readers: one key-policy statement per principal listing exactly its secrets; one resource-policy statement per action', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    const a = new Secret(stack, 'A', { encryptionKey: key, secretName: 'a', rotation: NO_ROTATION });
    const b = new Secret(stack, 'B', { encryptionKey: key, secretName: 'b', rotation: NO_ROTATION });
    const r1 = iam.Role.fromRoleArn(stack, 'R1', `arn:aws:iam::${OTHER_ACCOUNT}:role/one`);
    const r2 = iam.Role.fromRoleArn(stack, 'R2', `arn:aws:iam::${OTHER_ACCOUNT}:role/two`);
    a.grantRead(r1);
    b.grantRead(r1);
    a.grantRead(r2);
    const t = Template.fromStack(stack).toJSON();
    const keyStatements = (Object.values(t.Resources).find((x: any) => x.Type === 'AWS::KMS::Key') as any).Properties.KeyPolicy.Statement
      .filter((x: any) => x.Principal.AWS !== undefined && typeof x.Principal.AWS === 'string' && x.Principal.AWS.includes(OTHER_ACCOUNT));
    const pattern = (name: string) => (`arn:aws:secretsmanager:eu-west-1:111111111111:secret:${name}-??????`);
    expect(keyStatements.map((x: any) => [x.Principal.AWS, x.Condition.StringLike['kms:EncryptionContext:SecretARN']])).toEqual([
      [`arn:aws:iam::${OTHER_ACCOUNT}:role/one`, [pattern('a'), pattern('b')]],
      [`arn:aws:iam::${OTHER_ACCOUNT}:role/two`, pattern('a')],
    ]);
    const policyOfA = Object.values(t.Resources).filter((x: any) => x.Type === 'AWS::SecretsManager::ResourcePolicy')
      .map((x: any) => x.Properties.ResourcePolicy.Statement.find((st: any) => st.Sid === 'KeywardCrossAccountRead'))
      .find((st: any) => Array.isArray(st.Principal.AWS));
    expect(policyOfA.Principal.AWS).toEqual([`arn:aws:iam::${OTHER_ACCOUNT}:role/one`, `arn:aws:iam::${OTHER_ACCOUNT}:role/two`]);
  });

  test('a cross-account grant needs a secret name (the key policy cannot reference the secret it encrypts)', () => {
    const stack = newStack();
    const s = new Secret(stack, 'S', { encryptionKey: new SecretsKey(stack, 'Key'), rotation: NO_ROTATION });
    expectKeywardError(() => s.grantRead(iam.Role.fromRoleArn(stack, 'A', `arn:aws:iam::${OTHER_ACCOUNT}:role/a`)), 'Svc/S', 'cross-account-name', /secretName/);
  });

  test('200 cross-account reader roles: the key policy fails at synth over 32 KB (path + rule), the secret policy stays under 20 KB', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    const s = new Secret(stack, 'S', { encryptionKey: key, secretName: 'shared/db', rotation: NO_ROTATION });
    for (let i = 0; i < 200; i++) {
      s.grantRead(iam.Role.fromRoleArn(stack, `R${i}`, `arn:aws:iam::${OTHER_ACCOUNT}:role/reader-role-of-team-number-${i}`));
    }
    expect(() => Template.fromStack(stack)).toThrow(/Svc\/Key: the key policy would be [\d,]+ bytes once resolved, over KMS's 32,768.*\[keyward:key-policy-size\]/);
    expect(() => Template.fromStack(stack)).not.toThrow(/secret-policy-size/);
  });

  test('a secret resource policy over 20 KB fails at synth (path + rule)', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    const s = new Secret(stack, 'S', { encryptionKey: key, secretName: 'shared/db', rotation: NO_ROTATION });
    for (let i = 0; i < 260; i++) {
      s.grantRead(iam.Role.fromRoleArn(stack, `R${i}`, `arn:aws:iam::${OTHER_ACCOUNT}:role/a-rather-long-reader-role-name-of-team-${i}`));
      s.grantWrite(iam.Role.fromRoleArn(stack, `W${i}`, `arn:aws:iam::${OTHER_ACCOUNT}:role/a-rather-long-writer-role-name-of-team-${i}`));
    }
    expect(() => Template.fromStack(stack)).toThrow(/Svc\/S: the secret's resource policy would be [\d,]+ characters once resolved, over Secrets Manager's 20,480.*\[keyward:secret-policy-size\]/);
  });

  test('cross-account reader of a secret under an imported key throws', () => {
    const stack = newStack();
    const s = new Secret(stack, 'S', {
      encryptionKey: SecretsKey.fromKeyArn(stack, 'K', 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
      secretName: 'orders/db',
      rotation: NO_ROTATION,
    });
    expectKeywardError(() => s.grantRead(iam.Role.fromRoleArn(stack, 'A', `arn:aws:iam::${OTHER_ACCOUNT}:role/a`)), 'Svc/K', 'imported-key');
    // Nothing half-done: the resource policy neither allows the role nor its account.
    const statements = Object.values<any>(Template.fromStack(stack).findResources('AWS::SecretsManager::ResourcePolicy'))[0].Properties.ResourcePolicy.Statement;
    expect(statements.map((x: any) => x.Sid)).toEqual(['KeywardDenyOutsideAccounts', 'KeywardDenyAccessTagChanges']);
    expect(statements[0].Condition.StringNotEquals['aws:PrincipalAccount']).toBe(ACCOUNT);
  });

  test('env-agnostic stack + principal with a concrete account cannot be decided', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const s = new Secret(stack, 'S', { rotation: NO_ROTATION });
    expectKeywardError(() => s.grantRead(iam.Role.fromRoleArn(stack, 'A', `arn:aws:iam::${OTHER_ACCOUNT}:role/a`)), 'Agnostic/S', 'cross-account', /explicit env.account/);
  });

  test('more than 50 tags (tag mode): clear error pointing to SecretGroup', () => {
    const stack = newTagStack();
    const tags: { [k: string]: string } = {};
    for (let i = 0; i < 45; i++) {
      tags[`t${i}`] = 'v';
    }
    const s = new Secret(stack, 'S', { tags, rotation: NO_ROTATION });
    for (let i = 0; i < 3; i++) {
      s.grantRead(role(stack, `R${i}`));
    }
    expectKeywardError(() => s.grantRead(role(stack, 'R3')), 'Svc/S', 'tag-limit', /SecretGroup/);
  });

  describe('imports', () => {
    const complete = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared/db-AbC123';
    const partial = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared/db';
    const keyArn = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

    test.each([
      ['complete ARN', (st: Stack) => Secret.fromSecretCompleteArn(st, 'I', complete, { awsManagedKey: true }), complete],
      ['partial ARN', (st: Stack) => Secret.fromSecretPartialArn(st, 'I', partial, { awsManagedKey: true }), `${partial}-??????`],
    ])('%s: exact statement', (_name, make, expected) => {
      const stack = newStack();
      const s = make(stack);
      expect(s.keywardOwned).toBe(false);
      const g = s.grantRead(role(stack));
      expect(grantedResources(g)).toEqual([expected]);
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([{ Sid: 'KeywardRead', Effect: 'Allow', Action: Match.anyValue(), Resource: expected }]) },
      });
    });

    test('by name: this stack\'s account and region, -?????? pattern, key via Secrets Manager', () => {
      const stack = newStack();
      const s = Secret.fromSecretName(stack, 'I', 'shared/db', { encryptionKey: SecretsKey.fromKeyArn(stack, 'K', keyArn) });
      expect(s.secretArnForPolicies).toBe('arn:${Token[AWS.Partition.8]}:secretsmanager:eu-west-1:111111111111:secret:shared/db-??????'.replace(/\$\{Token\[AWS\.Partition\.\d+\]\}/, stack.partition));
      s.grantRead(role(stack));
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Sid: 'KeywardRead', Resource: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared/db-??????' }),
            Match.objectLike({ Sid: 'KeywardSecretsKeys', Resource: keyArn }),
          ]),
        },
      });
    });

    test('errors: incomplete "complete" ARN, ambiguous partial ARN, bad name, unknown key', () => {
      expectKeywardError(() => Secret.fromSecretCompleteArn(newStack(), 'I', partial), 'Svc/I', 'secret-arn', /not complete/);
      expectKeywardError(() => Secret.fromSecretPartialArn(newStack(), 'I', complete), 'Svc/I', 'secret-arn', /cannot be told apart/);
      expectKeywardError(() => Secret.fromSecretPartialArn(newStack(), 'I', 'arn:aws:s3:::x'), 'Svc/I', 'secret-arn');
      expectKeywardError(() => Secret.fromSecretName(newStack(), 'I', 'bad name'), 'Svc/I', 'secret-name');
      expectKeywardError(() => Secret.fromSecretName(newStack(), 'I', 'shared/db-AbC123'), 'Svc/I', 'secret-name', /partial-ARN.*fromSecretCompleteArn/);
      const stack = newStack();
      const s = Secret.fromSecretName(stack, 'I', 'shared/db');
      expectKeywardError(() => s.grantRead(role(stack)), 'Svc/I', 'imported-secret-key', /awsManagedKey/);
    });

    test('a secret of another account under aws/secretsmanager cannot be granted: that key cannot be used cross-account', () => {
      const stack = newStack();
      const foreign = 'arn:aws:secretsmanager:eu-west-1:333333333333:secret:shared/db-AbC123';
      const s = Secret.fromSecretCompleteArn(stack, 'I', foreign, { awsManagedKey: true });
      expectKeywardError(() => s.grantRead(role(stack)), 'Svc/I', 'imported-secret-key',
        /account 333333333333.*aws\/secretsmanager.*111111111111/);
      expectKeywardError(() => s.grantWrite(role(stack, 'W')), 'Svc/I', 'imported-secret-key');
      // Under a customer-managed key (whose policy can trust the reader's account) the grant is made.
      const k = Secret.fromSecretCompleteArn(stack, 'J', foreign, {
        encryptionKey: SecretsKey.fromKeyArn(stack, 'K', 'arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
      });
      expect(grantedResources(k.grantRead(role(stack, 'R2')))).toEqual([foreign]);
    });

    test('a principal of another account cannot get a workload policy here', () => {
      const stack = newStack();
      // (Under aws/secretsmanager the grant is refused earlier, for the key: see above.)
      const s = Secret.fromSecretName(stack, 'I', 'shared/db', { encryptionKey: SecretsKey.fromKeyArn(stack, 'K', keyArn) });
      expectKeywardError(() => s.grantRead(iam.Role.fromRoleArn(stack, 'F', `arn:aws:iam::${OTHER_ACCOUNT}:role/x`)), 'Svc/F', 'workload-principal');
      const m = Secret.fromSecretName(stack, 'M', 'shared/db', { awsManagedKey: true });
      expectKeywardError(() => m.grantRead(iam.Role.fromRoleArn(stack, 'G', `arn:aws:iam::${OTHER_ACCOUNT}:role/x`)), 'Svc/M', 'imported-secret-key');
    });
  });

  describe('validation errors name the construct and the rule', () => {
    test('invalid names', () => {
      expectKeywardError(() => new Secret(newStack(), 'Db', { secretName: 'db-AbC123' }), 'Svc/Db', 'secret-name', /partial-ARN/);
      expectKeywardError(() => new Secret(newStack(), 'Db', { secretName: 'my secret' }), 'Svc/Db', 'secret-name', /may only contain/);
      expectKeywardError(() => new Secret(newStack(), 'Db', { secretName: 'x'.repeat(513) }), 'Svc/Db', 'secret-name', /512/);
    });
    test('duplicate name in a stack', () => {
      const stack = newStack();
      new Secret(stack, 'A', { secretName: 'orders/db', rotation: NO_ROTATION });
      expectKeywardError(() => new Secret(stack, 'B', { secretName: 'orders/db' }), 'Svc/B', 'duplicate-secret-name', /already used by Svc\/A/);
      // Another stack of the app in the same account and region may not (the name is unique there); one in another region may.
      expectKeywardError(() => new Secret(newStack('Other', stack.node.root as App), 'A', { secretName: 'orders/db' }),
        'Other/A', 'duplicate-secret-name', /Svc\/A in account 111111111111, region eu-west-1/);
      const elsewhere = new Stack(stack.node.root as App, 'Frankfurt', { env: { account: ACCOUNT, region: 'eu-central-1' } });
      expect(() => new Secret(elsewhere, 'A', { secretName: 'orders/db', rotation: NO_ROTATION })).not.toThrow();
    });
    test('replica region problems', () => {
      const stack = newStack();
      const k = SecretsKey.fromKeyArn(stack, 'K', REPLICA_KEY);
      expectKeywardError(() => new Secret(stack, 'A', { replicas: [{ region: 'eu-centrl', encryptionKey: k }] }), 'Svc/A', 'replica-region', /not an AWS region/);
      expectKeywardError(() => new Secret(stack, 'B', { replicas: [{ region: 'eu-west-1', encryptionKey: k }] }), 'Svc/B', 'replica-region', /own region/);
      expectKeywardError(() => new Secret(stack, 'C', { replicas: [{ region: 'us-east-1', encryptionKey: k }] }), 'Svc/C', 'replica-key', /must be in the replica's region/);
    });
    test('reserved tag and shared account', () => {
      expectKeywardError(() => new Secret(newStack(), 'A', { tags: { 'keyward:access:x': 'read' } }), 'Svc/A', 'reserved-tag');
      expectKeywardError(() => new Secret(newStack(), 'A', { tags: { 'Keyward:access:x': 'read' } }), 'Svc/A', 'reserved-tag', /"Keyward:access:x"/);
      expectKeywardError(() => new Secret(newStack(), 'A', { tags: { 'KEYWARD:ACCESS:x': 'read' } }), 'Svc/A', 'reserved-tag');
      expectKeywardError(() => new Secret(newStack(), 'A', { sharedWithAccounts: ['123'] }), 'Svc/A', 'shared-account');
    });
    test.each(['keyward:access:dtool', 'KEYWARD:Access:dtool', 'Keyward:value-source'])('a %s tag added from outside fails synthesis', (key) => {
      const stack = newStack();
      const s = new Secret(stack, 'Db', { rotation: NO_ROTATION });
      s.grantRead(role(stack));
      Tags.of(stack).add(key, 'read');
      expect(() => Template.fromStack(stack)).toThrow(new RegExp(`Svc/Db: tag "${key}" was not set by Keyward.*\\[keyward:reserved-tag\\]`));
    });
    test('a Keyward access tag changed or removed from outside fails synthesis', () => {
      const stack = newTagStack();
      const s = new Secret(stack, 'Db', { rotation: NO_ROTATION });
      const grant = s.grantRead(role(stack));
      Tags.of(stack).add(grantTagKey(grant)!, 'read-write');
      expect(() => Template.fromStack(stack)).toThrow(/Svc\/Db: tag "keyward:access:\w+" was changed from "read" to "read-write" outside Keyward.*\[keyward:reserved-tag\]/);
      const other = newTagStack();
      const t = new Secret(other, 'Db', { rotation: NO_ROTATION });
      const g = t.grantRead(role(other));
      Tags.of(other).remove(grantTagKey(g)!);
      expect(() => Template.fromStack(other)).toThrow(/Svc\/Db: tag "keyward:access:\w+" set by Keyward was removed.*\[keyward:reserved-tag\]/);
    });
    test('Keyward\'s own tags and ordinary outside tags pass synthesis', () => {
      const stack = newStack();
      const s = new Secret(stack, 'Db', { rotation: NO_ROTATION, tags: { team: 'orders' } });
      s.grantRead(role(stack));
      Tags.of(stack).add('cost-center', '42');
      const tags = (Object.values(Template.fromStack(stack).findResources('AWS::SecretsManager::Secret'))[0] as any).Properties.Tags;
      expect(tags.map((t: any) => t.Key)).toEqual(expect.arrayContaining(['team', 'cost-center', 'keyward:value-source', 'keyward:rotation']));
    });
    test('no rotation decision fails synthesis', () => {
      const stack = newStack();
      new Secret(stack, 'Undecided');
      expect(() => Template.fromStack(stack)).toThrow(/Svc\/Undecided: secret has no rotation decision.*\[keyward:rotation-decision\]/);
    });
    test('nothing half-synthesized: a failed Keyward validation writes no template, not even for the valid stacks', () => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-synth-'));
      try {
        const app = new App({ outdir });
        new Secret(newStack('Valid', app), 'S', { rotation: NO_ROTATION });
        new Secret(newStack('Invalid', app), 'Undecided');
        expect(() => app.synth()).toThrow(/Invalid\/Undecided: .*\[keyward:rotation-decision\]/);
        expect(fs.readdirSync(outdir).filter(f => f.endsWith('.json'))).toEqual([]);
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    });
  });
});
