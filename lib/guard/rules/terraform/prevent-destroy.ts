import { isKvMetadataPath } from '../../private/loss/protected-types';
import { GuardRule, TfBlock } from '../../private/rule';

/**
 * Terraform types that hold secret material: destroying them loses it. (vault_kv_secret_backend_v2 is only the KV
 * engine's settings; destroying it resets them and loses no data, so it is not required to be protected.) A
 * `vault_generic_endpoint` counts when it writes a KV v2 metadata path: a Keyward declared-only secret path, whose
 * destroy deletes the metadata and every version of the secret.
 */
export const PROTECTED_TF_TYPES = ['vault_mount', 'vault_kv_secret_v2', 'vault_kv_secret', 'vault_generic_secret', 'vault_transit_secret_backend_key', 'vault_generic_endpoint'];

/** Secret stores without prevent_destroy are destroyed by `terraform destroy` or by a refactor that drops them. */
export const preventDestroy: GuardRule<TfBlock> = {
  id: 'keyward:retention-prevent-destroy',
  description: 'Vault mount, secret path or transit key can be destroyed (lifecycle.prevent_destroy is not set)',
  fix: 'set lifecycle { prevent_destroy = true } (the Keyward default) or acknowledge this rule with the reason the data may be destroyed',
  check: (b) => {
    if (b.kind !== 'resource' || !b.type || !PROTECTED_TF_TYPES.includes(b.type)) {
      return [];
    }
    if (b.type === 'vault_generic_endpoint' && !isKvMetadataPath(b.body.path)) {
      return [];
    }
    const hits = [];
    if (b.body.lifecycle?.prevent_destroy !== true) {
      hits.push({ propertyPath: 'lifecycle.prevent_destroy', detail: `${b.type} without prevent_destroy` });
    }
    if (b.type === 'vault_transit_secret_backend_key' && b.body.deletion_allowed === true) {
      hits.push({ propertyPath: 'deletion_allowed', detail: 'transit key may be deleted, and everything it encrypted with it' });
    }
    return hits;
  },
};
