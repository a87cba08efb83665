import * as fs from 'fs';
import * as path from 'path';

/** One synthesized file other than the templates / Terraform configurations (which the element rules read). */
export interface OutputFile {
  /** Path relative to the output directory, with `/` separators: what findings name. */
  readonly path: string;
  readonly text: string;
}

/** Files larger than this are not read (a warning-free skip would hide a leak: it is reported as a finding instead). */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Whether a file of a synthesized output is read by the file rule: everything but the files the element rules already
 * read with construct paths and acknowledgements (`*.template.json`, `cdk.tf.json`) and `tree.json` (it repeats every
 * template property). Asset manifests, metadata, manifest.json, staged asset files and directories are read.
 */
function readByFileRule(rel: string): boolean {
  const base = path.posix.basename(rel);
  return !(base.endsWith('.template.json') || base === 'cdk.tf.json' || base === 'tree.json' || base === 'validation-report.json');
}

/** Every text file of a cdk.out / cdktf.out directory the file rule reads, recursively (symbolic links not followed). */
export function outputFiles(root: string): { files: OutputFile[]; unread: { path: string; why: string }[] } {
  const files: OutputFile[] = [];
  const unread: { path: string; why: string }[] = [];
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const abs = path.join(dir, entry.name);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      if (entry.isDirectory()) {
        visit(abs);
      } else if (entry.isFile() && readByFileRule(rel)) {
        const size = fs.statSync(abs).size;
        if (size > MAX_FILE_BYTES) {
          unread.push({ path: rel, why: `larger than ${MAX_FILE_BYTES} bytes` });
          continue;
        }
        const buf = fs.readFileSync(abs);
        // Binary files (images, zips, compiled code) hold no text a reader would take a secret from.
        if (buf.subarray(0, 8192).includes(0)) {
          continue;
        }
        files.push({ path: rel, text: buf.toString('utf-8') });
      }
    }
  };
  visit(root);
  return { files, unread };
}
