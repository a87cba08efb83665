// @ts-check
'use strict';
/*
 * Keyward's SOPS secret writer: the onEvent handler of a custom resource (aws-cdk-lib custom-resources Provider).
 *
 * On Create and Update it reads one SOPS-encrypted file (an S3 asset), decrypts the file's data key with the AWS KMS key
 * the resource names, decrypts the values (AES-256-GCM, the value's tree path as additional data), verifies the file's
 * MAC, and writes the selected value to one secret with PutSecretValue. On Delete it writes nothing. It returns no
 * data, and no value ever reaches a message, a log line or a response.
 *
 * Plain JavaScript without dependencies besides node:crypto and the AWS SDK v3 that the Lambda Node.js runtime ships,
 * so the file is the Lambda code as it is (no bundling). Decryption follows the SOPS file format (getsops/sops v3:
 * aes/cipher.go, sops.go Tree.Decrypt, stores/*): flat key groups of AWS KMS keys; Shamir key groups are refused.
 */
const crypto = require('node:crypto');

/** An error whose message is safe to show: it never contains a value of the file. */
class SopsFileError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'SopsFileError';
  }
}

const ENC = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/;
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from([0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34, 0xf3, 0xd1, 0x47,
  0xbe, 0x0b, 0x0b, 0x97, 0x5b, 0x3b, 0xf4, 0x4f, 0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69]);
const FORMATS = ['dotenv', 'json', 'yaml', 'binary'];

/** A comment of the file: kept out of the tree and the MAC, as SOPS does. */
const COMMENT = Symbol('comment');

// ---- parsing the encrypted file --------------------------------------------------------------------------------

/**
 * Parse an encrypted file into its tree (Maps keep the file's key order, which the MAC depends on) and its SOPS
 * metadata. Throws a SopsFileError naming what is wrong, never quoting the file.
 * @param {string} text
 * @param {string} format
 * @returns {{ tree: Map<string, any>, metadata: any }}
 */
function parseSopsFile(text, format) {
  if (!FORMATS.includes(format)) {
    throw new SopsFileError(`unknown format "${format}" (expected one of ${FORMATS.join(', ')})`);
  }
  /** @type {Map<string, any>} */
  let root;
  if (format === 'dotenv') {
    root = parseDotenv(text);
  } else if (format === 'yaml') {
    root = parseYaml(text);
  } else {
    root = parseJson(text);
  }
  const isMetadataKey = format === 'dotenv' ? (/** @type {string} */ k) => k.startsWith('sops_') : (/** @type {string} */ k) => k === 'sops';
  /** @type {Map<string, any>} */
  const tree = new Map();
  /** @type {Map<string, any>} */
  const flatMetadata = new Map();
  let metadata;
  for (const [k, v] of root) {
    if (isMetadataKey(k)) {
      if (format === 'dotenv') flatMetadata.set(k.slice('sops_'.length), v);
      else metadata = v;
    } else {
      tree.set(k, v);
    }
  }
  if (format === 'dotenv' && flatMetadata.size > 0) {
    metadata = unflatten(flatMetadata);
  }
  if (!(metadata instanceof Map) || typeof metadata.get('mac') !== 'string' || typeof metadata.get('lastmodified') !== 'string') {
    throw new SopsFileError('the file is not SOPS-encrypted (no sops metadata with a mac and lastmodified)');
  }
  if (format === 'binary' && (tree.size !== 1 || typeof tree.get('data') !== 'string')) {
    throw new SopsFileError('a SOPS binary file holds exactly one "data" value');
  }
  return { tree, metadata: toPlain(metadata) };
}

/** @param {string} text */
function parseJson(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse quotes the text around the error: never pass its message on.
    throw new SopsFileError('the file is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SopsFileError('the file is not a JSON object');
  }
  return /** @type {Map<string, any>} */ (jsonToTree(value));
}

/** @param {any} value @returns {any} */
function jsonToTree(value) {
  if (Array.isArray(value)) return value.map(jsonToTree);
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    // JavaScript objects list integer-like keys first, so their file order (which the MAC depends on) is lost.
    if (keys.length > 1 && keys.some(k => /^(0|[1-9][0-9]*)$/.test(k))) {
      throw new SopsFileError('JSON objects with integer-like keys are not supported (their order cannot be recovered for the MAC)');
    }
    return new Map(keys.map(k => [k, jsonToTree(value[k])]));
  }
  return value;
}

