// Seeds the local demo through the public APIs, as a new user would, and only once: the demo's
// tokens are kept in .wrangler/state/parley-demo.json (local state, like the D1 data beside it).
// When that file is missing or stale but the demo objects exist, they are found by name and their
// tokens rotated, so nothing is ever created twice. What the console shows on first start (labels,
// a team, canned responses, a macro, three conversations) is found by name or created on every run.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { seedWhatsapp } from "./seed-whatsapp.mjs";
import { seedMeta } from "./seed-meta.mjs";
import { seedEmail } from "./seed-email.mjs";

/** The demo users' local passwords: printed by `npm run dev` and documented in the README. */
export const DEMO_PASSWORDS = { admin: "parley-admin-demo", agent: "parley-agent-demo" };
/** The demo agency's owner, who signs in to the Agency View. */
export const DEMO_AGENCY_OWNER = { name: "Olivia Owner", email: "owner@demo-agency.test", role: "owner", password: "parley-owner-demo" };

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
    // What a visitor meets in the widget (docs/WIDGET.md): a greeting before the conversation, the
    // reply time, an email asked for after the first answer, and a rating once it is resolved.
    greeting_enabled: true,
    greeting_message: "Hi! Ask us about **appointments**, prices or insurance.",
    reply_time: "in_a_few_minutes",
    enable_email_collect: true,
    csat_survey_enabled: true,
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
  admin: { name: "Ada Admin", email: "admin@demo-dental.test", role: "administrator", password: DEMO_PASSWORDS.admin },
  agent: { name: "Alex Agent", email: "agent@demo-dental.test", role: "agent", password: DEMO_PASSWORDS.agent },
  labels: [
    { title: "appointment", description: "Booking, moving or cancelling a visit", color: "#2563eb" },
    { title: "billing", description: "Invoices, payments and insurance", color: "#d97706" },
  ],
  team: { name: "Front desk", description: "Appointments, billing and first questions" },
  cannedResponses: [
    { short_code: "hours", content: "Hi {{contact.first_name}}, we are open Monday to Friday, 8am to 6pm." },
    {
      short_code: "insurance",
      content: "We accept most dental insurance plans, {{contact.first_name}}. Send us a photo of your card and we will check your cover before your visit.",
    },
  ],
  /** A global macro; `assign_team` gets the Front desk team's id. */
  macro: {
    name: "Book an appointment",
    visibility: "global",
    actions: (teamId) => [
      { action_name: "add_label", action_params: ["appointment"] },
      { action_name: "assign_team", action_params: [teamId] },
      { action_name: "send_message", action_params: ["Thanks {{contact.first_name}}! The front desk will confirm your appointment within the hour."] },
    ],
  },
  /**
   * Visitors' conversations, started through the Client API as the widget does; `agent` lines are
   * answered by the demo agent through the Application API. One open and assigned, one open and
   * unassigned, one pending. A conversation is seeded once: when its contact exists, it is left alone.
   */
  conversations: [
    {
      contact: { name: "Maria Lopez", email: "maria.lopez@example.test" },
      messages: [
        { from: "contact", content: "Hi! Do you have an opening for a cleaning next week?" },
        { from: "agent", content: "Hi Maria, we do: Tuesday at 10am or Thursday at 3pm. Which suits you better?" },
        { from: "contact", content: "Thursday at 3pm, please." },
      ],
      assignee: "agent",
      labels: ["appointment"],
    },
    {
      contact: { name: "Tom Becker", email: "tom.becker@example.test" },
      messages: [{ from: "contact", content: "Do you take dental insurance? Mine is through my employer." }],
    },
    {
      contact: { name: "Sam Reed", email: "sam.reed@example.test" },
      messages: [{ from: "contact", content: "Could you send me a copy of my last invoice?" }],
      labels: ["billing"],
      status: "pending",
    },
  ],
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

