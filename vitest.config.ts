import { defineConfig } from "vitest/config";

// Two projects: `unit` needs nothing running (emulator conformance suites start their own
// emulator on a free port); `stack` shares one local stack started in a global setup.
const conditions = ["source", "node", "import", "default"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ["source"] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          globalSetup: ["local/test/tls-setup.ts"],
          include: ["*/test/**/*.test.ts"],
          exclude: ["**/node_modules/**", "**/*.stack.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "stack",
          include: ["*/test/**/*.stack.test.ts"],
          globalSetup: ["local/test/tls-setup.ts", "local/test/stack-setup.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
