// Builds labels, labelled contacts, SMS inboxes and one-off campaigns through the real APIs.
import { call, expectStatus, unique } from "./helpers";

export const labelsPath = (accountId: number) => `/api/v1/accounts/${accountId}/labels`;
export const contactLabelsPath = (accountId: number, contactId: number) => `/api/v1/accounts/${accountId}/contacts/${contactId}/labels`;
export const campaignsPath = (accountId: number) => `/api/v1/accounts/${accountId}/campaigns`;

export type Label = { id: number; title: string; description: string | null; color: string; show_on_sidebar: boolean };

/** A label with a title no other test uses unless `input` says otherwise. */
export async function createLabel(adminToken: string, accountId: number, input: Record<string, unknown> = {}) {
  const reply = await call("POST", labelsPath(accountId), {
    token: adminToken,
    body: { title: unique("label").toLowerCase(), ...input },
  });
  expectStatus(reply, 200);
  return reply.body as Label;
}

let phoneSequence = 0;
/** A phone number no other contact of the test run has. */
export const uniquePhone = () => `+1555${String(Date.now() % 1_000_000).padStart(6, "0")}${String(++phoneSequence % 100).padStart(2, "0")}`;

/** A contact with `labels` (titles) and, unless `phone_number` is null, a phone number. */
export async function labelledContact(token: string, accountId: number, labels: string[], input: Record<string, unknown> = {}) {
  const created = await call("POST", `/api/v1/accounts/${accountId}/contacts`, {
    token,
    body: { name: "Sam Sample", phone_number: uniquePhone(), ...input },
  });
  expectStatus(created, 201);
  const contact = created.body.payload.contact as { id: number; name: string; phone_number: string | null };
  if (labels.length > 0) {
    const labelled = await call("POST", contactLabelsPath(accountId, contact.id), { token, body: { labels } });
    expectStatus(labelled, 200);
  }
  return contact;
}

/** An SMS inbox whose provider is `baseUrl` (a recording `*.sink.test` host in tests). */
export async function createSmsInbox(adminToken: string, accountId: number, baseUrl: string, input: Record<string, unknown> = {}) {
  const reply = await call("POST", `/api/v1/accounts/${accountId}/inboxes`, {
    token: adminToken,
    body: {
      name: unique("sms"),
      channel: {
        type: "sms",
        phone_number: uniquePhone(),
        provider_config: { account_sid: "AC0123456789abcdef0123456789abcdef", auth_token: "sms-secret-token", api_base_url: baseUrl },
      },
      ...input,
    },
  });
  expectStatus(reply, 201);
  return reply.body as { id: number; name: string; phone_number: string; [field: string]: unknown };
}

/** A one-off campaign a minute ahead, to the contacts with `labelIds`; `input` overrides the defaults. */
export async function createOneOffCampaign(adminToken: string, accountId: number, inboxId: number, labelIds: number[], input: Record<string, unknown> = {}) {
  const reply = await call("POST", campaignsPath(accountId), {
    token: adminToken,
    body: {
      title: unique("one-off"),
      message: "Hi {{ contact.first_name || 'there' }}, our spring sale starts today.",
      inbox_id: inboxId,
      audience: labelIds.map((id) => ({ type: "Label", id })),
      scheduled_at: Math.floor(Date.now() / 1000) + 60,
      ...input,
    },
  });
  expectStatus(reply, 201);
  return reply.body as { id: number; status: string; campaign_status: string; scheduled_at: number; [field: string]: unknown };
}
