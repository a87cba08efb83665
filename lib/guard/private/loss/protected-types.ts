/**
 * Resource types that hold secret material or make it readable, and the properties whose change makes the engine
 * destroy and recreate the resource (CloudFormation "Update requires: Replacement"; Terraform provider ForceNew).
 */
export interface ProtectedType {
  readonly kind: 'secret' | 'key' | 'mount' | 'secret path' | 'kv config';
  readonly replaceOn: string[];
  /** Properties that identify the resource across a rename or a move (its physical name). */
  readonly identity: string[];
}

export const PROTECTED_TYPES: { [type: string]: ProtectedType } = {
  'AWS::SecretsManager::Secret': { kind: 'secret', replaceOn: ['Name'], identity: ['Name'] },
  'AWS::KMS::Key': { kind: 'key', replaceOn: ['KeySpec', 'KeyUsage', 'MultiRegion', 'Origin'], identity: [] },
  'AWS::KMS::ReplicaKey': { kind: 'key', replaceOn: ['PrimaryKeyArn'], identity: ['PrimaryKeyArn'] },
  // vault_mount: a path change is a remount (data moves, every path and policy changes) — see diff.ts.
  vault_mount: { kind: 'mount', replaceOn: ['type', 'local', 'namespace'], identity: ['path'] },
  vault_kv_secret_backend_v2: { kind: 'kv config', replaceOn: ['mount', 'namespace'], identity: ['mount'] },
  vault_kv_secret_v2: { kind: 'secret path', replaceOn: ['mount', 'name', 'namespace'], identity: ['mount', 'name'] },
  vault_kv_secret: { kind: 'secret path', replaceOn: ['path', 'namespace'], identity: ['path'] },
  vault_generic_secret: { kind: 'secret path', replaceOn: ['path', 'namespace'], identity: ['path'] },
  // Only when its path is a KV v2 metadata path (see protectedType): a Keyward declared-only SecretPath.
  vault_generic_endpoint: { kind: 'secret path', replaceOn: ['path', 'namespace'], identity: ['path'] },
  vault_transit_secret_backend_key: {
    kind: 'key',
    replaceOn: ['backend', 'name', 'type', 'derived', 'convergent_encryption', 'namespace'],
    identity: ['backend', 'name'],
  },
};

/**
 * A KV v2 metadata path, `<mount>/metadata/<name>`, as a Keyward declared-only SecretPath writes its custom metadata
 * to (the mount may be a reference, `${vault_mount.kv.path}`). System, auth and identity paths are not KV mounts.
 */
export function isKvMetadataPath(p: unknown): boolean {
  return typeof p === 'string' && /^(?!(sys|auth|identity)\/)[^\s]+?\/metadata\/[^\s]+$/.test(p);
}

/** The protection of a resource, if it is one that holds secret material or makes it readable. */
export function protectedType(r: { readonly type: string; readonly properties: { [key: string]: any } }): ProtectedType | undefined {
  const t = Object.prototype.hasOwnProperty.call(PROTECTED_TYPES, r.type) ? PROTECTED_TYPES[r.type] : undefined;
  if (t && r.type === 'vault_generic_endpoint' && !isKvMetadataPath(r.properties.path)) {
    return undefined;
  }
  return t;
}
