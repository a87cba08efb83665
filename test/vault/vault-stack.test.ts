import { Testing } from 'cdktf';
import { VaultStack } from '../../lib/vault';
import { synthJson } from './util';

// CDK Terrain reads the `targetVersions` context from the stack (resources look it up from their own scope) to decide
// whether write-only attributes may be used; CDK for Terraform ignores it. scripts/consumer-install.sh shows the
// effect on CDK Terrain itself.
describe('VaultStack', () => {
  test('declares Terraform and OpenTofu >= 1.11 (write-only attributes), as context and as required_version', () => {
    const stack = new VaultStack(Testing.app(), 'stack');
    expect(stack.node.tryGetContext('targetVersions')).toEqual({ terraform: '>=1.11.0', opentofu: '>=1.11.0' });
    expect(synthJson(stack).terraform.required_version).toBe('>= 1.11.0');
  });

  test('target versions the app declared stand', () => {
    const app = Testing.app({ context: { targetVersions: { terraform: '>=1.5.0' } } });
    const stack = new VaultStack(app, 'stack');
    expect(stack.node.tryGetContext('targetVersions')).toEqual({ terraform: '>=1.5.0' });
  });

  test('vaultNamespace configures the provider', () => {
    const stack = new VaultStack(Testing.app(), 'stack', { vaultNamespace: 'team-a' });
    expect(synthJson(stack).provider.vault).toEqual([expect.objectContaining({ namespace: 'team-a' })]);
  });
});
