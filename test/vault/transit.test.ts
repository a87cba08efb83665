import { Testing } from 'cdktf';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { TransitSecretBackendKey } from '@cdktf/provider-vault/lib/transit-secret-backend-key';
import { GrantAction } from '../../lib/core/grant';
import { AppRoleWorkload, TransitEngine, TransitKey } from '../../lib/vault';
import { keywardError, newStack, resources } from './util';

describe('TransitKey', () => {
  test('safe defaults: aes256-gcm96, auto rotation, no deletion, not exportable, prevent_destroy', () => {
    const stack = newStack();
    new TransitKey(stack, 'Pii', { name: 'pii' });
    new TransitKey(stack, 'Other', { name: 'other' });
    const out = Testing.synth(stack);
    expect(out).toHaveResourceWithProperties(Mount, { path: 'transit', type: 'transit', lifecycle: { prevent_destroy: true } });
    expect(resources(stack, 'vault_mount')).toHaveLength(1);
    expect(out).toHaveResourceWithProperties(TransitSecretBackendKey, {
      name: 'pii', type: 'aes256-gcm96', auto_rotate_period: 7776000, deletion_allowed: false, exportable: false, allow_plaintext_backup: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  test('grants: update on encrypt and/or decrypt of exactly this key', () => {
    const stack = newStack();
    const key = new TransitKey(stack, 'Pii', { name: 'pii' });
    const w = new AppRoleWorkload(stack, 'W');
    const enc = key.grantEncrypt(w);
    expect(enc.actions).toEqual([GrantAction.ENCRYPT]);
    expect(enc.policyText).toBe('path "transit/encrypt/pii" {\n  capabilities = ["update"]\n}\n');
    expect(key.grantDecrypt(w).policyText).toBe('path "transit/decrypt/pii" {\n  capabilities = ["update"]\n}\n');
    const w2 = new AppRoleWorkload(stack, 'W2');
    expect(key.grantEncryptDecrypt(w2).policyText).toBe(
      'path "transit/decrypt/pii" {\n  capabilities = ["update"]\n}\n\npath "transit/encrypt/pii" {\n  capabilities = ["update"]\n}\n',
    );
    expect(w.policyDocument.render()).toBe(w2.policyDocument.render());
  });

  test('custom engine and rotation; opting out of rotation needs a reason', () => {
    const stack = newStack();
    const engine = new TransitEngine(stack, 'Engine', { path: 'crypto' });
    new TransitKey(stack, 'A', { name: 'a', engine, autoRotatePeriodSeconds: 86400 });
    const b = new TransitKey(stack, 'B', { name: 'b', engine, autoRotationDisabledReason: 'rotated by the release pipeline' });
    expect(b.node.metadata.map((m) => m.data)).toContain('rotated by the release pipeline');
    const out = Testing.synth(stack);
    expect(out).toHaveResourceWithProperties(TransitSecretBackendKey, { name: 'a', auto_rotate_period: 86400 });
    expect(out).toHaveResourceWithProperties(TransitSecretBackendKey, { name: 'b', auto_rotate_period: 0 });
    expect(TransitEngine.of(stack, 'crypto')).toBe(engine);
    expect(() => new TransitKey(stack, 'C', { name: 'c', engine, autoRotationDisabledReason: ' ' })).toThrow(keywardError('stack/C', 'transit-rotation'));
    expect(() => new TransitKey(stack, 'D', { name: 'd', engine, autoRotatePeriodSeconds: 60 })).toThrow(keywardError('stack/D', 'transit-rotation'));
    expect(() => new TransitKey(stack, 'E', { name: 'e', engine, autoRotatePeriodSeconds: 3600, autoRotationDisabledReason: 'x' })).toThrow(keywardError('stack/E', 'transit-rotation'));
  });

  test('invalid and duplicate key names', () => {
    const stack = newStack();
    expect(() => new TransitKey(stack, 'A', { name: 'a/b' })).toThrow(keywardError('stack/A', 'vault-name'));
    expect(() => new TransitKey(stack, 'B', { name: '' })).toThrow(keywardError('stack/B', 'vault-name'));
    new TransitKey(stack, 'C', { name: 'k' });
    expect(() => new TransitKey(stack, 'D', { name: 'k' })).toThrow(keywardError('stack/D', 'duplicate-path'));
  });

  test.each(['aes256-gcm', 'rsa-1024', 'AES256-GCM96', 'managed_key', ''])('unknown key type %j is an error', (type) => {
    const stack = newStack();
    expect(() => new TransitKey(stack, 'K', { name: 'k', keyType: type })).toThrow(keywardError('stack/K', 'transit-key-type'));
  });

  test('every type Vault knows is accepted; signing-only types refuse encrypt/decrypt grants', () => {
    const stack = newStack();
    const w = new AppRoleWorkload(stack, 'W');
    for (const type of ['aes128-gcm96', 'chacha20-poly1305', 'xchacha20-poly1305', 'rsa-2048', 'rsa-3072', 'rsa-4096']) {
      new TransitKey(stack, type, { name: type, keyType: type }).grantEncryptDecrypt(w);
    }
    for (const type of ['ed25519', 'ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521', 'hmac']) {
      const key = new TransitKey(stack, type, { name: type, keyType: type });
      expect(key.keyType).toBe(type);
      expect(() => key.grantDecrypt(w)).toThrow(keywardError(`stack/${type}`, 'transit-key-type'));
    }
    expect(resources(stack, 'vault_transit_secret_backend_key')).toHaveLength(11);
  });
});
