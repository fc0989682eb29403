// Unit and HTTP tests (`npm test`). Under CI=true a skipped (pending) test fails the run: a
// missing tool must not turn into a silently green CI (test/helpers/tools.ts names what to install).
module.exports = {
  'node-option': ['import=tsx'],
  spec: ['test/unit/**/*.test.ts', 'test/http/**/*.test.ts'],
  require: ['test/helpers/global-setup.ts'],
  timeout: 20000,
  'check-leaks': true,
  'forbid-pending': process.env.CI === 'true',
};
