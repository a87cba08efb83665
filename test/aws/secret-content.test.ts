import { CfnParameter, SecretValue } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Secret, SecretContent, SecretRotation, SecretValueSource } from '../../lib/aws';
import { expectKeywardError, newStack } from './util';

const NO_ROTATION = SecretRotation.none('test fixture: this secret is never deployed anywhere');

describe('SecretContent', () => {
  test('generated single value with options', () => {
    const stack = newStack();
    new Secret(stack, 'S', {
      content: SecretContent.generated({ length: 64, excludePunctuation: true, excludeCharacters: 'O0', requireEachIncludedType: false }),
      rotation: NO_ROTATION,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, ExcludeCharacters: 'O0', RequireEachIncludedType: false },
      SecretString: Match.absent(),
    });
  });

  test('generated JSON: fixed non-secret fields + one generated field', () => {
    const stack = newStack();
    new Secret(stack, 'S', { content: SecretContent.generatedJson({ username: 'app', host: 'db' }, 'password'), rotation: NO_ROTATION });
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { SecretStringTemplate: '{"username":"app","host":"db"}', GenerateStringKey: 'password' },
    });
  });

  test('declared only: placeholder generated, description and tag say the value is set out of band', () => {
    const stack = newStack();
    const content = SecretContent.declaredOnly('an operator pastes it from the vendor portal');
    expect(content.source).toBe(SecretValueSource.OUT_OF_BAND);
    new Secret(stack, 'S', { description: 'Vendor key.', content, rotation: NO_ROTATION });
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: 'Vendor key. Value set out of band: an operator pastes it from the vendor portal',
      GenerateSecretString: Match.objectLike({ PasswordLength: 32 }),
      Tags: Match.arrayWith([{ Key: 'keyward:value-source', Value: 'out-of-band' }]),
    });
  });

  test('reference: a noEcho parameter resolves at deploy time, nothing literal in the template', () => {
    const stack = newStack();
    const p = new CfnParameter(stack, 'Token', { noEcho: true });
    new Secret(stack, 'S', { content: SecretContent.fromReference(SecretValue.cfnParameter(p)), rotation: NO_ROTATION });
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::Secret', { SecretString: { Ref: 'Token' }, GenerateSecretString: Match.absent() });
  });

  test('reference to another secret (dynamic reference)', () => {
    const stack = newStack();
    new Secret(stack, 'S', { content: SecretContent.fromReference(SecretValue.secretsManager('other')), rotation: NO_ROTATION });
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::Secret', { SecretString: '{{resolve:secretsmanager:other:SecretString:::}}' });
  });

  describe('errors', () => {
    test('SecretValue.unsafePlainText is rejected', () => {
      expectKeywardError(() => new Secret(newStack(), 'S', { content: SecretContent.fromReference(SecretValue.unsafePlainText('hunter2')) }),
        'Svc/S', 'plaintext-value', /unsafePlainText/);
    });
    test('unsafePlainText mixing a token with literal text is rejected: a reference must be exactly one token', () => {
      const stack = newStack();
      const host = SecretValue.ssmSecure('/orders/db-host').unsafeUnwrap();
      const mixed = SecretValue.unsafePlainText(JSON.stringify({ host, password: 'Orders-Prod-2024!' }));
      expectKeywardError(() => new Secret(stack, 'S', { content: SecretContent.fromReference(mixed) }),
        'Svc/S', 'plaintext-value', /exactly one deploy-time reference.*SecretValue\.secretsManager, ssmSecure, cfnParameter or cfnDynamicReference/);
      const p = new CfnParameter(stack, 'P', { noEcho: true });
      expectKeywardError(() => new Secret(stack, 'T', { content: SecretContent.fromReference(SecretValue.unsafePlainText(`${p.valueAsString}-suffix`)) }),
        'Svc/T', 'plaintext-value');
      expectKeywardError(() => new Secret(stack, 'U', { content: SecretContent.fromReference(SecretValue.unsafePlainText(`${p.valueAsString}${p.valueAsString}`)) }),
        'Svc/U', 'plaintext-value');
      // The same mixed value smuggled into a description is refused too.
      expectKeywardError(() => new Secret(stack, 'V', { description: `${mixed}` }), 'Svc/V', 'plaintext-value');
    });
    test('references that are exactly one token are accepted', () => {
      const stack = newStack();
      const p = new CfnParameter(stack, 'P', { noEcho: true });
      const refs = [
        SecretValue.secretsManager('other', { jsonField: 'password' }),
        SecretValue.ssmSecure('/orders/db-password'),
        SecretValue.cfnParameter(p),
        SecretValue.unsafePlainText(p.valueAsString),
      ];
      refs.forEach((ref, i) => new Secret(stack, `S${i}`, { content: SecretContent.fromReference(ref), rotation: NO_ROTATION }));
      expect(Object.keys(Template.fromStack(stack).findResources('AWS::SecretsManager::Secret'))).toHaveLength(refs.length);
    });
    test('a fixed field whose value looks like a secret is rejected (fixed fields are written in clear)', () => {
      expectKeywardError(() => new Secret(newStack(), 'S', { content: SecretContent.generatedJson({ dsn: 'postgres://admin:Orders-Prod-2024!@db/x' }, 'password') }),
        'Svc/S', 'fixed-field', /fixed field "dsn" looks like a secret/);
      expectKeywardError(() => new Secret(newStack(), 'S', { content: SecretContent.generatedJson({ note: 'AKIAIOSFODNN7EXAMPLE' }, 'password') }),
        'Svc/S', 'fixed-field');
      // Literal text around a token is checked too; the token itself (resolved at deploy time) is not.
      const stack = newStack();
      const host = new CfnParameter(stack, 'Host').valueAsString;
      expectKeywardError(() => new Secret(stack, 'T', { content: SecretContent.generatedJson({ dsn: `postgres://admin:Orders-Prod-2024!@${host}:5432/x` }, 'password') }),
        'Svc/T', 'fixed-field', /looks like a secret/);
      new Secret(stack, 'U', { content: SecretContent.generatedJson({ host, port: '5432', username: 'orders_app' }, 'password'), rotation: NO_ROTATION });
      Template.fromStack(stack).resourceCountIs('AWS::SecretsManager::Secret', 1);
    });
    test('a plaintext SecretValue smuggled into a fixed field, a description or a tag is rejected', () => {
      // Interpolating a SecretValue yields a token that still points at it (unsafeUnwrap() would hand back the bare string).
      const pt = `${SecretValue.unsafePlainText('hunter2')}`;
      expectKeywardError(() => new Secret(newStack(), 'S', { content: SecretContent.generatedJson({ user: pt }, 'password') }), 'Svc/S', 'plaintext-value');
      expectKeywardError(() => new Secret(newStack(), 'S', { description: `pw ${pt}` }), 'Svc/S', 'plaintext-value');
      expectKeywardError(() => new Secret(newStack(), 'S', { tags: { a: pt } }), 'Svc/S', 'plaintext-value');
    });
    test('fixed field named like a secret', () => {
      expectKeywardError(() => new Secret(newStack(), 'S', { content: SecretContent.generatedJson({ password: 'x' }, 'token') }),
        'Svc/S', 'fixed-field', /named like a secret/);
    });
    test('generated field also fixed, or missing', () => {
      expectKeywardError(() => new Secret(newStack(), 'S', { content: SecretContent.generatedJson({ user: 'a' }, 'user') }), 'Svc/S', 'generated-field');
      expectKeywardError(() => new Secret(newStack(), 'S', { content: SecretContent.generatedJson({ user: 'a' }, '') }), 'Svc/S', 'generated-field');
    });
    test('a description of its own and the declared-only note read as two sentences', () => {
      const stack = newStack();
      new Secret(stack, 'S', { description: 'Key of the warehouse', content: SecretContent.declaredOnly('set by the data team in the console'), rotation: SecretRotation.none('the warehouse has no API to rotate this key') });
      Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::Secret', {
        Description: 'Key of the warehouse. Value set out of band: set by the data team in the console',
      });
    });
    test('declared only without a real note', () => {
      expectKeywardError(() => new Secret(newStack(), 'S', { content: SecretContent.declaredOnly('tbd') }), 'Svc/S', 'declared-only');
      expectKeywardError(() => new Secret(newStack(), 'S', { content: SecretContent.declaredOnly('\u200b'.repeat(12) + 'tbd') }), 'Svc/S', 'declared-only');
    });
    test('generated length out of range', () => {
      expectKeywardError(() => new Secret(newStack(), 'S', { content: SecretContent.generated({ length: 0 }) }), 'Svc/S', 'generated-length');
      expectKeywardError(() => new Secret(newStack(), 'S', { content: SecretContent.generated({ length: 5000 }) }), 'Svc/S', 'generated-length');
    });
  });
});
