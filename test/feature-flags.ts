// Jest setup (jest.config.js setupFiles): every aws-cdk-lib App in the unit tests gets cdk.json's context, the way
// `cdk synth` passes it to the app (CDK_CONTEXT_JSON), so tests synthesize with the recommended feature flags a new
// project has. Context given to an App in a test still overrides it.
import * as fs from 'fs';
import * as path from 'path';

const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8'));
process.env.CDK_CONTEXT_JSON = JSON.stringify(cdkJson.context ?? {});
