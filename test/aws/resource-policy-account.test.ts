// From an attacker's review: statements added with secret.addToResourcePolicy that allow principals outside the owning and
// shared accounts must fail synth with resource-policy-account; legitimate ones must pass.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Secret, SecretContent, SecretRotation } from '../../lib/aws';
import { ACCOUNT, newStack, OTHER_ACCOUNT } from './util';

const NO_ROTATION = SecretRotation.none('rotated by the vendor, documented in the runbook');
const THIRD = '333333333333';

function secret(stack: Stack): Secret {
  return new Secret(stack, 'Db', { secretName: 'orders/db', content: SecretContent.generated(), rotation: NO_ROTATION });
}
function add(s: Secret, json: object): void {
  s.addToResourcePolicy(iam.PolicyStatement.fromJson({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*', ...json }));
}
const REFUSED = /Db: [^\n]*\[keyward:resource-policy-account\]/;

describe('4. resource-policy-account', () => {
  test('4a { AWS: [own account, another account] }: refused for the other one', () => {
    const stack = newStack();
    add(secret(stack), { Principal: { AWS: [ACCOUNT, OTHER_ACCOUNT] } });
    expect(() => Template.fromStack(stack)).toThrow(REFUSED);
  });

  test('4b Allow with NotPrincipal (everyone but one role) is refused: it allows every other principal', () => {
    const stack = newStack();
    add(secret(stack), { NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:role/admin` } });
    expect(() => Template.fromStack(stack)).toThrow(REFUSED);
  });

  test('4c AccountPrincipal of another account in a stack whose region (hence partition) is not known: refused', () => {
    const app = new App();
    const stack = new Stack(app, 'Svc', { env: { account: ACCOUNT } });
    secret(stack).addToResourcePolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'], resources: ['*'], principals: [new iam.AccountPrincipal(OTHER_ACCOUNT)],
    }));
    expect(() => Template.fromStack(stack)).toThrow(REFUSED);
  });

  test('4d a role ARN built with a partition token (arn:${AWS::Partition}:iam::<other>:role/x) is refused', () => {
    const stack = new Stack(new App(), 'Svc', { env: { account: ACCOUNT } });
    secret(stack).addToResourcePolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'], resources: ['*'],
      principals: [new iam.ArnPrincipal(`arn:${stack.partition}:iam::${THIRD}:role/reader`)],
    }));
    expect(() => Template.fromStack(stack)).toThrow(REFUSED);
  });

  test('4e a SAML provider of another account (Federated) is refused', () => {
    const stack = newStack();
    add(secret(stack), { Principal: { Federated: `arn:aws:iam::${OTHER_ACCOUNT}:saml-provider/corp` } });
    expect(() => Template.fromStack(stack)).toThrow(REFUSED);
  });

  test('4f an assumed-role session of another account is refused', () => {
    const stack = newStack();
    add(secret(stack), { Principal: { AWS: `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/reader/session` } });
    expect(() => Template.fromStack(stack)).toThrow(REFUSED);
  });

  test('4g Principal "*" limited to this account by aws:PrincipalAccount: if refused, the error says why (not "outside <this account>")', () => {
    // The statement lets every principal of the owning account read without an IAM grant: refusing it is defensible,
    // but the message claims the deny refuses principals outside 111111111111, which this statement never allows.
    const stack = newStack();
    add(secret(stack), { Principal: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } } });
    let message = '';
    try {
      Template.fromStack(stack);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toMatch(new RegExp(`allows \\*, but the secret's resource policy denies every principal outside ${ACCOUNT};`));
  });

  test('4h a CanonicalUser principal (not valid in a Secrets Manager policy) fails at synth, not at deploy', () => {
    const stack = newStack();
    add(secret(stack), { Principal: { CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' } });
    expect(() => Template.fromStack(stack)).toThrow(/Db: [^\n]*\[keyward:/);
  });

  test('4i the same statement added twice renders once', () => {
    const stack = newStack();
    const s = secret(stack);
    add(s, { Sid: 'Own', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/reader` } });
    add(s, { Sid: 'Own', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/reader` } });
    const st = Object.values<any>(Template.fromStack(stack).findResources('AWS::SecretsManager::ResourcePolicy'))[0].Properties.ResourcePolicy.Statement;
    expect(st.filter((x: any) => x.Sid === 'Own')).toHaveLength(1);
  });
});
