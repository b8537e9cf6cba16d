/**
 * The email demo for `npm run dev`: in the demo sub-account, an email inbox whose address mail is
 * simulated to (wrangler dev's /cdn-cgi/handler/email, or `node scripts/simulate.mjs email`), and an
 * Email/SMS chat widget that opens its leads there. Replies land in the local outbox (the `emails`
 * table: GET /api/v1/accounts/:id/emails). Found by name or created, never twice.
 */
export const DEMO_EMAIL_INBOX = { name: "Demo Dental Mail", email: "frontdesk@demo-dental.example" };
const DEMO_EMAIL_WIDGET = "Demo Dental Email/SMS";

/** @param {(method: string, path: string, token?: string, body?: unknown) => Promise<{status: number, body: any}>} api */
export async function seedEmail(api, accountId, adminToken, created) {
  const accountPath = `/api/v1/accounts/${accountId}`;
  const expectOk = (reply, what) => {
    if (reply.status >= 300) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  };
  const inboxes = expectOk(await api("GET", `${accountPath}/inboxes`, adminToken), "list inboxes").payload;
  let inbox = inboxes.find((candidate) => candidate.name === DEMO_EMAIL_INBOX.name && candidate.channel_type === "Channel::Email");
  if (!inbox) {
    inbox = expectOk(
      await api("POST", `${accountPath}/inboxes`, adminToken, { name: DEMO_EMAIL_INBOX.name, channel: { type: "email", email: DEMO_EMAIL_INBOX.email } }),
      "create email inbox",
    );
    created(`inbox ${inbox.name}`);
  }
  const widgets = expectOk(await api("GET", `${accountPath}/chat_widgets`, adminToken), "list chat widgets").payload;
  if (!widgets.some((widget) => widget.name === DEMO_EMAIL_WIDGET)) {
    expectOk(
      await api("POST", `${accountPath}/chat_widgets`, adminToken, { name: DEMO_EMAIL_WIDGET, type: "email_sms", inbox_id: inbox.id }),
      "create Email/SMS widget",
    );
    created(`chat widget ${DEMO_EMAIL_WIDGET}`);
  }
  return { inbox: { id: inbox.id, name: inbox.name, email: inbox.email } };
}
