/**
 * The WhatsApp demo for `npm run dev`: a WhatsApp inbox in the demo sub-account that is the demo's
 * WhatsApp number (+14155550142, the one its WhatsApp widget links to), with Cloud API settings the
 * local Graph API sink (/dev/sinks/graph, GRAPH_API_BASE_URL under `npm run dev`) accepts. Found by
 * name or created, never twice.
 */
export const DEMO_WHATSAPP = {
  name: "Demo Dental WhatsApp",
  phone_number: "+14155550142",
  provider_config: {
    api_key: "demo-whatsapp-access-token",
    phone_number_id: "100000000000142",
    business_account_id: "100000000000001",
    webhook_verify_token: "demo-whatsapp-verify-token",
  },
};

/** @param {(method: string, path: string, token?: string, body?: unknown) => Promise<{status: number, body: any}>} api */
export async function seedWhatsapp(api, accountId, adminToken, created) {
  const accountPath = `/api/v1/accounts/${accountId}`;
  const inboxes = await api("GET", `${accountPath}/inboxes`, adminToken);
  if (inboxes.status !== 200) throw new Error(`list inboxes: ${inboxes.status} ${JSON.stringify(inboxes.body)}`);
  let inbox = inboxes.body.payload.find((candidate) => candidate.name === DEMO_WHATSAPP.name && candidate.channel_type === "Channel::Whatsapp");
  if (!inbox) {
    const reply = await api("POST", `${accountPath}/inboxes`, adminToken, {
      name: DEMO_WHATSAPP.name,
      channel: { type: "whatsapp", phone_number: DEMO_WHATSAPP.phone_number, provider: "whatsapp_cloud", provider_config: DEMO_WHATSAPP.provider_config },
    });
    if (reply.status !== 201) throw new Error(`create WhatsApp inbox: ${reply.status} ${JSON.stringify(reply.body)}`);
    inbox = reply.body;
    created(`inbox ${inbox.name}`);
  }
  return { inbox: { id: inbox.id, name: inbox.name, phone_number: inbox.phone_number }, verify_token: DEMO_WHATSAPP.provider_config.webhook_verify_token };
}
