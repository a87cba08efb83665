import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SecretsKey } from '../../lib/aws';
import { expectKeywardError, grantedActions, grantedResources, newStack, OTHER_ACCOUNT } from './util';

describe('SecretsKey', () => {
  test('defaults: rotation on every 365 days, 30-day window, retained, root-only key policy', () => {
    const stack = newStack();
    new SecretsKey(stack, 'Key');
    const t = Template.fromStack(stack);
    t.hasResource('AWS::KMS::Key', {
      Properties: {
        EnableKeyRotation: true,
        RotationPeriodInDays: 365,
        PendingWindowInDays: 30,
        KeyPolicy: { Statement: [Match.objectLike({ Action: 'kms:*', Principal: { AWS: Match.anyValue() } })] },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    t.resourceCountIs('AWS::KMS::Alias', 0);
  });

  test('alias, periods, multi-region, removal policy', () => {
    const stack = newStack();
    new SecretsKey(stack, 'Key', {
      alias: 'alias/orders/secrets', rotationPeriod: Duration.days(90), pendingWindow: Duration.days(7),
      multiRegion: true, removalPolicy: RemovalPolicy.DESTROY,
    });
    const t = Template.fromStack(stack);
    t.hasResource('AWS::KMS::Key', {
      Properties: { RotationPeriodInDays: 90, PendingWindowInDays: 7, MultiRegion: true },
      DeletionPolicy: 'Delete',
    });
    t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/orders/secrets' });
  });

  test('administrators are in the key policy with management actions only', () => {
    const stack = newStack();
    new SecretsKey(stack, 'Key', { administrators: [new iam.ArnPrincipal('arn:aws:iam::111111111111:role/key-admins')] });
    const statements = Template.fromStack(stack).findResources('AWS::KMS::Key');
    const admin = (Object.values(statements)[0] as any).Properties.KeyPolicy.Statement.find((s: any) => s.Sid === 'KeywardAdministrators');
    expect(admin.Principal).toEqual({ AWS: 'arn:aws:iam::111111111111:role/key-admins' });
    expect(admin.Action).toContain('kms:ScheduleKeyDeletion');
    expect(admin.Action.filter((a: string) => /Decrypt|Encrypt|GenerateDataKey/.test(a))).toEqual([]);
    // Nothing that can hand out decryption: no key policy change, no grant, no tag or alias (attribute-based policies
    // may trust them), and no wildcard that would include any of these.
    const granting = ['kms:PutKeyPolicy', 'kms:CreateGrant', 'kms:TagResource', 'kms:UntagResource', 'kms:CreateAlias', 'kms:UpdateAlias',
      'kms:DeleteAlias', 'kms:ReplicateKey', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:GenerateDataKey'];
    const like = (pattern: string, action: string) => new RegExp(`^${pattern.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(action);
    for (const action of granting) {
      expect({ action, allowedBy: admin.Action.filter((p: string) => like(p, action)) }).toEqual({ action, allowedBy: [] });
    }
  });

  test('administratorsMayGrantUse: the explicit opt-in adds PutKeyPolicy, CreateGrant, tags and aliases', () => {
    const stack = newStack();
    new SecretsKey(stack, 'Key', { administrators: [new iam.ArnPrincipal('arn:aws:iam::111111111111:role/key-admins')], administratorsMayGrantUse: true });
    const admin = (Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0] as any).Properties.KeyPolicy.Statement
      .find((s: any) => s.Sid === 'KeywardAdministrators');
    expect(admin.Action).toEqual(expect.arrayContaining(['kms:PutKeyPolicy', 'kms:CreateGrant', 'kms:TagResource', 'kms:CreateAlias']));
    expectKeywardError(() => new SecretsKey(newStack(), 'Key', { administratorsMayGrantUse: true }), 'Svc/Key', 'key-administrators');
  });

  test('grantDecrypt / grantEncryptDecrypt go to the workload policy, never the key policy', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    const keyResource = () => JSON.stringify(stack.resolve((key.node.findChild('Resource').node.defaultChild as any)._toCloudFormation()));
    const before = keyResource();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const g1 = key.grantDecrypt(role);
    const g2 = key.grantEncryptDecrypt(role);
    expect(grantedActions(g1)).toEqual([['kms:Decrypt']]);
    expect(grantedActions(g2)).toEqual([['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*']]);
    expect(grantedResources(g1)).toEqual([key.keyArn]);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    t.resourceCountIs('AWS::IAM::Policy', 0);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Sid: 'KeywardKeyDecrypt', Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
          Match.objectLike({ Sid: 'KeywardKeyEncrypt', Action: ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'] }),
        ]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^Role') }],
    });
    expect(keyResource()).toEqual(before);
  });

  test('a direct grant to another account goes to the key policy', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    const grant = key.grantDecrypt(iam.Role.fromRoleArn(stack, 'Foreign', `arn:aws:iam::${OTHER_ACCOUNT}:role/reader`));
    expect(grant.principalStatements).toHaveLength(0);
    expect(grant.resourceStatements).toHaveLength(1);
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:role/reader` }, Action: 'kms:Decrypt' })]) },
    });
  });

  test('imported keys: grants on the workload side; cross-account grants throw', () => {
    const stack = newStack();
    const key = SecretsKey.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(key.keyRegion).toBe('eu-west-1');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    key.grantDecrypt(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'KeywardKeyDecrypt', Resource: key.keyArn })]) },
    });
    expectKeywardError(() => key.grantDecrypt(iam.Role.fromRoleArn(stack, 'F', `arn:aws:iam::${OTHER_ACCOUNT}:role/r`)), 'Svc/Imported', 'imported-key');
  });

  describe('validation errors name the construct and the rule', () => {
    test('alias in the aws namespace', () => {
      expectKeywardError(() => new SecretsKey(newStack(), 'Key', { alias: 'alias/aws/secretsmanager' }), 'Svc/Key', 'key-alias', /reserved/);
    });
    test('alias without prefix', () => {
      expectKeywardError(() => new SecretsKey(newStack(), 'Key', { alias: 'orders' }), 'Svc/Key', 'key-alias');
    });
    test('rotation period out of range', () => {
      expectKeywardError(() => new SecretsKey(newStack(), 'Key', { rotationPeriod: Duration.days(30) }), 'Svc/Key', 'key-rotation-period', /90 to 2560/);
      expectKeywardError(() => new SecretsKey(newStack(), 'Key', { rotationPeriod: Duration.days(3000) }), 'Svc/Key', 'key-rotation-period');
    });
    test('pending window out of range', () => {
      expectKeywardError(() => new SecretsKey(newStack(), 'Key', { pendingWindow: Duration.days(6) }), 'Svc/Key', 'key-pending-window', /7 to 30/);
      expectKeywardError(() => new SecretsKey(newStack(), 'Key', { pendingWindow: Duration.days(31) }), 'Svc/Key', 'key-pending-window');
    });
    test('imported key by alias ARN or garbage', () => {
      expectKeywardError(() => SecretsKey.fromKeyArn(newStack(), 'K', 'arn:aws:kms:eu-west-1:111111111111:alias/aws/secretsmanager'), 'Svc/K', 'key-arn', /alias ARNs/);
      expectKeywardError(() => SecretsKey.fromKeyArn(newStack(), 'K', 'not-an-arn'), 'Svc/K', 'key-arn', /not an ARN/);
      expectKeywardError(() => SecretsKey.fromKeyArn(newStack(), 'K', 'arn:aws:kms:eu-wst:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab'), 'Svc/K', 'key-arn', /region/);
    });
  });
});
