// Browser tests (`npm run test:browser`): Debian's Chromium through playwright-core.
module.exports = {
  'node-option': ['import=tsx'],
  spec: ['test/browser/**/*.test.ts'],
  require: ['test/helpers/global-setup.ts'],
  timeout: 60000,
  'check-leaks': true,
  'forbid-pending': process.env.CI === 'true',
};
