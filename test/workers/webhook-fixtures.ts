// Builds webhooks through the real API.
import { call, expectStatus } from "./helpers";

export const webhooksPath = (accountId: number) => `/api/v1/accounts/${accountId}/webhooks`;

export type Webhook = {
  id: number;
  name: string | null;
  url: string;
  account_id: number;
  subscriptions: string[];
  inbox: { id: number; name: string; channel_type: string } | null;
  created_at: string;
  updated_at: string;
};

/** A webhook on `url` subscribed to every event (typing included) unless `input` says otherwise; with its secret. */
export async function createWebhook(adminToken: string, accountId: number, url: string, input: Record<string, unknown> = {}) {
  const reply = await call("POST", webhooksPath(accountId), {
    token: adminToken,
    body: {
      url,
      subscriptions: [
        "conversation_created",
        "conversation_status_changed",
        "conversation_updated",
        "message_created",
        "message_updated",
        "webwidget_triggered",
        "contact_created",
        "contact_updated",
        "conversation_typing_on",
        "conversation_typing_off",
      ],
      ...input,
    },
  });
  expectStatus(reply, 200);
  return reply.body.payload.webhook as Webhook & { secret: string };
}
