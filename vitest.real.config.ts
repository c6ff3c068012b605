import { defineConfig } from 'vitest/config';

/**
 * The real-tools suite (`npm run test:real`): Docker Engine, buildx, containerd, cosign, QEMU and
 * PostgreSQL 18 from Debian, started by test/real/setup.ts. One file at a time: the 2-core machine
 * builds images, and files share one daemon and one registry.
 */
export default defineConfig({
  test: {
    include: ['test/real/**/*.test.ts'],
    globalSetup: ['test/real/setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    fileParallelism: false,
    testTimeout: 15 * 60_000,
    hookTimeout: 20 * 60_000,
  },
});