/** @param {string} text */
function parseDotenv(text) {
  /** @type {Map<string, any>} */
  const out = new Map();
  text.split('\n').forEach((line, i) => {
    if (line.length === 0 || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq < 0) throw new SopsFileError(`dotenv line ${i + 1} has no "="`);
    out.set(line.slice(0, eq), line.slice(eq + 1).replace(/\\n/g, '\n'));
  });
  return out;
}

/**
 * SOPS flattens its metadata into dotenv keys: `kms__list_0__map_arn` is `kms[0].arn`.
 * @param {Map<string, any>} flat
 */
function unflatten(flat) {
  /** @type {Map<string, any>} */
  const root = new Map();
  for (const [key, value] of flat) {
    const tokens = key.split(/(__map_|__list_)/);
    /** @type {any} */
    let node = root;
    let name = /** @type {string | number} */ (tokens[0]);
    for (let i = 1; i < tokens.length; i += 2) {
      const isList = tokens[i] === '__list_';
      const next = isList ? Number(tokens[i + 1]) : tokens[i + 1];
      const existing = node instanceof Map ? node.get(name) : node[name];
      const child = existing ?? (isList ? [] : new Map());
      if (node instanceof Map) node.set(name, child);
      else node[name] = child;
      node = child;
      name = next;
    }
    if (node instanceof Map) node.set(name, value);
    else node[name] = value;
  }
  return root;
}

/**
 * The YAML that SOPS writes (go-yaml v3): block mappings and sequences, plain, quoted and literal block scalars,
 * comments. Anything else (anchors, flow collections, several documents) is refused rather than guessed.
 * @param {string} text
 */
