import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'actions/**/*.test.ts', 'test/**/*.test.ts'],
    // The real-tools suite has its own configuration (vitest.real.config.ts, npm run test:real).
    exclude: ['**/node_modules/**', 'test/real/**'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
