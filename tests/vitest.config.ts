import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const lib = fileURLToPath(new URL('../src/lib', import.meta.url));

export default defineConfig({
  root,
  resolve: { alias: { $lib: lib } },
  test: {
    projects: [
      {
        resolve: { alias: { $lib: lib } },
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'src/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/setup/data.ts'],
          testTimeout: 60_000
        }
      },
      {
        resolve: { alias: { $lib: lib } },
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/setup/data.ts', 'tests/e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false
        }
      }
    ]
  }
});
