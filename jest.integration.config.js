/** @type {import('jest').Config} */
// Integration tests on real engines: run through scripts/test-integration.sh (npm run test:integration), which
// installs the engines and exports their paths. One suite at a time: each starts its own servers on free ports.
module.exports = {
  ...require('./jest.config.js'),
  testPathIgnorePatterns: ['/node_modules/'],
  roots: ['<rootDir>/test/integration'],
  testTimeout: 600000,
  maxWorkers: 1,
  verbose: true,
};