function parseYaml(text) {
  const lines = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '---' && lines.length === 0) continue;
    if (line.trim() === '---' || line.trim() === '...') throw new SopsFileError(`YAML line ${i + 1}: several documents are not supported`);
    if (line.includes('\t') && /^\s*\t/.test(line)) throw new SopsFileError(`YAML line ${i + 1}: tab indentation`);
    lines.push({ no: i + 1, text: line, indent: line.length - line.trimStart().length });
  }
  let pos = 0;
  const isSkippable = (/** @type {{ text: string }} */ l) => l.text.trim() === '' || l.text.trim().startsWith('#');
  const skip = () => {
    while (pos < lines.length && isSkippable(lines[pos])) pos++;
  };
  const fail = (/** @type {{ no: number }} */ l, /** @type {string} */ why) => new SopsFileError(`YAML line ${l.no}: ${why}`);

  /** @param {number} indent @returns {any} */
  const block = (indent) => {
    skip();
    const first = lines[pos];
    if (first.text.slice(first.indent).startsWith('- ') || first.text.trim() === '-') return sequence(first.indent);
    return mapping(first.indent, indent);
  };

  /** @param {number} indent @param {number} parentIndent */
  const mapping = (indent, parentIndent) => {
    /** @type {Map<string, any>} */
    const out = new Map();
    for (skip(); pos < lines.length && lines[pos].indent === indent; skip()) {
      const l = lines[pos];
      const rest = l.text.slice(indent);
      if (rest.startsWith('- ')) break;
      const { key, after } = splitKey(rest, l);
      if (out.has(key)) throw fail(l, `duplicate key "${key}"`);
      pos++;
      out.set(key, value(after, indent, l));
    }
    if (pos < lines.length && lines[pos].indent > indent && lines[pos].indent > parentIndent) {
      throw fail(lines[pos], 'unexpected indentation');
    }
    return out;
  };

  /** @param {number} indent */
  const sequence = (indent) => {
    const out = [];
    for (skip(); pos < lines.length && lines[pos].indent === indent && /^-( |$)/.test(lines[pos].text.slice(indent)); skip()) {
      const l = lines[pos];
      const rest = l.text.slice(indent + 1);
      const inner = rest.trimStart();
      if (inner === '') {
        pos++;
        out.push(childBlock(indent, l));
      } else if (/^("[^"]*"|'[^']*'|[^\s"'#][^:#]*?):( |$)/.test(inner) && !ENC.test(inner)) {
        // "- key: value": a mapping whose first line shares the dash's line.
        const itemIndent = indent + 1 + (rest.length - inner.length);
        lines[pos] = { no: l.no, text: ' '.repeat(itemIndent) + inner, indent: itemIndent };
        out.push(mapping(itemIndent, indent));
      } else {
        pos++;
        out.push(value(inner, indent, l));
      }
    }
    return out;
  };

  /** @param {number} indent @param {{ no: number }} l */
  const childBlock = (indent, l) => {
    skip();
    if (pos < lines.length && (lines[pos].indent > indent || (lines[pos].indent === indent && /^-( |$)/.test(lines[pos].text.slice(indent))))) {
      return block(indent);
    }
    throw fail(l, 'a key without a value');
  };

  /** @param {string} after @param {number} indent @param {{ no: number }} l */
  const value = (after, indent, l) => {
    const v = after.trim();
    if (v === '' || v.startsWith('#')) {
      skip();
      if (pos < lines.length && (lines[pos].indent > indent || (lines[pos].indent === indent && /^-( |$)/.test(lines[pos].text.slice(indent))))) {
        return block(indent);
      }
      return null;
    }
    const literal = /^\|([1-9])?([-+])?\s*(#.*)?$/.exec(v);
    if (literal) return blockScalar(indent, literal[1] ? indent + Number(literal[1]) : undefined, literal[2]);
    if (/^[>&*!]/.test(v)) throw fail(l, 'folded scalars, anchors, aliases and tags are not supported');
    if (v === '[]') return [];
    if (v === '{}') return new Map();
    if (v.startsWith('[') || v.startsWith('{')) throw fail(l, 'flow collections are not supported');
    return scalar(v, l);
  };

  /** @param {number} parentIndent @param {number | undefined} fixedIndent @param {string | undefined} chomp */
  const blockScalar = (parentIndent, fixedIndent, chomp) => {
    const body = [];
    let contentIndent = fixedIndent;
    while (pos < lines.length) {
      const l = lines[pos];
      if (l.text.trim() === '') {
        body.push('');
        pos++;
        continue;
      }
      if (contentIndent === undefined) contentIndent = l.indent;
      if (l.indent < contentIndent || contentIndent <= parentIndent) break;
      body.push(l.text.slice(contentIndent));
      pos++;
    }
    let trailing = 0;
    while (body.length > 0 && body[body.length - 1] === '') {
      body.pop();
      trailing++;
    }
    const text = body.join('\n');
    if (body.length === 0) return '';
    if (chomp === '-') return text;
    if (chomp === '+') return text + '\n'.repeat(trailing + 1);
    return text + '\n';
  };

  skip();
  if (pos >= lines.length) throw new SopsFileError('the YAML file is empty');
  if (lines[pos].indent !== 0) throw fail(lines[pos], 'the document must start at column 1');
  const root = block(-1);
  skip();
  if (pos < lines.length) throw fail(lines[pos], 'unexpected content');
  if (!(root instanceof Map)) throw new SopsFileError('the YAML document is not a mapping');
  return root;
}

