import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GrantMode, Secret, SecretGroup, SecretRotation, WorkloadPolicy } from '../../lib/aws';
import { expectKeywardError, grantedActions, grantTagKey, newStack, newTagStack, OTHER_ACCOUNT, REGION, SECRET_READ } from './util';

const NO_ROTATION = SecretRotation.none('test fixture: this secret is never deployed anywhere');

describe('SecretGroup', () => {
  test('exact mode (default): a grant lists every member, later members included; members carry no group tag', () => {
    const stack = newStack();
    const a = new Secret(stack, 'A', { secretName: 'shared/a', rotation: NO_ROTATION });
    const group = new SecretGroup(stack, 'Shared', { groupName: 'shared-config', secrets: [a] });
    const r = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const grant = group.grantRead(r);
    group.addSecret(new Secret(stack, 'B', { secretName: 'shared/b', rotation: NO_ROTATION }));
    expect(grantTagKey(grant)).toBeUndefined();
    expect(grantedActions(grant)).toEqual([SECRET_READ, ['kms:Decrypt']]);
    const t = Template.fromStack(stack);
    expect(JSON.stringify(t.findResources('AWS::SecretsManager::Secret'))).not.toContain('keyward:access:');
    const pattern = (name: string) => (`arn:aws:secretsmanager:eu-west-1:111111111111:secret:${name}-??????`);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Sid: 'KeywardRead', Resource: [pattern('shared/a'), pattern('shared/b')] }),
          Match.objectLike({ Sid: 'KeywardSecretsKeys', Condition: Match.objectLike({ StringLike: { 'kms:EncryptionContext:SecretARN': [pattern('shared/a'), pattern('shared/b')] } }) }),
        ],
      },
    });
  });

  test('a group in tag mode is granted by its tag even to an exact-mode workload; the workload\'s other grants stay exact', () => {
    const stack = newStack();
    const group = new SecretGroup(stack, 'G', { groupName: 'tagged-group', grantMode: GrantMode.TAG });
    group.addSecret(new Secret(stack, 'A', { secretName: 'a', rotation: NO_ROTATION }));
    const r = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    expect(grantTagKey(group.grantRead(r))).toEqual('keyward:access:tagged-group');
    new Secret(stack, 'B', { secretName: 'b', rotation: NO_ROTATION }).grantRead(r);
    expect(WorkloadPolicy.of(r).grantMode).toBe(GrantMode.EXACT);
    const statements = (Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))[0] as any).Properties.PolicyDocument.Statement;
    expect(statements.map((x: any) => x.Sid)).toEqual(['KeywardReadGrouptaggedgroup', 'KeywardRead', 'KeywardSecretsKeys', 'KeywardDenyAccessTagChanges']);
  });

  test('tag mode: members carry one group tag; a workload granted the group gets one statement; later members included', () => {
    const stack = newTagStack();
    const a = new Secret(stack, 'A', { rotation: NO_ROTATION });
    const group = new SecretGroup(stack, 'Shared', { groupName: 'shared-config', secrets: [a] });
    const r = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const grant = group.grantRead(r);
    new Secret(stack, 'B', { rotation: NO_ROTATION });
    group.addSecret(stack.node.findChild('B') as Secret);
    expect(grantTagKey(grant)).toEqual('keyward:access:shared-config');
    expect(grantedActions(grant)).toEqual([SECRET_READ, ['kms:Decrypt']]);
    const t = Template.fromStack(stack);
    expect(Object.values(t.findResources('AWS::SecretsManager::Secret')).map((s: any) => s.Properties.Tags.find((x: any) => x.Key === 'keyward:access:shared-config')?.Value))
      .toEqual(['member', 'member']);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'KeywardReadGroupsharedconfig',
            Resource: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:*',
            Condition: { StringEquals: { 'aws:ResourceTag/keyward:access:shared-config': 'member' } },
          }),
          Match.objectLike({ Sid: 'KeywardSecretsKeys' }),
        ]),
      },
    });
  });

  test('many workloads on a group add no tags to the members (the way past 50 tags)', () => {
    const stack = newTagStack();
    const s = new Secret(stack, 'S', { rotation: NO_ROTATION });
    const group = new SecretGroup(stack, 'G', { secrets: [s] });
    for (let i = 0; i < 100; i++) {
      group.grantRead(new iam.Role(stack, `R${i}`, { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') }));
    }
    const tags = (Object.values(Template.fromStack(stack).findResources('AWS::SecretsManager::Secret'))[0] as any).Properties.Tags;
    expect(tags.map((x: any) => x.Key).sort()).toEqual(['keyward:access:' + group.groupId, 'keyward:rotation', 'keyward:value-source'].sort());
  });

  test('a member in another account than the group is refused (its grant could never work)', () => {
    const app = new App();
    const group = new SecretGroup(newStack('Svc', app), 'G', { groupName: 'g-accounts' });
    const other = new Stack(app, 'Other', { env: { account: '333333333333', region: REGION } });
    const s = new Secret(other, 'S', { rotation: NO_ROTATION });
    expectKeywardError(() => group.addSecret(s), 'Svc/G', 'group-member', /Other\/S is in account 333333333333.*111111111111/);
    expect(group.secrets).toHaveLength(0);
    expectKeywardError(() => new SecretGroup(newStack('Svc2', app), 'G', { secrets: [s] }), 'Svc2/G', 'group-member');
    // Same account, other stack: accepted.
    group.addSecret(new Secret(newStack('Same', app), 'S', { rotation: NO_ROTATION }));
    expect(group.secrets).toHaveLength(1);
  });

  test('errors: imported member, cross-account grantee, name clash', () => {
    const stack = newStack();
    const group = new SecretGroup(stack, 'G', { groupName: 'g1' });
    expectKeywardError(() => group.addSecret(Secret.fromSecretName(stack, 'I', 'x', { awsManagedKey: true })), 'Svc/G', 'group-member');
    expectKeywardError(() => group.grantRead(iam.Role.fromRoleArn(stack, 'F', `arn:aws:iam::${OTHER_ACCOUNT}:role/f`)), 'Svc/G', 'group-cross-account');
    expectKeywardError(() => new SecretGroup(stack, 'H', { groupName: 'g1' }), 'Svc/H', 'access-name', /already used/);
  });
});
