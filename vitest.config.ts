// Three projects: `workers` runs in the Workers runtime (workerd) with real D1, Durable Objects,
// Queues and R2 from wrangler.toml; `node` holds checks that need Node (drizzle-kit); `e2e` drives
// headless Chromium against the whole platform running under `wrangler dev`.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { outboundSink } from "./test/support/outbound-sink";

export const TEST_SECRETS = {
  PLATFORM_TOKEN: "test-platform-token",
  TOKEN_SIGNING_SECRET: "test-token-signing-secret-0123456789abcdef",
  WHATSAPP_APP_SECRET: "test-whatsapp-app-secret",
  // Messenger and Instagram: the Meta app secrets that sign webhooks, and the verify tokens.
  FB_APP_SECRET: "test-facebook-app-secret",
  INSTAGRAM_APP_SECRET: "test-instagram-app-secret",
  FB_VERIFY_TOKEN: "test-facebook-verify-token",
  IG_VERIFY_TOKEN: "test-instagram-verify-token",
  // Web Push: a VAPID key pair for the tests only.
  VAPID_PUBLIC_KEY: "BEO4d6O-nvOf4P_koTJfYKic3ySfazzOa7K5RD-cIKL10eey_WJHDUXc7-Z6iUX7bl4Bqy1gI2UBvjtoSlSj0GA",
  VAPID_PRIVATE_KEY: "TFFODZff84z7MmFrjEsFb_IiK9aQ3VP95x4_5v30glc",
};

/** Providers' APIs as the tests reach them: recording hosts of the outbound sink (test/support/outbound-sink.ts). */
const TEST_PROVIDER_SETTINGS = { PUSH_RELAY_URL: "https://push-relay.sink.test/send_push", NOTIFICATION_EMAIL_DELAY_SECONDS: "4", GRAPH_API_BASE_URL: "https://graph.sink.test", INSTAGRAM_API_BASE_URL: "https://graph-instagram.sink.test" };

/**
 * The limits as the tests run them (docs/SECURITY.md, "Limits"): production's, except where a test's
 * own traffic would pass them (test requests carry no CF-Connecting-IP, so limits by address only
 * count where a test sets one). A connection that never subscribes is closed sooner, so that its test is short.
 */
const TEST_RATE_LIMITS = {
  // A paging test posts 25 messages in one session.
  SESSION_MESSAGE_LIMITER: { namespace_id: "1009", simple: { limit: 100, period: 10 as const } },
};
// The ping test waits up to 4.5 s for its first ping without subscribing: a connection that never
// subscribes is closed after 8 s here (30 s deployed), late enough for a busy machine's first ping.
const TEST_LIMIT_SETTINGS = { CABLE_SUBSCRIBE_WITHIN_SECONDS: "8" };
// Conversation continuity waits 60 s for a burst of agent messages deployed; the tests' bursts take well under 2 s.
const TEST_EMAIL_SETTINGS = { EMAIL_CONTINUITY_DELAY_SECONDS: "2" };

/**
 * The job queue as the tests run it: wrangler.toml's consumers, except that a batch is handed over
 * after 50 ms instead of 1 s, so a job reaches its consumer as soon as a test's burst is queued
 * (a test waits on each hop: an agent's reply is queued twice before it reaches a provider).
 */
const TEST_QUEUE_CONSUMERS = {
  "parley-jobs": { maxBatchSize: 10, maxBatchTimeout: 0.05, maxRetries: 5, deadLetterQueue: "parley-jobs-dead" },
  "parley-jobs-dead": { maxBatchSize: 10, maxBatchTimeout: 0.05 },
};

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: { ...TEST_SECRETS, ...TEST_LIMIT_SETTINGS, ...TEST_EMAIL_SETTINGS, ...TEST_PROVIDER_SETTINGS, TEST_MIGRATIONS: await readD1Migrations("./migrations") },
              ratelimits: TEST_RATE_LIMITS,
              queueConsumers: TEST_QUEUE_CONSUMERS,
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
