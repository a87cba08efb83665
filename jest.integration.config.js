/** @type {import('jest').Config} */
module.exports = {
  ...require('./jest.config.js'),
  testPathIgnorePatterns: ['/node_modules/'],
  roots: ['<rootDir>/test/integration'],
  testTimeout: 600000,
  maxWorkers: 1,
};
