import { DetectionKind, detectSecretsInText } from '../../core/detect';
import { GuardRule, RuleHit, hitFrom, hitsFrom } from '../private/rule';
import { OutputFile } from '../private/output-files';
import { findSecrets } from '../private/walk';

/**
 * Every other file of the synthesized output: asset manifests (Docker build arguments), stack metadata, manifest.json,
 * staged asset files and directories (`s3deploy.Source.data('.env', ...)`, bundled code, TerraformAsset files). JSON
 * files are walked key by key (so a name says what a value is); other text is scanned as text. Entropy alone is not
 * evidence in files (like in arbitrary properties): known formats, assignments and secret-like names are.
 */
export const outputFile: GuardRule<OutputFile> = {
  id: 'keyward:plaintext-output-file',
  description: 'a synthesized file (asset, asset manifest, metadata) holds a plaintext secret',
  fix: 'keep secret values out of asset contents, build arguments and construct metadata; read them at run time from Secrets Manager or Vault',
  check: (f) => {
    if (f.path.endsWith('.json')) {
      try {
        // Entropy alone is not used: manifests and metadata are full of logical ids, hashes and tokens.
        return hitsFrom(findSecrets(JSON.parse(f.text), '').filter((x) => x.detection.kind !== DetectionKind.HIGH_ENTROPY));
      } catch {
        // not JSON after all: read it as text
      }
    }
    const hits: RuleHit[] = [];
    for (const d of detectSecretsInText(f.text)) {
      const line = f.text.slice(0, f.text.indexOf(d.secret)).split('\n').length;
      hits.push(hitFrom(`line ${line}`, d));
    }
    return hits;
  },
};
