// From an attacker's review: key grants to principals that are not constructs of the app — the role behind a
// ViaServicePrincipal, the key-policy statements for services and this account's root, the secret's key view. Each test
// fails if Keyward widens or drops what the app asked for.
import { NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { Secret, SecretContent, SecretRotation, SecretsKey } from '../../lib/aws';
import { ACCOUNT, expectKeywardError, newStack, OTHER_ACCOUNT, REGION } from './util';

const NO_ROTATION = SecretRotation.none('rotated by the vendor, documented in the runbook');
const FOREIGN_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/reader`;

function keyPolicy(stack: Stack): any[] {
  return Object.values<any>(Template.fromStack(stack).findResources('AWS::KMS::Key')).flatMap(k => k.Properties.KeyPolicy.Statement);
}
function secretPolicy(stack: Stack): any[] {
  return Object.values<any>(Template.fromStack(stack).findResources('AWS::SecretsManager::ResourcePolicy'))
    .flatMap(p => p.Properties.ResourcePolicy.Statement);
}
function keywardStatements(stack: Stack): any[] {
  return Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy')).flatMap(p => p.Properties.PolicyDocument.Statement);
}
/** Key-policy statements Keyward adds beyond aws-cdk-lib's default account-root statement. */
function addedKeyStatements(stack: Stack): any[] {
  return keyPolicy(stack).filter(s => !(s.Action === 'kms:*' && JSON.stringify(s.Principal).includes(':root')));
}
function secret(stack: Stack, id = 'Db'): Secret {
  return new Secret(stack, id, { secretName: `orders/${id.toLowerCase()}`, content: SecretContent.generated(), rotation: NO_ROTATION });
}
function role(stack: Stack, id = 'Role'): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}
/** Either a Keyward error, or a statement that says exactly what was asked: returns the error message or undefined. */
function attempt(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('1. appIdentityBehind', () => {
  test('1a PrincipalWithConditions around a role of the stack: the conditions land in the role\'s Keyward policy', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    const r = role(stack);
    key.grantDecrypt(new iam.PrincipalWithConditions(new iam.ArnPrincipal(r.roleArn), { StringLike: { 'aws:PrincipalTag/team': 'orders-*' } }));
    const st = keywardStatements(stack).filter(s => JSON.stringify(s.Action).includes('kms:Decrypt'));
    expect(st).toHaveLength(1);
    expect(st[0].Condition).toEqual({ StringLike: { 'aws:PrincipalTag/team': 'orders-*' } });
    expect(addedKeyStatements(stack)).toEqual([]);
  });

  test('1b the same role granted once with conditions and once without: two statements, the conditioned one keeps its conditions', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    const r = role(stack);
    key.grantDecrypt(new kms.ViaServicePrincipal(`s3.${REGION}.amazonaws.com`, r));
    const st = keywardStatements(stack).filter(s => JSON.stringify(s.Action).includes('kms:Decrypt'));
    expect(st).toHaveLength(1);
    expect(st[0].Condition).toEqual({ StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } });
  });

  test('1c PrincipalWithConditions around a role of ANOTHER account: secret.grantRead keeps the conditions (or refuses) — never drops them', () => {
    const stack = newStack();
    const s = secret(stack);
    const foreign = iam.Role.fromRoleArn(stack, 'Foreign', FOREIGN_ROLE);
    const conditioned = new iam.PrincipalWithConditions(foreign, { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } });
    const error = attempt(() => s.grantRead({ grantPrincipal: conditioned }));
    if (error === undefined) {
      const allows = [...secretPolicy(stack), ...keyPolicy(stack)]
        .filter(st => st.Effect === 'Allow' && JSON.stringify(st.Principal ?? {}).includes(FOREIGN_ROLE));
      expect(allows.length).toBeGreaterThan(0);
      // Every statement that lets the foreign role in must carry the SourceIp condition the app asked for.
      for (const st of allows) {
        expect(JSON.stringify(st.Condition ?? {})).toContain('aws:SourceIp');
      }
    } else {
      expect(error).toMatch(/\[keyward:/);
    }
  });

  test('1d PrincipalWithConditions around a foreign role, key.grantDecrypt: the key-policy statement keeps the conditions (or refuses)', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    const foreign = iam.Role.fromRoleArn(stack, 'Foreign', FOREIGN_ROLE);
    const error = attempt(() => key.grantDecrypt({ grantPrincipal: new iam.PrincipalWithConditions(foreign, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }) }));
    if (error === undefined) {
      const allows = addedKeyStatements(stack).filter(st => JSON.stringify(st.Principal).includes(OTHER_ACCOUNT));
      expect(allows).toHaveLength(1);
      expect(allows[0].Condition).toEqual({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } });
    } else {
      expect(error).toMatch(/\[keyward:/);
    }
  });

  test('1e ViaServicePrincipal wrapping a role of another account goes through Keyward\'s cross-account checks (refused on an env-agnostic stack)', () => {
    // On an env-agnostic stack Keyward cannot tell whether a principal is foreign: a direct foreign grant is refused
    // with cross-account. The same principal wrapped in ViaServicePrincipal must not slip past that check.
    const stack = new Stack();
    const key = new SecretsKey(stack, 'Key');
    const foreign = iam.Role.fromRoleArn(stack, 'Foreign', FOREIGN_ROLE);
    expectKeywardError(() => key.grantDecrypt(foreign), 'Default/Key', 'cross-account');
    // Wrapped, it is not a role of this app nor this account's root: refused before any key-policy statement is written.
    expectKeywardError(() => key.grantDecrypt(new kms.ViaServicePrincipal(`secretsmanager.${REGION}.amazonaws.com`, foreign)), 'Default/Key', 'workload-principal');
    expect(addedKeyStatements(stack)).toEqual([]);
  });

  test('1f CompositePrincipal of a role of the app and a foreign ARN: not silently split, not written wider than asked', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    const r = role(stack);
    const error = attempt(() => key.grantDecrypt(new iam.CompositePrincipal(r, new iam.ArnPrincipal(FOREIGN_ROLE))));
    if (error === undefined) {
      // Whatever lands must name exactly these two principals; no Principal "*".
      const json = JSON.stringify([...addedKeyStatements(stack), ...keywardStatements(stack)]);
      expect(json).not.toContain('"AWS":"*"');
      expect(json).toContain(FOREIGN_ROLE);
    } else {
      expect(error).toMatch(/\[keyward:/);
    }
  });

  test('1g a principal whose GetAtt points at a CfnRole owned by a grantable of ANOTHER principal is not mapped to that other principal', () => {
    // A construct that holds an L1 role but whose grantPrincipal is another role: the grant for the L1 role's ARN must
    // not land in the other role's policy.
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    const other = role(stack, 'Other');
    class Holder extends Construct implements iam.IGrantable {
      public readonly grantPrincipal: iam.IPrincipal = other;
    }
    const holder = new Holder(stack, 'Holder');
    const l1 = new iam.CfnRole(holder, 'L1', { assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ec2.amazonaws.com' } }], Version: '2012-10-17' } });
    // Not a role construct of the app (an L1 held by another principal), not this account's root: refused.
    expectKeywardError(() => key.grantDecrypt(new iam.ArnPrincipal(l1.attrArn)), 'Svc/Key', 'workload-principal');
    const t = Template.fromStack(stack);
    const otherPolicies = Object.values<any>(t.findResources('AWS::IAM::ManagedPolicy'))
      .filter(p => JSON.stringify(p.Properties.Roles).includes(stack.resolve((other.node.defaultChild as iam.CfnRole).logicalId)));
    expect(otherPolicies).toEqual([]);
  });

  test('1h secret.encryptionKey with a ViaServicePrincipal for a non-Secrets-Manager service is refused', () => {
    const stack = newStack();
    const s = secret(stack);
    const r = role(stack);
    expectKeywardError(() => s.encryptionKey!.grantDecrypt(new kms.ViaServicePrincipal(`lambda.${REGION}.amazonaws.com`, r)), 'Svc/Db', 'workload-principal');
  });

  test('1i secret.encryptionKey with ViaService listing secretsmanager AND another service is refused (not narrowed silently)', () => {
    const stack = newStack();
    const s = secret(stack);
    const r = role(stack);
    const p = new iam.PrincipalWithConditions(new iam.ArnPrincipal(r.roleArn),
      { StringEquals: { 'kms:ViaService': [`secretsmanager.${REGION}.amazonaws.com`, `lambda.${REGION}.amazonaws.com`] } });
    expectKeywardError(() => s.encryptionKey!.grantDecrypt(p), 'Svc/Db', 'workload-principal');
  });
});


describe('1k-1m other identities behind a ViaServicePrincipal', () => {
  test('1k a User of the stack: its Keyward policy, with the ViaService condition', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    const user = new iam.User(stack, 'Ci');
    key.grantDecrypt(new kms.ViaServicePrincipal(`s3.${REGION}.amazonaws.com`, user));
    const st = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))
      .filter(p => JSON.stringify(p.Properties.Users ?? []).includes('Ci')).flatMap(p => p.Properties.PolicyDocument.Statement);
    expect(st).toEqual([expect.objectContaining({ Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } } })]);
    expect(addedKeyStatements(stack)).toEqual([]);
  });

  test('1l a role in a nested stack: wherever the grant lands, it keeps the ViaService condition and names only that role', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    const nested = new NestedStack(stack, 'Inner');
    const r = role(nested);
    key.grantDecrypt(new kms.ViaServicePrincipal(`s3.${REGION}.amazonaws.com`, r));
    const inKeyPolicy = addedKeyStatements(stack);
    const inNested = Object.values<any>(Template.fromStack(nested).findResources('AWS::IAM::ManagedPolicy')).flatMap(p => p.Properties.PolicyDocument.Statement);
    const all = [...inKeyPolicy, ...inNested].filter(x => JSON.stringify(x.Action).includes('kms:Decrypt'));
    expect(all).toHaveLength(1);
    expect(all[0].Condition).toEqual({ StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } });
  });

  test('1m a same-account role given by ARN string (not a construct) is a grant to a workload of the account: Keyward policy, not the key policy (docs: "never to the key policy")', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    const error = attempt(() => key.grantDecrypt(new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/reader`)));
    if (error === undefined) {
      expect(addedKeyStatements(stack)).toEqual([]);
    } else {
      expect(error).toMatch(/\[keyward:workload-principal\]/);
    }
  });

  test('1n secret.grantRead(PrincipalWithConditions(role of the stack)) keeps the conditions or refuses — never a grant without them', () => {
    const stack = newStack();
    const s = secret(stack);
    const r = role(stack);
    const error = attempt(() => s.grantRead({ grantPrincipal: new iam.PrincipalWithConditions(r, { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }) }));
    if (error === undefined) {
      const reads = keywardStatements(stack).filter(st => JSON.stringify(st.Action).includes('secretsmanager:GetSecretValue'));
      expect(reads.length).toBeGreaterThan(0);
      reads.forEach(st => expect(JSON.stringify(st.Condition ?? {})).toContain('aws:SourceIp'));
    } else {
      expect(error).toMatch(/Svc\/Db: [^\n]*\[keyward:workload-principal\]/);
    }
  });
});

