// Seeds the local demo through the public APIs, as a new user would, and only once: the demo's
// tokens are kept in .wrangler/state/parley-demo.json (local state, like the D1 data beside it).
// When that file is missing or stale but the demo objects exist, they are found by name and their
// tokens rotated, so nothing is ever created twice.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const DEMO = {
  agency: "Parley Demo Agency",
  account: {
    name: "Demo Dental",
    locale: "en",
    country: "US",
    timezone: "America/New_York",
    business_name: "Demo Dental Clinics LLC",
    business_address: "1 Main Street, Springfield",
    business_phone: "+1 555 0100",
    support_email: "support@demo-dental.test",
  },
  inbox: {
    name: "Demo Dental website",
    channel: {
      type: "web_widget",
      website_url: "http://localhost",
      welcome_title: "Hi there!",
      welcome_tagline: "We usually reply in a few minutes.",
    },
  },
  widget: {
    name: "Demo Dental chat",
    type: "live_chat",
    settings: {
      colors: { primary: "#0f766e", text: "#ffffff" },
      launcher: { text: "Chat with us", icon: "chat" },
      greeting: { title: "Demo Dental", tagline: "Questions about an appointment? Ask us." },
      business: { show: true, name: null, address: null, phone: null, email: null },
    },
  },
  admin: { name: "Ada Admin", email: "admin@demo-dental.test", role: "administrator" },
  agent: { name: "Alex Agent", email: "agent@demo-dental.test", role: "agent" },
  // One-off SMS campaigns: an SMS inbox whose provider is the built-in sink (/dev/sinks/sms), a label,
  // and contacts with a phone number that carry it.
  sms: {
    inbox: { name: "Demo Dental SMS", phone_number: "+15555550100", account_sid: "ACdemo0000000000000000000000000000", auth_token: "demo-sink-token" },
    label: { title: "checkup-reminders", description: "Patients who want a text before their checkup", color: "#0f766e" },
    contacts: [
      { name: "Nora Patel", phone_number: "+15555550101" },
      { name: "Omar Diaz", phone_number: "+15555550102" },
    ],
  },
};

/**
 * The SMS demo, found or created (never twice): the SMS inbox pointed at this platform's local sink
 * (its URL follows the port), the label and the labelled contacts.
 */
async function seedSms(api, baseUrl, accountId, adminToken) {
  const { inbox: inboxSpec, label: labelSpec, contacts } = DEMO.sms;
  const expectOk = (reply, what) => {
    if (reply.status >= 300) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  };
  const accountPath = `/api/v1/accounts/${accountId}`;
  const sinkUrl = `${baseUrl}/dev/sinks/sms`;

  const labels = expectOk(await api("GET", `${accountPath}/labels`, adminToken), "list labels");
  const label =
    labels.payload.find((l) => l.title === labelSpec.title) ??
    expectOk(await api("POST", `${accountPath}/labels`, adminToken, labelSpec), "create label");

  const inboxes = expectOk(await api("GET", `${accountPath}/inboxes`, adminToken), "list inboxes");
  let inbox = inboxes.payload.find((i) => i.name === inboxSpec.name);
  if (!inbox) {
    inbox = expectOk(
      await api("POST", `${accountPath}/inboxes`, adminToken, {
        name: inboxSpec.name,
        channel: {
          type: "sms",
          phone_number: inboxSpec.phone_number,
          provider: "twilio",
          provider_config: { account_sid: inboxSpec.account_sid, auth_token: inboxSpec.auth_token, api_base_url: sinkUrl },
        },
      }),
      "create SMS inbox",
    );
  } else if (inbox.provider_config?.api_base_url !== sinkUrl) {
    inbox = expectOk(
      await api("PATCH", `${accountPath}/inboxes/${inbox.id}`, adminToken, { channel: { provider_config: { api_base_url: sinkUrl } } }),
      "point the SMS inbox at this platform's sink",
    );
  }

  for (const person of contacts) {
    const created = await api("POST", `${accountPath}/contacts`, adminToken, person);
    let contactId = created.body?.payload?.contact?.id;
    if (created.status === 422) {
      // Seeded before: the phone number is taken by the demo contact.
      const found = expectOk(
        await api("GET", `${accountPath}/contacts/search?q=${encodeURIComponent(person.phone_number)}`, adminToken),
        "find demo contact",
      );
      contactId = found.payload.find((c) => c.phone_number === person.phone_number)?.id;
    } else {
      expectOk(created, `create ${person.name}`);
    }
    if (!contactId) throw new Error(`demo contact ${person.name} not found`);
    expectOk(await api("POST", `${accountPath}/contacts/${contactId}/labels`, adminToken, { labels: [label.title] }), "label demo contact");
  }

  return {
    inbox: { id: inbox.id, name: inbox.name, phone_number: inbox.phone_number },
    label: { id: label.id, title: label.title },
    contacts: contacts.length,
    sink: `${sinkUrl}/messages`,
  };
}

/**
 * Writes the demo page into the built assets (dist/assets/demo/index.html, served at /demo) with the
 * seeded widget's Get Code snippet, so it embeds exactly what a website would.
 */
