// Hand-written cdk.out-like assemblies for the report tests.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ACCOUNT = '111111111111';
export const REGION = 'eu-west-1';

/**
 * A writer of assemblies into a fresh temporary folder (removed after the test file): stacks by name, in
 * ACCOUNT/REGION, and `nested` templates referenced by aws:asset:path.
 */
export function assemblyWriter(prefix: string): (stacks: { [name: string]: any }, nested?: { [file: string]: any }) => string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  let n = 0;
  return (stacks, nested = {}) => {
    const dir = path.join(tmp, `a${n++}`);
    fs.mkdirSync(dir);
    const artifacts: any = {};
    for (const [name, doc] of Object.entries(stacks)) {
      fs.writeFileSync(path.join(dir, `${name}.template.json`), JSON.stringify(doc));
      artifacts[name] = { type: 'aws:cloudformation:stack', environment: `aws://${ACCOUNT}/${REGION}`, properties: { templateFile: `${name}.template.json` } };
    }
    for (const [file, doc] of Object.entries(nested)) {
      fs.writeFileSync(path.join(dir, file), JSON.stringify(doc));
    }
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts }));
    return dir;
  };
}
