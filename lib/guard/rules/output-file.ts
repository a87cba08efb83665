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
/** Metadata entries the CDK writes itself: stack traces of where constructs were created (file paths and lines). */
function withoutTraces(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value
      .filter((e) => !(e && typeof e === 'object' && (e as { type?: unknown }).type === 'aws:cdk:creationStack'))
      .map(withoutTraces);
  }
  if (value && typeof value === 'object') {
    const out: { [k: string]: unknown } = {};
    for (const [k, v] of Object.entries(value)) {
      if (!(k === 'trace' && Array.isArray(v))) {
        out[k] = withoutTraces(v);
      }
    }
    return out;
  }
  return value;
}

/**
 * Where a detected value stands in the text: its first occurrence as a value (after `=`, `:`, a quote, `@` or a
 * flag), else its first occurrence. The same word can appear earlier as a name (`def login(secret_id: str)` before
 * `secret_id = "..."`), and the finding must point at the line that holds the value.
 */
function valueIndex(text: string, secret: string): number {
  for (let i = text.indexOf(secret); i >= 0; i = text.indexOf(secret, i + 1)) {
    if (/(?:[=:"'`@]|\s-[-\w]*)\s*$/.test(text.slice(Math.max(0, i - 40), i))) {
      return i;
    }
  }
  return text.indexOf(secret);
}

export const outputFile: GuardRule<OutputFile> = {
  id: 'keyward:plaintext-output-file',
  description: 'a synthesized file (asset, asset manifest, metadata) holds a plaintext secret',
  fix: 'keep secret values out of asset contents, build arguments and construct metadata; read them at run time from Secrets Manager or Vault',
  check: (f) => {
    if (f.path.endsWith('.json')) {
      try {
        // Entropy alone is not used: manifests and metadata are full of logical ids, hashes and tokens.
        // Stack traces the CDK records (aws:cdk:creationStack entries, `trace` arrays) are code locations, not values.
        const doc = JSON.parse(f.text);
        const read = /(?:^|\/)(?:[^/]+\.metadata\.json|manifest\.json)$/.test(f.path) ? withoutTraces(doc) : doc;
        return hitsFrom(findSecrets(read, '').filter((x) => x.detection.kind !== DetectionKind.HIGH_ENTROPY));
      } catch {
        // not JSON after all: read it as text
      }
    }
    const hits: RuleHit[] = [];
    for (const d of detectSecretsInText(f.text)) {
      const line = f.text.slice(0, valueIndex(f.text, d.secret)).split('\n').length;
      hits.push(hitFrom(`line ${line}`, d));
    }
    return hits;
  },
};
