import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { SopsFileFormat } from './sops-format';

/** What synthesis may know about an encrypted file: its layout, key names and keys, never a value. */
export interface SopsFileInfo {
  /** The path as given. */
  readonly path: string;
  readonly format: SopsFileFormat;
  /** Top-level key names, in file order (SOPS keeps names in clear). */
  readonly keys: string[];
  /** Top-level keys whose value is (or holds) a value SOPS left unencrypted. */
  readonly unencryptedKeys: string[];
  /** ARNs of the AWS KMS keys that can decrypt the file's data key. */
  readonly kmsKeyArns: string[];
  /** SHA-256 of the encrypted file's bytes (hex). */
  readonly contentHash: string;
}

interface ParsedSopsFile {
  readonly tree: Map<string, unknown>;
  readonly metadata: { [k: string]: any };
}

// The deploy-time handler's parser is the one place that reads SOPS files, so synthesis and deployment agree on what a
// file holds. It is plain JavaScript without dependencies (it ships as Lambda code as it is).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const handler = require('../aws/sops-handler/index.js') as { parseSopsFile(text: string, format: string): ParsedSopsFile };

const ENCRYPTED = /^ENC\[AES256_GCM,data:.+,iv:.+,tag:.+,type:.+\]$/;

/** The format SOPS itself infers from a file name (`.env`, `.json`, `.yaml`/`.yml`; anything else is binary). */
export function sopsFormatOf(file: string): SopsFileFormat {
  const base = path.basename(file).toLowerCase();
  if (base.endsWith('.env') || base === '.env' || /^\.env\./.test(base) || /\.env\.enc$/.test(base)) {
    return SopsFileFormat.DOTENV;
  }
  if (/\.json(\.enc)?$/.test(base)) {
    return SopsFileFormat.JSON;
  }
  if (/\.ya?ml(\.enc)?$/.test(base)) {
    return SopsFileFormat.YAML;
  }
  return SopsFileFormat.BINARY;
}

/**
 * Read what synthesis needs from a SOPS-encrypted file, decrypting nothing. Returns the problems instead when the file
 * is missing or not SOPS-encrypted; no problem quotes the file's content.
 */
export function readSopsFile(file: string, format: SopsFileFormat = sopsFormatOf(file)): { info?: SopsFileInfo; problems: string[] } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return { problems: [`SOPS file ${file} cannot be read (paths are relative to the directory synthesis runs in: ${process.cwd()})`] };
  }
  let parsed: ParsedSopsFile;
  try {
    parsed = handler.parseSopsFile(bytes.toString('utf8'), format);
  } catch (e) {
    return { problems: [`${file} is not a SOPS-encrypted ${format} file (${(e as Error).message}); a plaintext file must never be a source: `
      + `encrypt it with \`sops encrypt --in-place ${file}\` (and keep only a .env.example with the names in git)`] };
  }
  const md = parsed.metadata;
  const groups: any[] = Array.isArray(md.key_groups) && md.key_groups.length > 0 ? md.key_groups : [md];
  const kmsKeyArns = groups.flatMap(g => (Array.isArray(g.kms) ? g.kms : [])).map((k: any) => String(k.arn));
  const keys = [...parsed.tree.keys()];
  return {
    info: {
      path: file,
      format,
      keys,
      unencryptedKeys: keys.filter(k => !allEncrypted(parsed.tree.get(k))),
      kmsKeyArns,
      contentHash: createHash('sha256').update(bytes).digest('hex'),
    },
    problems: [],
  };
}

/** Whether every leaf under `value` is a SOPS-encrypted string (or empty, which SOPS leaves as it is). */
function allEncrypted(value: unknown): boolean {
  if (value instanceof Map) {
    return [...value.values()].every(allEncrypted);
  }
  if (Array.isArray(value)) {
    return value.every(allEncrypted);
  }
  return value === null || value === '' || (typeof value === 'string' && ENCRYPTED.test(value));
}

/**
 * A `.env.example` for local development: the variable names a workload receives, one `NAME=` line each, never a value.
 */
export function envExample(names: string[], header?: string): string {
  const lines = header ? header.split('\n').map(l => `# ${l}`) : [];
  return [...lines, ...names.map(n => `${n}=`), ''].join('\n');
}

/**
 * Problems of a `.env.example` file: every line must be a comment, blank, or `NAME=` without a value.
 */
export function envExampleProblems(file: string, text: string): string[] {
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      return;
    }
    const m = /^(export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(trimmed);
    if (!m) {
      problems.push(`${file} line ${i + 1} is not NAME= (a .env.example lists names only)`);
    } else if (m[3] !== '' && m[3] !== '""' && m[3] !== "''") {
      problems.push(`${file} line ${i + 1} gives ${m[2]} a value; a .env.example lists names only (values live in the SOPS-encrypted file)`);
    }
  });
  return problems;
}

const SKIPPED_DIRS = new Set(['node_modules', '.git', 'cdk.out', 'cdktf.out', '.cache', 'dist', '.terraform', 'coverage']);
const EXAMPLE = /^\.env\.(example|sample|template)$/;

/**
 * Secrets files committed next to an app that are not SOPS-encrypted: every dotenv file (`.env`, `.env.*`, `*.env`)
 * and every `secrets.json`/`secrets.yaml`-like file under `root`, except `.env.example` (also `.sample`, `.template`),
 * which must list names only. Returns one problem per file, naming it; never a value.
 */
export function plaintextSecretsFiles(root: string): string[] {
  const problems: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) {
          walk(full);
        }
        continue;
      }
      if (!entry.isFile()) {
        continue;
      }
      if (EXAMPLE.test(entry.name)) {
        problems.push(...envExampleProblems(full, fs.readFileSync(full, 'utf8')));
        continue;
      }
      const dotenv = /^\.env(\..+)?$/.test(entry.name) || entry.name.endsWith('.env');
      const secretsDoc = /secrets?([._-][^/]*)?\.(json|ya?ml)$/i.test(entry.name);
      if (dotenv || secretsDoc) {
        const format = dotenv ? SopsFileFormat.DOTENV : sopsFormatOf(entry.name);
        if (readSopsFile(full, format).problems.length > 0) {
          problems.push(`${full} is not SOPS-encrypted: a plaintext secrets file must not sit next to the app; encrypt it with `
            + `\`sops encrypt --in-place ${full}\` and commit a .env.example with the names only`);
        }
      }
    }
  };
  walk(root);
  return problems;
}