describe('1j secret.encryptionKey grants exactly the actions asked', () => {
  test('grantEncrypt through the view does not give kms:Decrypt', () => {
    const stack = newStack();
    const s = secret(stack);
    const r = role(stack);
    const grant = s.encryptionKey!.grantEncrypt(r);
    expect(grant.principalStatements.flatMap(x => x.actions)).not.toContain('kms:Decrypt');
    const actions = keywardStatements(stack).flatMap(st => [st.Action].flat());
    expect(actions).not.toContain('kms:Decrypt');
  });

  test('grant(role, "kms:DescribeKey") through the view does not give kms:Decrypt', () => {
    const stack = newStack();
    const s = secret(stack);
    const r = role(stack);
    const error = attempt(() => s.encryptionKey!.grant(r, 'kms:DescribeKey'));
    if (error === undefined) {
      expect(keywardStatements(stack).flatMap(st => [st.Action].flat())).not.toContain('kms:Decrypt');
    } else {
      expect(error).toMatch(/\[keyward:key-grant-action\]/);
    }
  });

  test('grant(role, "kms:GenerateDataKey") through the view is refused rather than widened to the encryption set', () => {
    const stack = newStack();
    const s = secret(stack);
    const r = role(stack);
    expectKeywardError(() => s.encryptionKey!.grant(r, 'kms:GenerateDataKey'), 'Svc/Db', 'key-grant-action');
    expect(keywardStatements(stack)).toEqual([]);
  });
});