/** Throws with the answer when a request did not succeed; returns its body. */
function expectOk(reply, what) {
  if (reply.status >= 300) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/**
 * The SMS demo, found or created (never twice): the SMS inbox pointed at this platform's local sink
 * (its URL follows the port), the label and the labelled contacts.
 */
async function seedSms(api, baseUrl, accountId, adminToken, created) {
  const { inbox: inboxSpec, label: labelSpec, contacts } = DEMO.sms;
  const accountPath = `/api/v1/accounts/${accountId}`;
  const sinkUrl = `${baseUrl}/dev/sinks/sms`;

  const labels = expectOk(await api("GET", `${accountPath}/labels`, adminToken), "list labels");
  let label = labels.payload.find((l) => l.title === labelSpec.title);
  if (!label) {
    label = expectOk(await api("POST", `${accountPath}/labels`, adminToken, labelSpec), "create label");
    created(`label ${label.title}`);
  }

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
    created(`inbox ${inbox.name}`);
  } else if (inbox.provider_config?.api_base_url !== sinkUrl) {
    inbox = expectOk(
      await api("PATCH", `${accountPath}/inboxes/${inbox.id}`, adminToken, { channel: { provider_config: { api_base_url: sinkUrl } } }),
      "point the SMS inbox at this platform's sink",
    );
  }

  for (const person of contacts) {
    const found = expectOk(await api("GET", `${accountPath}/contacts/search?q=${encodeURIComponent(person.phone_number)}`, adminToken), "find demo contact");
    let contact = found.payload.find((c) => c.phone_number === person.phone_number);
    if (!contact) {
      contact = expectOk(await api("POST", `${accountPath}/contacts`, adminToken, person), `create ${person.name}`).payload.contact;
      created(`contact ${person.name}`);
    }
    const labelled = expectOk(await api("GET", `${accountPath}/contacts/${contact.id}/labels`, adminToken), "list the contact's labels");
    if (!labelled.payload.includes(label.title)) {
      expectOk(
        await api("POST", `${accountPath}/contacts/${contact.id}/labels`, adminToken, { labels: [...labelled.payload, label.title] }),
        "label demo contact",
      );
    }
  }

  return {
    inbox: { id: inbox.id, name: inbox.name, phone_number: inbox.phone_number },
    label: { id: label.id, title: label.title },
    contacts: contacts.length,
    sink: `${sinkUrl}/messages`,
  };
}

/**
 * What the console shows on first start, each found by name or created: the labels, the Front desk
 * team with both demo users, the canned responses, a global macro, and the visitors' conversations.
 */
