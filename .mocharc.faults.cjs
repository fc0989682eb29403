// Fault tests (`npm run test:faults`): real app and database processes, killed on purpose.
module.exports = {
  'node-option': ['import=tsx'],
  spec: ['test/faults/**/*.test.ts'],
  timeout: 180000,
  slow: 20000,
  'forbid-pending': process.env.CI === 'true',
};
