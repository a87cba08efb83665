/** The layout of a SOPS-encrypted file. */
export enum SopsFileFormat {
  /** `KEY=value` lines (`.env`). */
  DOTENV = 'dotenv',
  /** A JSON object. */
  JSON = 'json',
  /** A YAML mapping. */
  YAML = 'yaml',
  /** Any file encrypted with `--input-type binary` (stored by SOPS as JSON with one `data` value). */
  BINARY = 'binary',
}
