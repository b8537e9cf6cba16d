/**
 * The Messenger and Instagram demo for `npm run dev`: in the demo sub-account, a Messenger inbox that
 * is the demo's Facebook page and an Instagram inbox that is its Instagram account (each registered
 * in the integrations registry by the inbox, so the Facebook and Instagram chat widgets seeded here
 * link to them), with tokens the local Graph API sink (/dev/sinks/graph, GRAPH_API_BASE_URL under
 * `npm run dev`) accepts. Found by name or created, never twice.
 */
export const DEMO_MESSENGER = {
  name: "Demo Dental Messenger",
  page_id: "100000000000210",
  page_name: "Demo Dental",
  page_access_token: "demo-page-access-token",
};
export const DEMO_INSTAGRAM = {
  name: "Demo Dental Instagram",
  instagram_id: "17841400000000210",
  username: "demodental",
  access_token: "demo-instagram-access-token",
};

/** @param {(method: string, path: string, token?: string, body?: unknown) => Promise<{status: number, body: any}>} api */
export async function seedMeta(api, accountId, adminToken, created) {
  const accountPath = `/api/v1/accounts/${accountId}`;
  const expectOk = (reply, what) => {
    if (reply.status >= 300) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  };
  const inboxes = expectOk(await api("GET", `${accountPath}/inboxes`, adminToken), "list inboxes").payload;
  let messenger = inboxes.find((inbox) => inbox.name === DEMO_MESSENGER.name && inbox.channel_type === "Channel::FacebookPage");
  if (!messenger) {
    const { name, ...channel } = DEMO_MESSENGER;
    messenger = expectOk(
      await api("POST", `${accountPath}/inboxes`, adminToken, { name, channel: { type: "facebook_page", ...channel } }),
      "create Messenger inbox",
    );
    created(`inbox ${messenger.name}`);
  }
  let instagram = inboxes.find((inbox) => inbox.name === DEMO_INSTAGRAM.name && inbox.channel_type === "Channel::Instagram");
  if (!instagram) {
    const { name, ...channel } = DEMO_INSTAGRAM;
    instagram = expectOk(
      await api("POST", `${accountPath}/inboxes`, adminToken, { name, channel: { type: "instagram", ...channel } }),
      "create Instagram inbox",
    );
    created(`inbox ${instagram.name}`);
  }

  // The widgets that send visitors to the page and the account (m.me, ig.me links).
  const pages = expectOk(await api("GET", `${accountPath}/integrations/facebook_pages`, adminToken), "list Facebook pages").payload;
  const accounts = expectOk(await api("GET", `${accountPath}/integrations/instagram_accounts`, adminToken), "list Instagram accounts").payload;
  const page = pages.find((candidate) => candidate.page_id === DEMO_MESSENGER.page_id);
  const account = accounts.find((candidate) => candidate.instagram_id === DEMO_INSTAGRAM.instagram_id);
  const widgets = expectOk(await api("GET", `${accountPath}/chat_widgets`, adminToken), "list chat widgets").payload;
  const wanted = [
    { name: "Demo Dental Messenger", type: "facebook", facebook_page_id: page?.id },
    { name: "Demo Dental Instagram", type: "instagram", instagram_account_id: account?.id },
  ];
  for (const widget of wanted) {
    if (widgets.some((existing) => existing.name === widget.name)) continue;
    expectOk(await api("POST", `${accountPath}/chat_widgets`, adminToken, widget), `create chat widget ${widget.name}`);
    created(`chat widget ${widget.name}`);
  }
  return {
    messenger: { id: messenger.id, name: messenger.name, page_id: DEMO_MESSENGER.page_id },
    instagram: { id: instagram.id, name: instagram.name, instagram_id: DEMO_INSTAGRAM.instagram_id },
  };
}