/** @param {string} rest @param {{ no: number }} l */
function splitKey(rest, l) {
  let key;
  let after;
  if (rest.startsWith('"') || rest.startsWith("'")) {
    const end = quotedEnd(rest);
    if (end < 0 || rest[end + 1] !== ':') throw new SopsFileError(`YAML line ${l.no}: a quoted key must be followed by ":"`);
    key = String(scalar(rest.slice(0, end + 1), l));
    after = rest.slice(end + 2);
  } else {
    const m = /^([^#]*?):( |$)/.exec(rest);
    if (!m) throw new SopsFileError(`YAML line ${l.no}: expected "key: value"`);
    key = m[1];
    after = rest.slice(m[0].length);
  }
  return { key, after };
}

/** Index of the closing quote of the quoted scalar `s` starts with, or -1. @param {string} s */
function quotedEnd(s) {
  const q = s[0];
  for (let i = 1; i < s.length; i++) {
    if (q === '"' && s[i] === '\\') {
      i++;
    } else if (s[i] === q) {
      if (q === "'" && s[i + 1] === "'") {
        i++;
      } else {
        return i;
      }
    }
  }
  return -1;
}

/** A YAML scalar with go-yaml v3's core-schema types. @param {string} v @param {{ no: number }} l */
function scalar(v, l) {
  if (v.startsWith('"') || v.startsWith("'")) {
    const end = quotedEnd(v);
    if (end < 0 || !/^\s*(#.*)?$/.test(v.slice(end + 1))) throw new SopsFileError(`YAML line ${l.no}: unterminated quoted scalar`);
    const body = v.slice(1, end);
    if (v[0] === "'") return body.replace(/''/g, "'");
    return body.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_m, e) => {
      if (e[0] === 'u' || e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
      return { n: '\n', t: '\t', r: '\r', '0': '\0', '"': '"', '\\': '\\', '/': '/', ' ': ' ' }[/** @type {string} */ (e)] ?? e;
    });
  }
  const plain = v.replace(/\s+#.*$/, '');
  if (/^(~|null|Null|NULL)$/.test(plain)) return null;
  if (/^(true|True|TRUE)$/.test(plain)) return true;
  if (/^(false|False|FALSE)$/.test(plain)) return false;
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(plain)) return Number(plain);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return { float: Number(plain) };
  return plain;
}

/** Maps and arrays as plain JSON values (float wrappers unwrapped). @param {any} v @returns {any} */
function toPlain(v) {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, toPlain(x)]));
  if (Array.isArray(v)) return v.map(toPlain);
  if (v !== null && typeof v === 'object' && 'float' in v) return v.float;
  return v;
}

// ---- the data key ------------------------------------------------------------------------------------------------

/**
 * The AWS KMS entries of the file's one key group (flat `kms` or a single `key_groups` entry).
 * @param {any} metadata
 * @returns {{ arn: string, enc: string, context?: { [k: string]: string }, role?: string }[]}
 */
function kmsEntries(metadata) {
  const groups = metadata.key_groups;
  if (Array.isArray(groups) && groups.length > 0) {
    if (groups.length > 1) {
      throw new SopsFileError(`the file uses ${groups.length} key groups (Shamir secret sharing), which Keyward does not decrypt; encrypt it with one key group`);
    }
    return Array.isArray(groups[0].kms) ? groups[0].kms : [];
  }
  return Array.isArray(metadata.kms) ? metadata.kms : [];
}

/**
 * Decrypt the data key with the file's entry for `keyArn`.
 * @param {any} metadata
 * @param {string} keyArn
 * @param {(input: { KeyId: string, CiphertextBlob: Uint8Array, EncryptionContext?: { [k: string]: string } }) => Promise<Uint8Array | undefined>} kmsDecrypt
 */
async function dataKeyFor(metadata, keyArn, kmsDecrypt) {
  const entry = kmsEntries(metadata).find(e => e.arn === keyArn);
  if (!entry) {
    throw new SopsFileError(`the file's sops metadata has no AWS KMS entry for ${keyArn}`);
  }
  if (typeof entry.enc !== 'string' || entry.enc.length === 0) {
    throw new SopsFileError(`the file's AWS KMS entry for ${keyArn} has no encrypted data key`);
  }
  let plaintext;
  try {
    plaintext = await kmsDecrypt({
      KeyId: keyArn,
      CiphertextBlob: Buffer.from(entry.enc, 'base64'),
      EncryptionContext: entry.context && Object.keys(entry.context).length > 0 ? entry.context : undefined,
    });
  } catch (e) {
    const err = /** @type {{ name?: string, message?: string }} */ (e);
    // KMS errors name the key and the reason (AccessDenied, wrong key, disabled): never a plaintext.
    throw new SopsFileError(`could not decrypt the file's data key with ${keyArn}: ${err.name ?? 'Error'}: ${err.message ?? ''}`);
  }
  if (!plaintext || plaintext.length !== 32) {
    throw new SopsFileError(`the data key decrypted with ${keyArn} is not a 256-bit key`);
  }
  return Buffer.from(plaintext);
}

// ---- values and the MAC ------------------------------------------------------------------------------------------

/**
 * Decrypt one `ENC[AES256_GCM,...]` value.
 * @param {string} value @param {Buffer} key @param {string} additionalData @param {string} where
 * @returns {{ type: string, bytes: Buffer }}
 */
