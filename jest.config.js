/** One run, three projects; one FerretDB for the whole run (test/support/global-setup.ts). */
const transform = { '^.+\\.ts$': ['@swc/jest'] };

const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  ...extra,
});

module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  maxWorkers: 2,
  // The machine is shared: argon2 sign-ins slow down under load; a hook or test may take longer than jest's 5 s default.
  testTimeout: 20_000,
  projects: [
    project('unit'),
    project('integration', { slowTestThreshold: 10 }),
    project('e2e', { slowTestThreshold: 30 }),
  ],
};
