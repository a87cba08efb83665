import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Secret, SecretGroup, SecretRotation } from '../../lib/aws';
import { expectKeywardError, newStack, OTHER_ACCOUNT, REGION } from './util';

const NO_ROTATION = SecretRotation.none('test fixture: this secret is never deployed anywhere');

describe('SecretGroup', () => {
  test('members carry one group tag; a workload granted the group gets one statement; later members included', () => {
    const stack = newStack();
    const a = new Secret(stack, 'A', { rotation: NO_ROTATION });
    const group = new SecretGroup(stack, 'Shared', { groupName: 'shared-config', secrets: [a] });
    const r = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const grant = group.grantRead(r);
    new Secret(stack, 'B', { rotation: NO_ROTATION });
    group.addSecret(stack.node.findChild('B') as Secret);
    expect(grant.resourceTag).toEqual({ key: 'keyward:access:shared-config', value: 'member' });
    expect(grant.statementIds).toEqual(['KeywardReadGroupsharedconfig', 'KeywardSecretsKeys']);
    const t = Template.fromStack(stack);
    expect(Object.values(t.findResources('AWS::SecretsManager::Secret')).map((s: any) => s.Properties.Tags.find((x: any) => x.Key === 'keyward:access:shared-config')?.Value))
      .toEqual(['member', 'member']);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'KeywardReadGroupsharedconfig',
            Resource: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:*',
            Condition: { StringEquals: { 'secretsmanager:ResourceTag/keyward:access:shared-config': 'member' } },
          }),
          Match.objectLike({ Sid: 'KeywardSecretsKeys' }),
        ]),
      },
    });
  });

  test('many workloads on a group add no tags to the members (the way past 50 tags)', () => {
    const stack = newStack();
    const s = new Secret(stack, 'S', { rotation: NO_ROTATION });
    const group = new SecretGroup(stack, 'G', { secrets: [s] });
    for (let i = 0; i < 100; i++) {
      group.grantRead(new iam.Role(stack, `R${i}`, { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') }));
    }
    const tags = (Object.values(Template.fromStack(stack).findResources('AWS::SecretsManager::Secret'))[0] as any).Properties.Tags;
    expect(tags).toHaveLength(3);
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
