import { defineConfig } from "vitest/config";

// Two projects: `unit` needs nothing running (emulator conformance suites start their own
// emulator on a free port); `stack` shares one local stack started in a global setup.
// "source" resolves @docsift/* packages to their TypeScript. Only that one is added to Vite's
// defaults: forcing "import" or "module" here would leak into Node's own require() of CommonJS dependencies
// (Node then loads the ESM builds of `long` under @azure/service-bus and of @opentelemetry/api
// under prom-client, and both break).
const conditions = ["source", "node", "development|production"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ["source"] } },
  test: {
    // In CI a JSON report as well, from which .ci/run prints one plain "N passed, N failed" line.
    reporters: process.env.CI
      ? ["default", ["json", { outputFile: "test-results/vitest-report.json" }]]
      : ["default"],
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
          // A browser or a worker process answering a poll takes longer than expect.poll's 1 s
          // default when the whole suite loads the two cores (a page that was still "Loading the
          // job…" after 1 s failed an otherwise passing run).
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