async function seedConsole(api, demo, created) {
  const accountPath = `/api/v1/accounts/${demo.account.id}`;
  const admin = demo.admin.token;

  const labels = expectOk(await api("GET", `${accountPath}/labels`, admin), "list labels").payload;
  for (const spec of DEMO.labels) {
    if (labels.some((l) => l.title === spec.title)) continue;
    expectOk(await api("POST", `${accountPath}/labels`, admin, spec), `create label ${spec.title}`);
    created(`label ${spec.title}`);
  }

  const teams = expectOk(await api("GET", `${accountPath}/teams`, admin), "list teams");
  let team = teams.find((t) => t.name === DEMO.team.name);
  if (!team) {
    team = expectOk(await api("POST", `${accountPath}/teams`, admin, DEMO.team), "create team");
    created(`team ${team.name}`);
  }
  const members = expectOk(await api("GET", `${accountPath}/teams/${team.id}/team_members`, admin), "list team members");
  const missing = [demo.admin.id, demo.agent.id].filter((id) => !members.some((m) => m.id === id));
  if (missing.length) {
    expectOk(await api("POST", `${accountPath}/teams/${team.id}/team_members`, admin, { user_ids: missing }), "add team members");
    created(`${missing.length} team member(s)`);
  }

  const canned = expectOk(await api("GET", `${accountPath}/canned_responses`, admin), "list canned responses");
  for (const spec of DEMO.cannedResponses) {
    if (canned.some((r) => r.short_code === spec.short_code)) continue;
    expectOk(await api("POST", `${accountPath}/canned_responses`, admin, spec), `create canned response ${spec.short_code}`);
    created(`canned response ${spec.short_code}`);
  }

  const macros = expectOk(await api("GET", `${accountPath}/macros`, admin), "list macros").payload;
  if (!macros.some((m) => m.name === DEMO.macro.name)) {
    const { name, visibility, actions } = DEMO.macro;
    expectOk(await api("POST", `${accountPath}/macros`, admin, { name, visibility, actions: actions(team.id) }), "create macro");
    created(`macro ${name}`);
  }

  const visitor = `/public/api/v1/inboxes/${demo.inbox.website_token}`;
  for (const spec of DEMO.conversations) {
    const found = expectOk(await api("GET", `${accountPath}/contacts/search?q=${encodeURIComponent(spec.contact.email)}`, admin), "find demo visitor");
    if (found.payload.some((c) => c.email === spec.contact.email)) continue;
    const contact = expectOk(await api("POST", `${visitor}/contacts`, null, spec.contact), `start ${spec.contact.name}'s session`);
    const conversation = expectOk(
      await api("POST", `${visitor}/contacts/${contact.source_id}/conversations`, null, {}),
      `start ${spec.contact.name}'s conversation`,
    );
    const conversationPath = `${accountPath}/conversations/${conversation.id}`;
    for (const message of spec.messages) {
      const reply =
        message.from === "agent"
          ? await api("POST", `${conversationPath}/messages`, demo.agent.token, { content: message.content })
          : await api("POST", `${visitor}/contacts/${contact.source_id}/conversations/${conversation.id}/messages`, null, { content: message.content });
      expectOk(reply, `${message.from} message in ${spec.contact.name}'s conversation`);
    }
    if (spec.assignee) {
      const assigneeId = demo[spec.assignee].id;
      expectOk(await api("POST", `${conversationPath}/assignments`, admin, { assignee_id: assigneeId }), "assign the conversation");
    }
    if (spec.labels) expectOk(await api("POST", `${conversationPath}/labels`, admin, { labels: spec.labels }), "label the conversation");
    if (spec.status) expectOk(await api("POST", `${conversationPath}/toggle_status`, admin, { status: spec.status }), "set the status");
    created(`conversation with ${spec.contact.name}`);
  }
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

/**
 * Whether a demo user signs in with the documented password. The session made to find out is ended
 * at once. Users seeded before users had passwords have none: a fresh local state seeds them anew.
 */
async function passwordWorks(baseUrl, email, password) {
  const res = await fetch(`${baseUrl}/auth/sign_in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  await res.body?.cancel();
  if (res.status !== 200) return false;
  const session = Object.fromEntries(["access-token", "client", "uid"].map((name) => [name, res.headers.get(name) ?? ""]));
  const signOut = await fetch(`${baseUrl}/auth/sign_out`, { method: "DELETE", headers: session });
  await signOut.body?.cancel();
  return true;
}

/**
 * Seeds the demo (see the top of this file) and answers its ids, tokens and the demo users'
 * passwords (`passwords`: whether they sign in with them); `created` lists what this run created,
 * empty when everything was there already.
 */
export async function seedDemo({ baseUrl, platformToken, stateDir, assetsDir }) {
  const api = async (method, path, token, body) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = res.status === 204 ? null : await res.json();
    return { status: res.status, body: json };
  };
  const createdNow = [];
  const created = (what) => createdNow.push(what);

  const stateFile = join(stateDir, "parley-demo.json");
  let base = null;
  if (existsSync(stateFile)) {
    const saved = JSON.parse(readFileSync(stateFile, "utf8"));
    const [agencyOk, adminOk, agentOk] = await Promise.all([
      api("GET", `/api/v1/agency/accounts/${saved.account.id}`, saved.agency.token),
      api("GET", "/api/v1/profile", saved.admin.token),
      api("GET", "/api/v1/profile", saved.agent.token),
    ]);
    if (agencyOk.status === 200 && adminOk.status === 200 && agentOk.status === 200 && saved.inbox && saved.widget) base = saved;
  }
  base ??= await seedAccount(api, platformToken, created);

  // Users created by this seed carry the documented passwords; users found are checked until they sign in.
  const passwords =
    base.passwords === true ||
    ((await passwordWorks(baseUrl, DEMO.admin.email, DEMO.admin.password)) && (await passwordWorks(baseUrl, DEMO.agent.email, DEMO.agent.password)));
  const demo = {
    ...base,
    admin: { ...base.admin, password: DEMO.admin.password },
    agent: { ...base.agent, password: DEMO.agent.password },
    passwords,
    sms: await seedSms(api, baseUrl, base.account.id, base.admin.token, created),
    whatsapp: await seedWhatsapp(api, base.account.id, base.admin.token, created),
    meta: await seedMeta(api, base.account.id, base.admin.token, created),
    email: await seedEmail(api, base.account.id, base.admin.token, created),
  };
  await seedConsole(api, demo, created);
  demo.agencyOwner = await seedAgencyView(api, baseUrl, platformToken, demo, created);
  await writeDemoPage(api, demo, assetsDir);
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(stateFile, `${JSON.stringify(demo, null, 2)}\n`);
  return { ...demo, stateFile, created: createdNow };
}

/**
 * The agency, its sub-account, the demo users (with their passwords), the website inbox with the
 * agent as a member, and the chat widget: found by name (a token we no longer know is rotated) or
 * created.
 */
async function seedAccount(api, platformToken, created) {
  const agencies = expectOk(await api("GET", "/platform/api/v1/agencies?per_page=100", platformToken), "list agencies");
  let agency = agencies.payload.find((a) => a.name === DEMO.agency);
  if (agency) {
    agency = expectOk(await api("POST", `/platform/api/v1/agencies/${agency.id}/rotate_token`, platformToken), "rotate agency token");
  } else {
    agency = expectOk(await api("POST", "/platform/api/v1/agencies", platformToken, { name: DEMO.agency }), "create agency");
    created(`agency ${agency.name}`);
  }
  const agencyToken = agency.access_token;

  const accounts = expectOk(await api("GET", "/api/v1/agency/accounts?per_page=100", agencyToken), "list accounts");
  let account = accounts.payload.find((a) => a.name === DEMO.account.name);
  if (!account) {
    account = expectOk(await api("POST", "/api/v1/agency/accounts", agencyToken, DEMO.account), "create account");
    created(`sub-account ${account.name}`);
  }

  const members = expectOk(await api("GET", `/api/v1/agency/accounts/${account.id}/users?per_page=100`, agencyToken), "list users");
  let allNew = true;
  const userToken = async (person) => {
    const existing = members.payload.find((u) => u.email === person.email);
    if (existing) allNew = false;
    const reply = existing
      ? await api("POST", `/api/v1/agency/accounts/${account.id}/users/${existing.id}/rotate_token`, agencyToken)
      : await api("POST", `/api/v1/agency/accounts/${account.id}/users`, agencyToken, person);
    const user = expectOk(reply, `seed ${person.email}`);
    if (!existing) created(`user ${person.email}`);
    return { id: user.id, name: user.name ?? person.name, email: user.email, token: user.access_token };
  };
  const admin = await userToken(DEMO.admin);
  const agent = await userToken(DEMO.agent);

  const inboxes = expectOk(await api("GET", `/api/v1/accounts/${account.id}/inboxes`, admin.token), "list inboxes");
  let inbox = inboxes.payload.find((i) => i.name === DEMO.inbox.name);
  if (!inbox) {
    inbox = expectOk(await api("POST", `/api/v1/accounts/${account.id}/inboxes`, admin.token, DEMO.inbox), "create inbox");
    created(`inbox ${inbox.name}`);
  }
  expectOk(
    await api("POST", `/api/v1/accounts/${account.id}/inbox_members`, admin.token, { inbox_id: inbox.id, user_ids: [agent.id] }),
    "add the agent to the inbox",
  );

  const widgets = expectOk(await api("GET", `/api/v1/accounts/${account.id}/chat_widgets`, admin.token), "list chat widgets");
  let widget = widgets.payload.find((w) => w.name === DEMO.widget.name);
  if (!widget) {
    widget = expectOk(
      await api("POST", `/api/v1/accounts/${account.id}/chat_widgets`, admin.token, { ...DEMO.widget, inbox_id: inbox.id }),
      "create chat widget",
    );
    created(`chat widget ${widget.name}`);
  }

  return {
    agency: { id: agency.id, name: agency.name, token: agencyToken },
    account: { id: account.id, name: account.name },
    inbox: { id: inbox.id, name: inbox.name, website_token: inbox.website_token },
    widget: { id: widget.id, name: widget.name, token: widget.widget_token },
    admin,
    agent,
    // Created now with their passwords; found users are checked by signing in.
    ...(allNew ? { passwords: true } : {}),
  };
}

/**
 * The Agency View's demo: the agency's owner (signs in with the documented password), and in the demo
 * sub-account a connected WhatsApp number and Voice AI agent with a widget each, so a snapshot of it
 * shows what a sub-account without them will need to set up.
 */
async function seedAgencyView(api, baseUrl, platformToken, demo, created) {
  const signIn = await fetch(`${baseUrl}/auth/sign_in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: DEMO_AGENCY_OWNER.email, password: DEMO_AGENCY_OWNER.password }),
  });
  if (signIn.status === 200) {
    const token = signIn.headers.get("access-token");
    if (token) await api("DELETE", "/auth/sign_out", token);
  } else {
    expectOk(await api("POST", `/platform/api/v1/agencies/${demo.agency.id}/users`, platformToken, DEMO_AGENCY_OWNER), "create agency owner");
    created(`agency owner ${DEMO_AGENCY_OWNER.email}`);
  }

  const accountPath = `/api/v1/accounts/${demo.account.id}`;
  const token = demo.admin.token;
  const numbers = expectOk(await api("GET", `${accountPath}/integrations/whatsapp_numbers`, token), "list WhatsApp numbers");
  let number = (numbers.payload ?? numbers).find?.((n) => n.phone_number === "+14155550142");
  if (!number) {
    number = expectOk(
      await api("POST", `${accountPath}/integrations/whatsapp_numbers`, token, { phone_number: "+14155550142", display_name: "Demo Dental front desk" }),
      "connect WhatsApp number",
    );
    created("WhatsApp number +14155550142");
  }
  const agents = expectOk(await api("GET", `${accountPath}/integrations/voice_ai_agents`, token), "list Voice AI agents");
  let agent = (agents.payload ?? agents).find?.((a) => a.name === "Demo Dental receptionist");
  if (!agent) {
    agent = expectOk(await api("POST", `${accountPath}/integrations/voice_ai_agents`, token, { name: "Demo Dental receptionist" }), "add Voice AI agent");
    created("Voice AI agent Demo Dental receptionist");
  }
  const widgets = expectOk(await api("GET", `${accountPath}/chat_widgets`, token), "list chat widgets");
  const wanted = [
    { name: "Demo Dental WhatsApp", type: "whatsapp", whatsapp_number_id: number.id },
    { name: "Demo Dental Voice AI", type: "voice_ai", voice_ai_agent_id: agent.id },
  ];
  for (const widget of wanted) {
    if ((widgets.payload ?? widgets).some?.((w) => w.name === widget.name)) continue;
    expectOk(await api("POST", `${accountPath}/chat_widgets`, token, widget), `create chat widget ${widget.name}`);
    created(`chat widget ${widget.name}`);
  }
  return { email: DEMO_AGENCY_OWNER.email, password: DEMO_AGENCY_OWNER.password };
}
