// Two copies of Keyward's AWS module in one app (a `file:` dependency next to an npm one, or two versions in a
// monorepo): their classes differ, so nothing may rest on `instanceof` of a Keyward class or on module-level state.
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as keyward from '../../lib/aws';
import { expectKeywardError, newStack, OTHER_ACCOUNT } from './util';

/** A second, separately loaded copy of lib/aws (its own classes and module state). */
function secondCopy(): typeof keyward {
  let copy: typeof keyward | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a second load of the module is the point of the test
    copy = require('../../lib/aws');
  });
  expect(copy!.Secret).not.toBe(keyward.Secret);
  return copy!;
}

const NO_ROTATION = 'rotated by the vendor, documented in the runbook';

describe('two copies of Keyward in one app', () => {
  test('grants from both copies go to one workload policy per role', () => {
    const other = secondCopy();
    const stack = newStack();
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    new keyward.Secret(stack, 'A', { secretName: 'a', rotation: keyward.SecretRotation.none(NO_ROTATION) }).grantRead(role);
    new other.Secret(stack, 'B', { secretName: 'b', rotation: other.SecretRotation.none(NO_ROTATION) }).grantRead(role);
    const policies = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'));
    expect(policies).toHaveLength(1);
    const read = policies[0].Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'KeywardRead');
    expect(read.Resource).toEqual([
      'arn:aws:secretsmanager:eu-west-1:111111111111:secret:a-??????',
      'arn:aws:secretsmanager:eu-west-1:111111111111:secret:b-??????',
    ]);
    expect(other.WorkloadPolicy.isWorkloadPolicy(keyward.WorkloadPolicy.of(role))).toBe(true);
  });

  test('a variable wired by one copy is not overwritten by the other', () => {
    const other = secondCopy();
    const stack = newStack();
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}'),
    });
    const a = new keyward.Secret(stack, 'A', { rotation: keyward.SecretRotation.none(NO_ROTATION) });
    const b = new other.Secret(stack, 'B', { rotation: other.SecretRotation.none(NO_ROTATION) });
    keyward.Workload.lambdaFunction(fn, a, { environmentVariable: 'DB_ARN' });
    expectKeywardError(() => other.Workload.lambdaFunction(fn, b, { environmentVariable: 'DB_ARN' }), 'Svc/Fn', 'environment-variable');
    // The second copy sees the extension the first added, and does not add another layer.
    other.Workload.lambdaFunction(fn, b, { environmentVariable: 'API_ARN' });
    expect(Object.values<any>(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0].Properties.Layers).toHaveLength(1);
  });

  test('names and access ids stay unique across copies; groups and cross-account grants accept the other copy\'s objects', () => {
    const other = secondCopy();
    const stack = newStack();
    new keyward.Secret(stack, 'A', { secretName: 'shared', rotation: keyward.SecretRotation.none(NO_ROTATION) });
    expectKeywardError(() => new other.Secret(stack, 'B', { secretName: 'shared', rotation: other.SecretRotation.none(NO_ROTATION) }), 'Svc/B', 'duplicate-secret-name');
    keyward.WorkloadPolicy.of(new iam.Role(stack, 'R1', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') }), { workloadName: 'orders' });
    expectKeywardError(() => other.WorkloadPolicy.of(new iam.Role(stack, 'R2', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') }), { workloadName: 'ORDERS' }),
      'Svc/R2/KeywardPolicy', 'access-name');
    const member = new keyward.Secret(stack, 'M', { rotation: keyward.SecretRotation.none(NO_ROTATION) });
    const group = new other.SecretGroup(stack, 'G', { secrets: [member] });
    expect(group.secrets).toEqual([member]);
    const key = new other.SecretsKey(stack, 'Key');
    const shared = new keyward.Secret(stack, 'X', { secretName: 'x', encryptionKey: key, rotation: keyward.SecretRotation.none(NO_ROTATION) });
    const grant = shared.grantRead(iam.Role.fromRoleArn(stack, 'Foreign', `arn:aws:iam::${OTHER_ACCOUNT}:role/reader`));
    expect(grant.resourceStatements).toHaveLength(2);
  });
});