describe('2. key grants to principals that become key-policy statements', () => {
  const publicPrincipals: [string, () => iam.IPrincipal][] = [
    ['AnyPrincipal', () => new iam.AnyPrincipal()],
    ['StarPrincipal', () => new iam.StarPrincipal()],
    ['ArnPrincipal("*")', () => new iam.ArnPrincipal('*')],
    ['ViaServicePrincipal(secretsmanager) with the default base (anyone)', () => new kms.ViaServicePrincipal(`secretsmanager.${REGION}.amazonaws.com`)],
  ];
  test.each(publicPrincipals)('2a key.grantDecrypt(%s) is refused, not written as Principal "*" into the key policy', (_name, make) => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    expectKeywardError(() => key.grantDecrypt(make()), 'Svc/Key', 'workload-principal');
    expect(addedKeyStatements(stack)).toEqual([]);
  });

  test('2b OrganizationPrincipal: the whole organisation may decrypt — refused (Keyward shares with named accounts only)', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    expectKeywardError(() => key.grantDecrypt(new iam.OrganizationPrincipal('o-abcdefghij')), 'Svc/Key', 'workload-principal');
  });

  test('2c FederatedPrincipal cannot be a KMS key-policy principal: refused at synth, not at deploy', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    expectKeywardError(() => key.grantDecrypt(new iam.FederatedPrincipal('cognito-identity.amazonaws.com', {}, 'sts:AssumeRoleWithWebIdentity')),
      'Svc/Key', 'workload-principal');
  });

  test('2d AccountPrincipal of another account: a key-policy statement for exactly that account root', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    key.grantDecrypt(new iam.AccountPrincipal(OTHER_ACCOUNT));
    const st = addedKeyStatements(stack);
    expect(st).toHaveLength(1);
    expect(JSON.stringify(st[0].Principal)).toContain(`:iam::${OTHER_ACCOUNT}:root`);
    expect(st[0].Action).toBe('kms:Decrypt');
  });

  test('2f ViaServicePrincipal wrapping the account root of this account: exactly that statement with its ViaService condition', () => {
    const stack = newStack();
    const key = new SecretsKey(stack, 'Key');
    key.grantDecrypt(new kms.ViaServicePrincipal(`secretsmanager.${REGION}.amazonaws.com`, new iam.AccountRootPrincipal()));
    const st = addedKeyStatements(stack);
    expect(st).toHaveLength(1);
    expect(st[0].Condition).toEqual({ StringEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` } });
    expect(JSON.stringify(st[0].Principal)).toContain(`:iam::${ACCOUNT}:root`);
  });
});
