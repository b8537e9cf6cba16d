// Three projects: `workers` runs in the Workers runtime (workerd) with real D1, Durable Objects,
// Queues and R2 from wrangler.toml; `node` holds checks that need Node (drizzle-kit); `e2e` drives
// headless Chromium against the whole platform running under `wrangler dev`.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { outboundSink } from "./test/support/outbound-sink";

export const TEST_SECRETS = {
  PLATFORM_TOKEN: "test-platform-token",
  TOKEN_SIGNING_SECRET: "test-token-signing-secret-0123456789abcdef",
};

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: { ...TEST_SECRETS, TEST_MIGRATIONS: await readD1Migrations("./migrations") },
              // The network, as the tests see it: recording hosts under *.sink.test, nothing else.
              outboundService: outboundSink,
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts"],
          setupFiles: ["./test/workers/apply-migrations.ts"],
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "e2e",
          environment: "node",
          include: ["test/e2e/**/*.test.ts"],
          // One platform under `wrangler dev` and a Chromium for the whole project; see test/e2e/global-setup.ts.
          globalSetup: ["./test/e2e/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
