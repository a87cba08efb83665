import { VaultPolicyDocument } from '../../lib/vault';

describe('VaultPolicyDocument', () => {
  test('renders exact HCL, one block per path, sorted, merged', () => {
    const doc = new VaultPolicyDocument();
    doc.addRule({ path: 'kv/metadata/app/db', capabilities: ['read'] });
    doc.addRule({ path: 'kv/data/app/db', capabilities: ['update', 'create'] });
    doc.addRule({ path: 'kv/data/app/db', capabilities: ['read'] });
    doc.addRule({ path: 'transit/encrypt/k', capabilities: ['update'] });
    expect(doc.render()).toBe(
      'path "kv/data/app/db" {\n' +
      '  capabilities = ["create", "read", "update"]\n' +
      '}\n' +
      '\n' +
      'path "kv/metadata/app/db" {\n' +
      '  capabilities = ["read"]\n' +
      '}\n' +
      '\n' +
      'path "transit/encrypt/k" {\n' +
      '  capabilities = ["update"]\n' +
      '}\n',
    );
    expect(doc.pathCount).toBe(3);
  });

  test('order of grants does not change the text', () => {
    const rules = [
      { path: 'b/data/x', capabilities: ['read'] },
      { path: 'a/data/y', capabilities: ['update'] },
      { path: 'a/data/y', capabilities: ['create'] },
      { path: 'a/data/x/*', capabilities: ['read'] },
    ];
    const forward = VaultPolicyDocument.renderRules(rules);
    const backward = VaultPolicyDocument.renderRules([...rules].reverse());
    expect(forward).toBe(backward);
    expect(forward).toBe(
      'path "a/data/x/*" {\n  capabilities = ["read"]\n}\n\n' +
      'path "a/data/y" {\n  capabilities = ["create", "update"]\n}\n\n' +
      'path "b/data/x" {\n  capabilities = ["read"]\n}\n',
    );
  });

  test('empty document renders empty; cache is invalidated by new rules', () => {
    const doc = new VaultPolicyDocument();
    expect(doc.render()).toBe('');
    doc.addRule({ path: 'kv/data/a', capabilities: ['read'] });
    expect(doc.render()).toBe('path "kv/data/a" {\n  capabilities = ["read"]\n}\n');
    doc.addRule({ path: 'kv/data/a', capabilities: ['read'] });
    doc.addRule({ path: 'kv/data/a', capabilities: ['list'] });
    expect(doc.render()).toBe('path "kv/data/a" {\n  capabilities = ["read", "list"]\n}\n');
  });

  test('a rule without capabilities is refused', () => {
    expect(() => new VaultPolicyDocument().addRule({ path: 'kv/data/a', capabilities: [] })).toThrow(/no capabilities/);
  });
});
