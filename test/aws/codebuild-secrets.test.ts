// From an attacker's review: the CodeBuild aspect that grants read to projects whose SECRETS_MANAGER variables name a Keyward
// secret. A project must get exactly the Keyward secrets its variables name — no other, and none missed silently.
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import { Secret, SecretContent, SecretRotation, SecretsKey } from '../../lib/aws';
import { ACCOUNT, newStack, OTHER_ACCOUNT, REGION } from './util';

const NO_ROTATION = SecretRotation.none('rotated by the vendor, documented in the runbook');

function secret(stack: Stack, name = 'orders/db', id = 'Db'): Secret {
  return new Secret(stack, id, { secretName: name, content: SecretContent.generated(), rotation: NO_ROTATION });
}
function project(stack: Stack, value: string, type = codebuild.BuildEnvironmentVariableType.SECRETS_MANAGER, id = 'Build'): codebuild.Project {
  return new codebuild.Project(stack, id, {
    buildSpec: codebuild.BuildSpec.fromObject({ version: '0.2', phases: { build: { commands: ['make'] } } }),
    environmentVariables: { DB: { type, value } },
  });
}
/** Whether any Keyward managed policy of `stack` lets a principal read the secret named `name` (by ARN pattern or Ref). */
function keywardReads(stack: Stack, name: string): boolean {
  return Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))
    .flatMap(p => p.Properties.PolicyDocument.Statement)
    .some(s => JSON.stringify(s.Action).includes('secretsmanager:GetSecretValue') && JSON.stringify(s.Resource).includes(`:secret:${name}-`));
}
function synthOrError(app: App): string | undefined {
  try {
    app.synth();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('3. grants a project did not ask for', () => {
  test.each([
    ['a longer name with a dash', 'orders/db-old'],
    ['a longer name', 'orders/dbx'],
    ['a JSON key of a longer name', 'orders/dbx:password'],
  ])('3a %s ("%s") does not get orders/db', (_what, value) => {
    const stack = newStack();
    secret(stack);
    project(stack, value);
    expect(keywardReads(stack, 'orders/db')).toBe(false);
  });

  test.each([
    ['another account', `arn:aws:secretsmanager:${REGION}:${OTHER_ACCOUNT}:secret:orders/db-AbCdEf`],
    ['another region', `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:orders/db-AbCdEf`],
    ['another partition', `arn:aws-cn:secretsmanager:cn-north-1:${ACCOUNT}:secret:orders/db-AbCdEf`],
  ])('3b an ARN of %s with the same name does not get this stack\'s orders/db', (_what, value) => {
    const stack = newStack();
    secret(stack);
    project(stack, value);
    expect(keywardReads(stack, 'orders/db')).toBe(false);
  });

  test('3c a partial ARN of another secret whose name is orders/db + "-" + 6 characters does not get orders/db', () => {
    // `orders/db-old123` is a valid name for another secret (Keyward refuses it for its own, other tools do not);
    // arn:…:secret:orders/db-old123 is its partial ARN.
    const stack = newStack();
    secret(stack);
    project(stack, `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:orders/db-old123`);
    expect(keywardReads(stack, 'orders/db')).toBe(false);
  });

  test.each([
    ['PLAINTEXT', codebuild.BuildEnvironmentVariableType.PLAINTEXT],
    ['PARAMETER_STORE', codebuild.BuildEnvironmentVariableType.PARAMETER_STORE],
  ])('3d a %s variable naming the secret gets no grant', (_what, type) => {
    const stack = newStack();
    secret(stack);
    project(stack, 'orders/db', type);
    expect(keywardReads(stack, 'orders/db')).toBe(false);
  });
});

describe('3. grants a project asked for and missed', () => {
  test('3e a Keyward secret of another stack of the app, referenced by secretArn: the project gets the read (or synth names the miss)', () => {
    const app = new App();
    const owner = newStack('Owner', app);
    const s = secret(owner);
    const consumer = newStack('Consumer', app);
    project(consumer, s.secretArn);
    const error = synthOrError(app);
    if (error === undefined) {
      expect(keywardReads(consumer, 'orders/db')).toBe(true);
    } else {
      expect(error).toMatch(/Consumer\/Build[^\n]*\[keyward:/);
    }
  });

  test('3f a Keyward secret imported by name with its key: the project gets the key use (or synth names the miss)', () => {
    const app = new App();
    const stack = newStack('Svc', app);
    const key = new SecretsKey(stack, 'Key');
    secret(stack, 'orders/other', 'Other'); // the app has Keyward secrets, so the aspect is registered
    const imported = Secret.fromSecretName(stack, 'Imported', 'orders/db', { encryptionKey: key });
    project(stack, imported.secretArn);
    const error = synthOrError(app);
    if (error === undefined) {
      expect(keywardReads(stack, 'orders/db')).toBe(true);
    } else {
      expect(error).toMatch(/Svc\/Build[^\n]*\[keyward:/);
    }
  });

  test('3g a Keyward secret in a nested stack, read by a project of the parent: the project gets the read (or synth names the miss)', () => {
    const app = new App();
    const parent = newStack('Parent', app);
    const nested = new NestedStack(parent, 'Secrets');
    const s = secret(nested);
    project(parent, s.secretArn);
    const error = synthOrError(app);
    if (error === undefined) {
      expect(keywardReads(parent, 'orders/db')).toBe(true);
    } else {
      expect(error).toMatch(/Parent\/Build[^\n]*\[keyward:/);
    }
  });

  test('3h the secret named by name in the same stack: the project gets the read', () => {
    const stack = newStack();
    secret(stack);
    project(stack, 'orders/db:password');
    expect(keywardReads(stack, 'orders/db')).toBe(true);
  });
});

describe('3. the name is read in the project\'s account and region', () => {
  test.each([
    ['another account', { account: OTHER_ACCOUNT, region: REGION }],
    ['another region', { account: ACCOUNT, region: 'us-east-1' }],
  ])('3i a project in %s whose variable names "orders/db" (its own secret) is not granted this stack\'s orders/db', (_what, env) => {
    const app = new App();
    const owner = newStack('Owner', app);
    secret(owner);
    const consumer = new Stack(app, 'Consumer', { env });
    project(consumer, 'orders/db:password');
    const error = synthOrError(app);
    // No grant of Owner/Db anywhere: no Keyward read in the consumer, no cross-account statement on the owner's secret or key.
    if (error === undefined) {
      expect(keywardReads(consumer, 'orders/db')).toBe(false);
      const ownerTemplate = JSON.stringify(Template.fromStack(owner).toJSON());
      expect(ownerTemplate).not.toContain(`arn:aws:iam::${OTHER_ACCOUNT}:role`);
      expect(ownerTemplate).not.toMatch(/KeywardCrossAccount/);
    } else {
      expect(error).not.toMatch(/\[keyward:/);
    }
  });
});

describe('3. an attached secret', () => {
  test('3j a project reading secret.attach(target).secretArn (the attachment reference) gets the read (or synth names the miss)', () => {
    const app = new App();
    const stack = newStack('Svc', app);
    const s = secret(stack);
    const attached = s.attach({ asSecretAttachmentTarget: () => ({ targetId: 'db-instance-id', targetType: 'AWS::RDS::DBInstance' as any }) });
    project(stack, attached.secretArn);
    const error = synthOrError(app);
    if (error === undefined) {
      expect(keywardReads(stack, 'orders/db')).toBe(true);
    } else {
      expect(error).toMatch(/Svc\/Build[^\n]*\[keyward:/);
    }
  });
});
