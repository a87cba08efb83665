import { App, NestedStack, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { GrantMode, Secret, SecretGroup, SecretRotation, SecretsKey, WorkloadPolicy } from '../../lib/aws';
import { policyBytes, resolveIntrinsics } from '../../bench/measure';
import { expectKeywardError, expectKeywardErrorAtSynth, grantTagKey, newStack, newTagStack } from './util';

const TAG_MODE = { context: { '@keyward/grants:mode': 'tag' } };

const NO_ROTATION = SecretRotation.none('test fixture: this secret is never deployed anywhere');

function role(stack: Stack, id: string): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
}

/** One role granted n secrets (200 per stack, to stay under 500 resources): the workload's policies. */
function workloadPolicies(n: number): { policies: any[]; resources: { [id: string]: any } } {
  const app = new App(TAG_MODE);
  const stack = newStack('Workload', app);
  const key = new SecretsKey(stack, 'Key');
  const r = role(stack, 'Reader');
  for (let i = 0; i < n; i++) {
    const secrets = i % 200 === 0 ? newStack(`Secrets${i / 200}`, app) : undefined;
    const home = secrets ?? (app.node.findChild(`Secrets${Math.floor(i / 200)}`) as Stack);
    new Secret(home, `S${i}`, { encryptionKey: key, rotation: NO_ROTATION }).grantRead(r);
  }
  const t = Template.fromStack(stack).toJSON();
  return {
    policies: Object.values(t.Resources).filter((x: any) => x.Type === 'AWS::IAM::ManagedPolicy' || x.Type === 'AWS::IAM::Policy'),
    resources: t.Resources,
  };
}

/** The resolved workload policy document of the only managed policy in `stack`. */
function policyDocument(stack: Stack): any {
  const t = Template.fromStack(stack).toJSON();
  return (Object.values(t.Resources).find((x: any) => x.Type === 'AWS::IAM::ManagedPolicy') as any).Properties.PolicyDocument;
}

/** Key policy bytes with n grantee roles each reading the same secret. */
function keyPolicyBytes(n: number): string {
  const stack = newStack();
  const key = new SecretsKey(stack, 'Key');
  const s = new Secret(stack, 'S', { encryptionKey: key, rotation: NO_ROTATION, tags: {} });
  for (let i = 0; i < n; i++) {
    const r = role(stack, `R${i}`);
    if (i < 40) {
      s.grantRead(r);
    }
    key.grantDecrypt(r);
    key.grantEncryptDecrypt(r);
  }
  const t = Template.fromStack(stack).toJSON();
  const k = Object.values(t.Resources).find((x: any) => x.Type === 'AWS::KMS::Key') as any;
  return JSON.stringify(k.Properties.KeyPolicy);
}