function decryptValue(value, key, additionalData, where) {
  const m = ENC.exec(value);
  if (!m) throw new SopsFileError(`${where} is not a SOPS-encrypted value`);
  const [data, iv, tag] = [m[1], m[2], m[3]].map(s => Buffer.from(s, 'base64'));
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(additionalData, 'utf8'));
    decipher.setAuthTag(tag);
    return { type: m[4], bytes: Buffer.concat([decipher.update(data), decipher.final()]) };
  } catch {
    throw new SopsFileError(`${where} does not decrypt with the file's data key (tampered, moved, or encrypted with another key)`);
  }
}

/**
 * Whether SOPS encrypted the value at `path` (the suffix and regex settings of sops.go shouldBeEncrypted; comment
 * regexes are refused).
 * @param {any} md @param {string[]} path
 */
function shouldBeEncrypted(md, path) {
  let encrypted = true;
  if (md.unencrypted_suffix && path.some(p => p.endsWith(md.unencrypted_suffix))) encrypted = false;
  if (md.encrypted_suffix) encrypted = path.some(p => p.endsWith(md.encrypted_suffix));
  if (md.unencrypted_regex && path.some(p => new RegExp(md.unencrypted_regex).test(p))) encrypted = false;
  if (md.encrypted_regex) encrypted = path.some(p => new RegExp(md.encrypted_regex).test(p));
  return encrypted;
}

/** The bytes SOPS hashes for an unencrypted value (sops.go ToBytes). @param {any} v */
function macBytes(v) {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (typeof v === 'boolean') return Buffer.from(v ? 'True' : 'False');
  if (typeof v === 'number') return Buffer.from(String(v));
  if (v !== null && typeof v === 'object' && 'float' in v) return Buffer.from(formatFloat(v.float));
  throw new SopsFileError(`unsupported value type ${typeof v}`);
}

/** Go's strconv.FormatFloat(f, 'f', -1, 64): the shortest digits, never an exponent. @param {number} f */
function formatFloat(f) {
  const s = String(f);
  if (!/e/i.test(s)) return s;
  return f.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}

/** A decrypted value as JSON would hold it. @param {{ type: string, bytes: Buffer }} d */
function typedValue(d) {
  const s = d.bytes.toString('utf8');
  switch (d.type) {
    case 'str':
    case 'bytes':
    case 'time':
      return s;
    case 'int':
    case 'float':
      return Number(s);
    case 'bool':
      return /^(1|t|T|TRUE|true|True)$/.test(s);
    default:
      throw new SopsFileError(`unknown SOPS value type "${d.type}"`);
  }
}

/**
 * Decrypt a parsed file with its data key and verify the MAC. Returns the tree as plain JSON values.
 * @param {{ tree: Map<string, any>, metadata: any }} parsed
 * @param {Buffer} key
 */
function decryptTree(parsed, key) {
  const md = parsed.metadata;
  if (md.unencrypted_comment_regex || md.encrypted_comment_regex) {
    throw new SopsFileError('files encrypted with a comment regex are not supported');
  }
  const macOnlyEncrypted = md.mac_only_encrypted === true || md.mac_only_encrypted === 'true';
  const hash = crypto.createHash('sha512');
  if (macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_INIT);

  /** @param {any} node @param {string[]} path @returns {any} */
  const walk = (node, path) => {
    if (node instanceof Map) {
      /** @type {{ [k: string]: any }} */
      const out = {};
      for (const [k, v] of node) {
        const child = walk(v, [...path, k]);
        if (child !== COMMENT) out[k] = child;
      }
      return out;
    }
    if (Array.isArray(node)) {
      return node.map(v => walk(v, path)).filter(v => v !== COMMENT);
    }
    if (node === null || node === undefined) return null;
    const where = `the value at "${path.join('.')}"`;
    if (shouldBeEncrypted(md, path)) {
      if (typeof node !== 'string') throw new SopsFileError(`${where} is not encrypted (expected an encrypted string)`);
      if (node === '') return '';
      const d = decryptValue(node, key, `${path.join(':')}:`, where);
      if (d.type === 'comment') return COMMENT;
      hash.update(d.type === 'bool' ? Buffer.from(typedValue(d) ? 'True' : 'False') : d.bytes);
      return typedValue(d);
    }
    if (!macOnlyEncrypted) hash.update(macBytes(node));
    return toPlain(node);
  };

  const tree = walk(parsed.tree, []);
  const computed = hash.digest('hex').toUpperCase();
  let stored;
  try {
    stored = decryptValue(md.mac, key, md.lastmodified, 'the MAC').bytes.toString('utf8');
  } catch {
    throw new SopsFileError('the file\'s MAC does not decrypt with its data key: the file was tampered with');
  }
  if (!crypto.timingSafeEqual(Buffer.from(stored.padEnd(computed.length)), Buffer.from(computed.padEnd(stored.length)))) {
    throw new SopsFileError('MAC mismatch: the file\'s values were changed after it was encrypted (edit it with sops)');
  }
  return tree;
}

