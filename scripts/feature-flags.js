#!/usr/bin/env node
// Writes aws-cdk-lib's recommended feature flags into cdk.json's context, the way `cdk init` does: the flags shipped
// by the installed aws-cdk-lib (recommended-feature-flags.json), sorted by name, after any other context keys already
// there. Run after upgrading aws-cdk-lib; test/feature-flags.test.ts fails while cdk.json is stale.
'use strict';
const fs = require('fs');
const path = require('path');

const file = path.join(__dirname, '..', 'cdk.json');
const cdkJson = JSON.parse(fs.readFileSync(file, 'utf8'));
const recommended = require('aws-cdk-lib/recommended-feature-flags.json');
const context = { ...cdkJson.context };
for (const name of Object.keys(recommended).sort()) context[name] = recommended[name];
cdkJson.context = context;
fs.writeFileSync(file, JSON.stringify(cdkJson, null, 2) + '\n');
console.error(`feature-flags: cdk.json carries ${Object.keys(recommended).length} recommended flags of aws-cdk-lib ${require('aws-cdk-lib/package.json').version}`);