describe('WorkloadPolicy', () => {
  test('tag mode: one managed policy per workload, constant size for 10 and 1000 secrets, under 2 KB', () => {
    const { policies: p10 } = workloadPolicies(10);
    const { policies: p1000, resources } = workloadPolicies(1000);
    expect(p10).toHaveLength(1);
    expect(p1000).toHaveLength(1);
    expect(p1000[0].Type).toBe('AWS::IAM::ManagedPolicy');
    const b10 = JSON.stringify(p10[0].Properties.PolicyDocument).length;
    const b1000 = JSON.stringify(p1000[0].Properties.PolicyDocument).length;
    expect(b1000).toBe(b10);
    // Resolved ARNs (as IAM counts the bytes), with the benchmark's resolver.
    const document = p1000[0].Properties.PolicyDocument;
    expect(JSON.stringify(resolveIntrinsics(document, resources))).not.toContain('Fn::');
    expect(policyBytes(document, resources)).toBeLessThanOrEqual(2048);
  });

  test('the key policy has the same bytes for 1 and 200 grantee roles', () => {
    expect(keyPolicyBytes(200)).toEqual(keyPolicyBytes(1));
  });

  test('tag mode: tag-matched read, key through Secrets Manager, deny on keyward:* tagging', () => {
    const stack = newTagStack();
    const s = new Secret(stack, 'S', { rotation: NO_ROTATION });
    const r = role(stack, 'R');
    const g = s.grantRead(r);
    const policy = WorkloadPolicy.of(r);
    expect(grantTagKey(g)).toBe(policy.accessTagKey);
    expect(policy.accessTagKey).toBe(`keyward:access:${policy.workloadId}`);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^R') }],
      PolicyDocument: {
        Statement: [
          {
            Sid: 'KeywardReadTagged', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:*',
            Condition: { StringEquals: { [`aws:ResourceTag/${policy.accessTagKey}`]: ['read', 'read-write'] } },
          },
          {
            Sid: 'KeywardSecretsKeys', Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KeywardDefaultKey'), 'Arn'] },
            Condition: {
              StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' },
              StringLike: { 'kms:EncryptionContext:SecretARN': 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:*' },
            },
          },
          {
            Sid: 'KeywardDenyAccessTagChanges', Effect: 'Deny',
            Action: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource', 'secretsmanager:UntagResource'], Resource: '*',
            Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['keyward:*', '???????:??????:*'] } },
          },
        ],
      },
    });
  });

  test('workload ids: a hash of where it is deployed and its construct path by default, or a given name', () => {
    const a = WorkloadPolicy.of(role(newStack(), 'R'));
    const b = WorkloadPolicy.of(role(newStack(), 'R'));
    expect(a.workloadId).toMatch(/^[0-9a-f]{12}$/);
    // Stable: the same role in the same deployment gets the same id in every synthesis.
    expect(b.workloadId).toBe(a.workloadId);
    // Two deployments of one app in one account (same construct paths, another stack name) never share a tag key,
    // or each would read the other's secrets.
    const deployment = (stackName: string, region = 'eu-west-1') =>
      WorkloadPolicy.of(role(new Stack(new App(), 'Svc', { stackName, env: { account: '111111111111', region } }), 'R')).workloadId;
    expect(deployment('orders-dev')).not.toBe(deployment('orders-prod'));
    expect(deployment('orders')).not.toBe(deployment('orders', 'us-east-1'));
    expect(deployment('orders')).toBe(deployment('orders'));
    // A role in a nested stack is identified by its top-level deployment.
    const nestedIn = (stackName: string) => {
      const parent = new Stack(new App(), 'Svc', { stackName, env: { account: '111111111111', region: 'eu-west-1' } });
      return WorkloadPolicy.of(role(new NestedStack(parent, 'Inner'), 'R')).workloadId;
    };
    expect(nestedIn('orders-dev')).not.toBe(nestedIn('orders-prod'));
    const stack = newStack();
    const named = WorkloadPolicy.of(role(stack, 'N'), { workloadName: 'orders-api' });
    expect(named.accessTagKey).toBe('keyward:access:orders-api');
  });

  test('a user and a group can be workloads', () => {
    const stack = newStack();
    const s = new Secret(stack, 'S', { rotation: NO_ROTATION });
    s.grantRead(new iam.User(stack, 'U'));
    s.grantRead(new iam.Group(stack, 'G'));
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', { Users: [{ Ref: Match.stringLikeRegexp('^U') }] });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', { Groups: [{ Ref: Match.stringLikeRegexp('^G') }] });
  });

  test('the deny covers keyward:* and every letter case of keyward:access:* (IAM matches ResourceTag keys ignoring case)', () => {
    const stack = newTagStack();
    new Secret(stack, 'S', { rotation: NO_ROTATION }).grantRead(role(stack, 'R'));
    const deny = policyDocument(stack).Statement.find((x: any) => x.Sid === 'KeywardDenyAccessTagChanges');
    const patterns: string[] = deny.Condition['ForAnyValue:StringLike']['aws:TagKeys'];
    // IAM StringLike: * is any sequence, ? exactly one character; case-sensitive.
    const like = (key: string) => patterns.some(p => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's').test(key));
    for (const key of ['keyward:access:abc', 'KEYWARD:ACCESS:abc', 'Keyward:Access:abc', 'kEyWaRd:aCcEsS:x', 'keyward:value-source', 'keyward:access:']) {
      expect({ key, denied: like(key) }).toEqual({ key, denied: true });
    }
    for (const key of ['team', 'Name', 'aws:cloudformation:stack-name', 'keyward', 'project:abc']) {
      expect({ key, denied: like(key) }).toEqual({ key, denied: false });
    }
    expect(deny.Action).toEqual(['secretsmanager:CreateSecret', 'secretsmanager:TagResource', 'secretsmanager:UntagResource']);
  });

  describe('cdk-nag', () => {
    function nag(build: (stack: Stack) => void): string[] {
      const app = new App();
      const stack = newStack('Nag', app);
      build(stack);
      app.synth(); // aspects (where Keyward acknowledges) run at synthesis, before validation plugins
      return new AwsSolutionsChecks().validateScope(app).violations
        .filter(v => v.ruleName.startsWith('AwsSolutions-IAM5'))
        .flatMap(v => v.violatingResources.map(r => `${r.constructPath} ${v.ruleName}`));
    }

    test('exact mode: no wildcard to acknowledge, no finding', () => {
      const app = new App();
      const stack = newStack('Nag', app);
      const r = role(stack, 'R');
      new Secret(stack, 'S', { secretName: 'orders/db', rotation: NO_ROTATION }).grantRead(r);
      new Secret(stack, 'T', { rotation: NO_ROTATION }).grantWrite(r);
      app.synth();
      expect(WorkloadPolicy.of(r).node.metadata.filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)).toEqual([]);
      expect(new AwsSolutionsChecks().validateScope(app).violations.filter(v => v.ruleName.startsWith('AwsSolutions-IAM5'))).toEqual([]);
    });

    test('tag mode: the secret:* resources of tag-matched statements are acknowledged finding by finding, with a reason', () => {
      const app = new App(TAG_MODE);
      const stack = newStack('Nag', app);
      const s = new Secret(stack, 'S', {
        rotation: NO_ROTATION,
        replicas: [{ region: 'eu-central-1', encryptionKey: SecretsKey.fromKeyArn(stack, 'RK', 'arn:aws:kms:eu-central-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab') }],
      });
      const r = role(stack, 'R');
      s.grantRead(r);
      app.synth();
      const acks = WorkloadPolicy.of(r).node.metadata.filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map(m => m.data);
      expect(acks.flatMap(a => Object.keys(a)).map(k => k.replace(/^Annotation::/, '')).sort()).toEqual([
        'AwsSolutions-IAM5[Resource::arn:aws:secretsmanager:eu-central-1:111111111111:secret:*]',
        'AwsSolutions-IAM5[Resource::arn:aws:secretsmanager:eu-west-1:111111111111:secret:*]',
      ]);
      for (const a of acks) {
        expect(Object.values<string>(a)[0]).toMatch(/aws:ResourceTag.*denies/);
      }
      expect(new AwsSolutionsChecks().validateScope(app).violations.filter(v => v.ruleName.startsWith('AwsSolutions-IAM5'))).toEqual([]);
    });

    test('env-agnostic stack: the acknowledged ids follow the pseudo parameters', () => {
      const app = new App(TAG_MODE);
      const stack = new Stack(app, 'Agnostic');
      new Secret(stack, 'S', { rotation: NO_ROTATION }).grantRead(role(stack, 'R'));
      app.synth();
      expect(new AwsSolutionsChecks().validateScope(app).violations.filter(v => v.ruleName.startsWith('AwsSolutions-IAM5'))).toEqual([]);
    });

    test('a rotation function: GetRandomPassword\'s required "*" is acknowledged on its workload policy only', () => {
      const findings = nag(stack => {
        const fn = new lambda.Function(stack, 'Rotator', {
          runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'),
        });
        new Secret(stack, 'S', { rotation: SecretRotation.customFunction(fn) });
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['xray:PutTraceSegments'], resources: ['*'] }));
      });
      expect(findings).toEqual(['Nag/Rotator/ServiceRole/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::*]']);
    });

    test('other wildcards are still reported: a direct key grant in the same policy, secret:* in the role\'s own policy', () => {
      const findings = nag(stack => {
        const s = new Secret(stack, 'S', { rotation: NO_ROTATION });
        const r = role(stack, 'R');
        s.grantRead(r);
        new SecretsKey(stack, 'Key').grantEncryptDecrypt(r);
        r.addToPolicy(new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [`arn:${stack.partition}:secretsmanager:eu-west-1:111111111111:secret:*`],
        }));
      });
      expect(findings.sort()).toEqual([
        'Nag/R/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::arn:aws:secretsmanager:eu-west-1:111111111111:secret:*]',
        'Nag/R/KeywardPolicy/Resource AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        'Nag/R/KeywardPolicy/Resource AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      ]);
    });
  });

  describe('exact mode (the default)', () => {
    test('lists the exact secrets and their encryption contexts; a plain secret tagged keyward:access:<id> matches nothing', () => {
      const stack = newStack();
      const r = role(stack, 'R');
      const a = new Secret(stack, 'A', { secretName: 'orders/a', rotation: NO_ROTATION });
      const b = new Secret(stack, 'B', { rotation: NO_ROTATION });
      a.grantRead(r);
      b.grantRead(r);
      const policy = WorkloadPolicy.of(r);
      expect(policy.grantMode).toBe(GrantMode.EXACT);
      // The attack of the tag model: a plain aws-cdk-lib secret tagged with the workload's access key.
      const plain = new secretsmanager.Secret(stack, 'Plain');
      plain.node.addMetadata('note', 'tagged as if granted');
      (plain.node.defaultChild as secretsmanager.CfnSecret).tags.setTag(policy.accessTagKey, 'read');
      const document = policyDocument(stack);
      const listed = [
        'arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders/a-??????',
        { Ref: Match.stringLikeRegexp('^B') },
      ];
      expect(document.Statement.map((x: any) => x.Sid)).toEqual(['KeywardRead', 'KeywardSecretsKeys']);
      expect(document.Statement[0]).toEqual({ Sid: 'KeywardRead', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: expect.any(Array) });
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: {
          Statement: [
            Match.objectLike({ Sid: 'KeywardRead', Resource: listed }),
            Match.objectLike({ Sid: 'KeywardSecretsKeys', Condition: { StringEquals: Match.anyValue(), StringLike: { 'kms:EncryptionContext:SecretARN': listed } } }),
          ],
        },
      });
      // Nothing in the policy names a whole account's secrets, nor reads a tag.
      expect(JSON.stringify(document)).not.toMatch(/secret:\*|ResourceTag/);
    });

    test('a workload with no grant yet still has a valid policy (IAM refuses an empty one): the keyward:* tag deny', () => {
      const stack = newStack();
      WorkloadPolicy.of(role(stack, 'R'));
      expect(policyDocument(stack).Statement.map((x: any) => x.Sid)).toEqual(['KeywardDenyAccessTagChanges']);
    });

    test('tag mode per workload, and the app-wide context key', () => {
      const stack = newStack();
      const tagged = role(stack, 'T');
      WorkloadPolicy.of(tagged, { grantMode: GrantMode.TAG });
      const s = new Secret(stack, 'S', { rotation: NO_ROTATION });
      expect(grantTagKey(s.grantRead(tagged))).toBe(WorkloadPolicy.of(tagged).accessTagKey);
      expect(grantTagKey(s.grantRead(role(stack, 'E')))).toBeUndefined();
      expect(WorkloadPolicy.of(role(newTagStack(), 'R')).grantMode).toBe(GrantMode.TAG);
    });

    test('the largest exact grant that fits one managed policy synthesizes; one more secret fails naming the workload, the count and the ways out', () => {
      const build = (n: number) => {
        const app = new App();
        const stack = newStack('Svc', app);
        const r = role(stack, 'R');
        for (let i = 0; i < n; i++) {
          new Secret(stack, `S${i}`, { secretName: `team/service-secret-${i}`, rotation: NO_ROTATION }).grantRead(r);
        }
        return stack;
      };
      // Measured on the resolved document with the benchmark's resolver (independent of Keyward's own estimate).
      const fits = Template.fromStack(build(30)).toJSON();
      const document = (Object.values(fits.Resources).find((x: any) => x.Type === 'AWS::IAM::ManagedPolicy') as any).Properties.PolicyDocument;
      expect(policyBytes(document, fits.Resources)).toBeLessThanOrEqual(6144);
      expect(() => Template.fromStack(build(120))).toThrow(
        /Svc\/R\/KeywardPolicy: the Keyward policy of workload \w+ \(Svc\/R\) would be [\d,]+ characters once resolved, over IAM's 6,144.*names 120 secrets.*tag mode.*SecretGroup with grantMode: GrantMode.TAG.*SecretGroup in exact mode lists every member.*\[keyward:policy-size\]/s);
    });

    test('40 exact-mode groups over the budget fail at synth; in tag mode they fit', () => {
      const build = (mode: GrantMode) => {
        const stack = newStack();
        const r = role(stack, 'R');
        for (let g = 0; g < 40; g++) {
          const group = new SecretGroup(stack, `G${g}`, { grantMode: mode });
          for (let i = 0; i < 3; i++) {
            group.addSecret(new Secret(stack, `S${g}x${i}`, { secretName: `tenant-${g}/secret-${i}`, rotation: NO_ROTATION }));
          }
          group.grantRead(r);
        }
        return stack;
      };
      expectKeywardErrorAtSynth(() => Template.fromStack(build(GrantMode.EXACT)), 'Svc/R/KeywardPolicy', 'policy-size');
      // 40 tag-matched statements: over the budget too (one statement per group), so the error names the groups' cost.
      expectKeywardErrorAtSynth(() => Template.fromStack(build(GrantMode.TAG)), 'Svc/R/KeywardPolicy', 'policy-size');
    });

    test('120 secrets imported by name over the budget fail at synth', () => {
      const stack = newStack();
      const r = role(stack, 'R');
      for (let i = 0; i < 120; i++) {
        Secret.fromSecretName(stack, `I${i}`, `imported/by-name/secret-${i}`, { awsManagedKey: true }).grantRead(r);
      }
      expectKeywardErrorAtSynth(() => Template.fromStack(stack), 'Svc/R/KeywardPolicy', 'policy-size', /names 120 secrets/);
    });

    test('a role with 10 managed policies before Keyward adds its own fails at synth; a raised quota is accepted', () => {
      const build = (quota?: number) => {
        const stack = newStack();
        const r = role(stack, 'R');
        for (let i = 0; i < 10; i++) {
          r.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(`Policy${i}`));
        }
        WorkloadPolicy.of(r, { managedPolicyQuota: quota });
        new Secret(stack, 'S', { rotation: NO_ROTATION }).grantRead(r);
        return stack;
      };
      expectKeywardErrorAtSynth(() => Template.fromStack(build()), 'Svc/R/KeywardPolicy', 'managed-policy-quota', /Svc\/R would carry 11 managed policies.*allows 10/);
      expect(() => Template.fromStack(build(20))).not.toThrow();
      // Policies that attach themselves (iam.ManagedPolicy with roles) count too.
      const stack = newStack();
      const r = role(stack, 'R');
      for (let i = 0; i < 10; i++) {
        new iam.ManagedPolicy(stack, `P${i}`, { roles: [r], statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::b${i}/*`] })] });
      }
      new Secret(stack, 'S', { rotation: NO_ROTATION }).grantRead(r);
      expectKeywardErrorAtSynth(() => Template.fromStack(stack), 'Svc/R/KeywardPolicy', 'managed-policy-quota', /11 attaching themselves, Keyward's included/);
    });

    test('errors: an invalid mode in the context, a mode changed after the first grant, an invalid quota', () => {
      const bad = newStack('Svc', new App({ context: { '@keyward/grants:mode': 'tags' } }));
      expectKeywardError(() => WorkloadPolicy.of(role(bad, 'R')), 'Svc/R', 'grant-mode', /"exact" or "tag"/);
      const stack = newStack();
      const r = role(stack, 'R');
      WorkloadPolicy.of(r);
      expectKeywardError(() => WorkloadPolicy.of(r, { grantMode: GrantMode.TAG }), 'Svc/R/KeywardPolicy', 'grant-mode');
      expectKeywardError(() => WorkloadPolicy.of(role(stack, 'Q'), { managedPolicyQuota: 0 }), 'Svc/Q', 'managed-policy-quota');
    });
  });

  describe('errors', () => {
    test('two workloads with the same name', () => {
      const app = new App();
      WorkloadPolicy.of(role(newStack('A', app), 'R'), { workloadName: 'api' });
      expectKeywardError(() => WorkloadPolicy.of(role(newStack('B', app), 'R'), { workloadName: 'api' }), 'B/R/KeywardPolicy', 'access-name', /already used/);
    });
    test('names differing only in letter case collide: IAM compares ResourceTag keys ignoring case', () => {
      const app = new App();
      const p = WorkloadPolicy.of(role(newStack('A', app), 'R'), { workloadName: 'orders' });
      expect(p.workloadId).toBe('orders');
      expectKeywardError(() => WorkloadPolicy.of(role(newStack('B', app), 'R'), { workloadName: 'ORDERS' }), 'B/R/KeywardPolicy', 'access-name', /"ORDERS".*already used.*letter case/);
      expectKeywardError(() => new SecretGroup(newStack('C', app), 'G', { groupName: 'Orders' }), 'C/G', 'access-name', /already used/);
    });
    test('renaming after the first grant', () => {
      const r = role(newStack(), 'R');
      WorkloadPolicy.of(r);
      expectKeywardError(() => WorkloadPolicy.of(r, { workloadName: 'late' }), 'Svc/R/KeywardPolicy', 'workload-name');
    });
    test('invalid workload name', () => {
      expectKeywardError(() => WorkloadPolicy.of(role(newStack(), 'R'), { workloadName: 'has space' }), 'Svc/R/KeywardPolicy', 'access-name');
    });
    test('an immutable role', () => {
      const stack = newStack();
      const r = iam.Role.fromRoleArn(stack, 'Fixed', 'arn:aws:iam::111111111111:role/fixed', { mutable: false });
      const s = new Secret(stack, 'S', { rotation: NO_ROTATION });
      expectKeywardError(() => s.grantRead(r), 'Svc/Fixed', 'workload-principal', /immutable/);
    });
    test('a principal that is not a role, user or group', () => {
      const stack = newStack();
      const s = new Secret(stack, 'S', { rotation: NO_ROTATION });
      expectKeywardError(() => s.grantRead(new iam.ServicePrincipal('ec2.amazonaws.com')), 'Svc/S', 'workload-principal', /ec2\.amazonaws\.com/);
    });
  });
});