/**
 * The value to store: one field, or the whole file as a JSON object (a binary file: its content).
 * @param {{ [k: string]: any }} tree @param {string} format @param {string | undefined} field
 */
function selectValue(tree, format, field) {
  if (format === 'binary') {
    if (field) throw new SopsFileError('a binary file has no fields');
    return String(tree.data);
  }
  if (field === undefined || field === '') return JSON.stringify(tree);
  if (!Object.prototype.hasOwnProperty.call(tree, field)) throw new SopsFileError(`the file has no field "${field}"`);
  const v = tree[field];
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * Decrypt an encrypted file's text to the value to store.
 * @param {string} text
 * @param {{ format: string, field?: string, keyArn: string }} options
 * @param {Parameters<typeof dataKeyFor>[2]} kmsDecrypt
 */
async function decryptSopsFile(text, options, kmsDecrypt) {
  const parsed = parseSopsFile(text, options.format);
  const key = await dataKeyFor(parsed.metadata, options.keyArn, kmsDecrypt);
  try {
    return selectValue(decryptTree(parsed, key), options.format, options.field);
  } finally {
    key.fill(0);
  }
}

// ---- the custom resource -----------------------------------------------------------------------------------------

/** @param {string} arn */
function regionOf(arn) {
  return arn.split(':')[3];
}

/**
 * Provider framework onEvent handler. Properties: SecretArn, Bucket, ObjectKey, Format, Field (optional), KmsKeyArn,
 * FileHash (changes with the file, so CloudFormation sends an Update), SourceFile (for messages).
 * @param {any} event
 */
async function handler(event) {
  if (event.RequestType === 'Delete') {
    // The secret keeps its value (and is retained or deleted by its own resource): nothing to write.
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const p = event.ResourceProperties;
  const { S3Client, GetObjectCommand } = require('@aws-sdk/client-s3');
  const { KMSClient, DecryptCommand } = require('@aws-sdk/client-kms');
  const { SecretsManagerClient, PutSecretValueCommand } = require('@aws-sdk/client-secrets-manager');
  const source = p.SourceFile ?? `s3://${p.Bucket}/${p.ObjectKey}`;
  try {
    // Path-style only against a custom endpoint (an S3-compatible test server); AWS itself uses virtual-hosted style.
    const s3 = new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL) });
    const object = await s3.send(new GetObjectCommand({ Bucket: p.Bucket, Key: p.ObjectKey }));
    const text = await object.Body.transformToString('utf-8');
    const kms = new KMSClient({ region: regionOf(p.KmsKeyArn) });
    const value = await decryptSopsFile(text, { format: p.Format, field: p.Field, keyArn: p.KmsKeyArn }, async (input) => {
      return (await kms.send(new DecryptCommand(input))).Plaintext;
    });
    await new SecretsManagerClient({ region: regionOf(p.SecretArn) }).send(new PutSecretValueCommand({ SecretId: p.SecretArn, SecretString: value }));
  } catch (e) {
    if (e instanceof SopsFileError) throw new Error(`${source}: ${e.message}`);
    const err = /** @type {{ name?: string, message?: string }} */ (e);
    // S3 and Secrets Manager errors name the request, never the value sent.
    throw new Error(`${source}: ${err.name ?? 'Error'}: ${err.message ?? ''}`);
  }
  return { PhysicalResourceId: p.SecretArn };
}

module.exports = { handler, decryptSopsFile, parseSopsFile, decryptTree, selectValue, SopsFileError };
