// Tests run against a real embedded PostgreSQL started once for the run (test/global-setup.ts);
// each test file makes its own database, so files run in parallel.
const { readFileSync } = require('node:fs');
const swc = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swc.exclude;
delete swc.$schema;

module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { ...swc, swcrc: false }] },
  // NestJS 12 and openid-client 6 (with oauth4webapi and jose) ship ES modules only: compile them to CommonJS for jest's module system.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|openid-client|oauth4webapi|jose)/)'],
  moduleNameMapper: {
    '^@app/(domain|event-store|read-models|messaging|platform|interactions|application|demo)$': '<rootDir>/libs/$1/src',
  },
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
  // A worker asked to end gets 5 s to exit, not jest's 500 ms: on the shared 2-core machine (load 11-21) workers holding
  // nothing (no timer, socket, child or server left: sampled every 200 ms) still missed 500 ms and were force exited
  // with "failed to exit gracefully" (6 runs of 6); with 5 or 10 s, none (3 of 3). A real leak still shows: a timer or socket
  // that outlives the run by more than 5 s, such as a runner left retrying against a dropped database (up to 30 s).
  workerGracefulExitTimeout: 5000,
};
