/**
 * One run, three projects. Integration and e2e share one FerretDB for the run (test/support/global-setup.ts);
 * the unit project starts none, so `npm run test:unit` runs without Go or a database.
 */
const transform = { '^.+\\.ts$': ['@swc/jest'] };

const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  ...extra,
});

const database = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

module.exports = {
  maxWorkers: 2,
  // Generous: argon2 hashing on a busy 2-core machine makes setup slow; it never stands in for a behaviour check.
  testTimeout: 30_000,
  projects: [
    project('unit'),
    project('integration', { slowTestThreshold: 10, ...database }),
    project('e2e', { slowTestThreshold: 30, ...database }),
  ],
};
