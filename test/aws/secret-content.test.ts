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
    test('declared only without a real note', () => {
      expectKeywardError(() => new Secret(newStack(), 'S', { content: SecretContent.declaredOnly('tbd') }), 'Svc/S', 'declared-only');
    });
    test('generated length out of range', () => {
      expectKeywardError(() => new Secret(newStack(), 'S', { content: SecretContent.generated({ length: 0 }) }), 'Svc/S', 'generated-length');
      expectKeywardError(() => new Secret(newStack(), 'S', { content: SecretContent.generated({ length: 5000 }) }), 'Svc/S', 'generated-length');
    });
  });
});
