/** Parley's Worker: HTTP (Hono), incoming mail (Email Routing), the jobs queue consumers, cron sweeps, and the Durable Object classes. */
import { createApp } from "./api/app";
import { receiveRoutedEmail } from "./api/email-routing";
import { handleScheduled } from "./jobs/cron";
import { handleQueueBatch } from "./jobs/queue";

export { Account } from "./durable/account";
export { Conversation } from "./durable/conversation";
export { RateCounter } from "./durable/rate-counter";

const app = createApp();

export default {
  fetch: app.fetch,
  email: receiveRoutedEmail,
  queue: handleQueueBatch,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;