async function writeDemoPage(api, demo, assetsDir) {
  const reply = await api("GET", `/api/v1/accounts/${demo.account.id}/chat_widgets/${demo.widget.id}/embed_code`, demo.admin.token);
  if (reply.status !== 200) throw new Error(`embed code: ${reply.status} ${JSON.stringify(reply.body)}`);
  const template = readFileSync(new URL("../widget/demo.html", import.meta.url), "utf8");
  const page = join(assetsDir, "demo/index.html");
  mkdirSync(dirname(page), { recursive: true });
  writeFileSync(page, template.replace("<!-- PARLEY_EMBED_CODE -->", reply.body.html));
}

export async function seedDemo({ baseUrl, platformToken, stateDir, assetsDir }) {
  const api = async (method, path, token, body) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = res.status === 204 ? null : await res.json();
    return { status: res.status, body: json };
  };
  const expectOk = (reply, what) => {
    if (reply.status >= 300) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  };

  const stateFile = join(stateDir, "parley-demo.json");
  if (existsSync(stateFile)) {
    const saved = JSON.parse(readFileSync(stateFile, "utf8"));
    const [agencyOk, adminOk, agentOk] = await Promise.all([
      api("GET", `/api/v1/agency/accounts/${saved.account.id}`, saved.agency.token),
      api("GET", "/api/v1/profile", saved.admin.token),
      api("GET", "/api/v1/profile", saved.agent.token),
    ]);
    if (agencyOk.status === 200 && adminOk.status === 200 && agentOk.status === 200 && saved.inbox && saved.widget) {
      await writeDemoPage(api, saved, assetsDir);
      const sms = await seedSms(api, baseUrl, saved.account.id, saved.admin.token);
      const demo = { ...saved, sms };
      writeFileSync(stateFile, `${JSON.stringify(demo, null, 2)}\n`);
      return demo;
    }
  }

  // Find or create the agency; a token we no longer know is rotated.
  const agencies = expectOk(await api("GET", "/platform/api/v1/agencies?per_page=100", platformToken), "list agencies");
  let agency = agencies.payload.find((a) => a.name === DEMO.agency);
  agency = agency
    ? expectOk(await api("POST", `/platform/api/v1/agencies/${agency.id}/rotate_token`, platformToken), "rotate agency token")
    : expectOk(await api("POST", "/platform/api/v1/agencies", platformToken, { name: DEMO.agency }), "create agency");
  const agencyToken = agency.access_token;

  const accounts = expectOk(await api("GET", "/api/v1/agency/accounts?per_page=100", agencyToken), "list accounts");
  const account =
    accounts.payload.find((a) => a.name === DEMO.account.name) ??
    expectOk(await api("POST", "/api/v1/agency/accounts", agencyToken, DEMO.account), "create account");

  const members = expectOk(
    await api("GET", `/api/v1/agency/accounts/${account.id}/users?per_page=100`, agencyToken),
    "list users",
  );
  const userToken = async (person) => {
    const existing = members.payload.find((u) => u.email === person.email);
    const reply = existing
      ? await api("POST", `/api/v1/agency/accounts/${account.id}/users/${existing.id}/rotate_token`, agencyToken)
      : await api("POST", `/api/v1/agency/accounts/${account.id}/users`, agencyToken, person);
    const user = expectOk(reply, `seed ${person.email}`);
    return { id: user.id, email: user.email, token: user.access_token };
  };

  const admin = await userToken(DEMO.admin);
  const agent = await userToken(DEMO.agent);
  const inboxes = expectOk(await api("GET", `/api/v1/accounts/${account.id}/inboxes`, admin.token), "list inboxes");
  const inbox =
    inboxes.payload.find((i) => i.name === DEMO.inbox.name) ??
    expectOk(await api("POST", `/api/v1/accounts/${account.id}/inboxes`, admin.token, DEMO.inbox), "create inbox");
  expectOk(
    await api("POST", `/api/v1/accounts/${account.id}/inbox_members`, admin.token, { inbox_id: inbox.id, user_ids: [agent.id] }),
    "add the agent to the inbox",
  );

  const widgets = expectOk(await api("GET", `/api/v1/accounts/${account.id}/chat_widgets`, admin.token), "list chat widgets");
  const widget =
    widgets.payload.find((w) => w.name === DEMO.widget.name) ??
    expectOk(
      await api("POST", `/api/v1/accounts/${account.id}/chat_widgets`, admin.token, { ...DEMO.widget, inbox_id: inbox.id }),
      "create chat widget",
    );

  const demo = {
    agency: { id: agency.id, name: agency.name, token: agencyToken },
    account: { id: account.id, name: account.name },
    inbox: { id: inbox.id, name: inbox.name, website_token: inbox.website_token },
    widget: { id: widget.id, name: widget.name, token: widget.widget_token },
    admin,
    agent,
    sms: await seedSms(api, baseUrl, account.id, admin.token),
  };
  await writeDemoPage(api, demo, assetsDir);
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(stateFile, `${JSON.stringify(demo, null, 2)}\n`);
  return demo;
}
