import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createAccount, createInbox, expectStatus, inviteUser, tenant } from "./helpers";
import {
  addAttributeDefinition,
  addFacebookPage,
  addInstagramAccount,
  addVoiceAiAgent,
  addWhatsappNumber,
  createChatWidget,
  integrationsPath,
  widgetsPath,
} from "./widget-fixtures";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const SVG = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>';

async function auditLog(accountId: number, adminToken: string) {
  const reply = await call("GET", `/api/v1/accounts/${accountId}/audit_logs?per_page=100`, { token: adminToken });
  expectStatus(reply, 200);
  return reply.body.audit_logs as { action: string; auditable_type: string; auditable_id: number; audited_changes: Record<string, unknown> }[];
}

async function upload(path: string, token: string, file: File) {
  const form = new FormData();
  form.append("file", file);
  const res = await exports.default.fetch(
    new Request(`http://parley.test${path}`, { method: "POST", body: form, headers: { authorization: `Bearer ${token}` } }),
  );
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

const mediaKeyOf = (url: string) => new URL(url).pathname.slice("/media/".length);

/** The exact snippet Get Code answers, for this deployment's origin. */
const expectedSnippet = (token: string) => `<script>
  (function (w, d, t, u) {
    var p = (w.parley = w.parley || { q: [], api: {} });
    "open close toggle setPredefinedMessage setUser setCustomAttributes deleteCustomAttribute setConversationCustomAttributes deleteConversationCustomAttribute setLabel removeLabel setLocale setTheme reset".split(" ").forEach(function (m) { p[m] = p[m] || function () { p.q.push([m, [].slice.call(arguments)]); }; });
    "showFakeAgentMessage sendClientMessage".split(" ").forEach(function (m) { p.api[m] = p.api[m] || function () { p.q.push(["api." + m, [].slice.call(arguments)]); }; });
    p.isOpened = p.isOpened || function () { return false; };
    var s = d.createElement("script"); s.async = true; s.src = u + "/widget.js"; s.setAttribute("data-parley-widget", t); s.setAttribute("data-parley-origin", u); d.head.appendChild(s);
  })(window, document, "${token}", "http://parley.test");
</script>`;

describe("Application API: chat widgets", () => {
  it("creates a live chat widget on a website inbox, complete, with a widget token and default settings", async () => {
    const { account, admin } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    const reply = await call("POST", widgetsPath(account.id), {
      token: admin.access_token,
      body: { name: "Website chat", type: "live_chat", inbox_id: inbox.id },
    });
    expectStatus(reply, 201);
    expect(reply.body).toMatchObject({
      id: expect.any(Number),
      account_id: account.id,
      name: "Website chat",
      type: "live_chat",
      widget_token: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
      inbox_id: inbox.id,
      whatsapp_number_id: null,
      setup_status: "complete",
      missing_dependencies: [],
      actions: { save: { enabled: true, reason: null }, get_code: { enabled: true, reason: null } },
      settings: {
        colors: { primary: "#1f93ff", text: "#ffffff" },
        position: "right",
        launcher: { text: null, icon: "chat" },
        locale: null,
        business_hours: { enabled: false, timezone: null },
        allowed_domains: [],
        business: { show: false, name: null, address: null, phone: null, email: null },
        channels: null,
        prefilled_text: null,
        avatar: null,
        logo: null,
      },
      pre_chat_form: { enabled: false, message: "Share your queries or comments here." },
    });
    expect(reply.body.settings.business_hours.days).toHaveLength(7);
    expect(reply.body.pre_chat_form.fields.map((field: { name: string }) => field.name)).toEqual(["email", "full_name", "phone_number"]);
  });

  it.each([
    ["live_chat", "Choose a website inbox for this widget before saving or getting its code.", "inbox_id"],
    ["email_sms", "Choose an email, SMS or website inbox for this widget before saving or getting its code.", "inbox_id"],
    ["whatsapp", "Connect a WhatsApp number to this widget before saving or getting its code.", "whatsapp_number_id"],
    ["facebook", "Connect a Facebook page to this widget before saving or getting its code.", "facebook_page_id"],
    ["instagram", "Connect an Instagram account to this widget before saving or getting its code.", "instagram_account_id"],
    ["voice_ai", "Choose an active Voice AI agent for this widget before saving or getting its code.", "voice_ai_agent_id"],
  ])("answers 409 setup_incomplete for a %s widget without its dependency, and saves nothing", async (type, message, field) => {
    const { account, admin } = await tenant();
    const before = await auditLog(account.id, admin.access_token);
    const reply = await call("POST", widgetsPath(account.id), { token: admin.access_token, body: { name: "Widget", type } });
    expectStatus(reply, 409);
    expect(reply.body.error).toEqual({
      code: "setup_incomplete",
      message,
      details: { missing_dependencies: [{ type: expect.any(String), field, message }] },
    });
    expect((await call("GET", widgetsPath(account.id), { token: admin.access_token })).body).toEqual({ payload: [] });
    expect(await auditLog(account.id, admin.access_token)).toHaveLength(before.length);
  });

  it("creates a widget of each integration type once its dependency is connected", async () => {
    const { account, admin } = await tenant();
    const dependencies = {
      whatsapp: { whatsapp_number_id: (await addWhatsappNumber(admin.access_token, account.id)).id },
      facebook: { facebook_page_id: (await addFacebookPage(admin.access_token, account.id)).id },
      instagram: { instagram_account_id: (await addInstagramAccount(admin.access_token, account.id)).id },
      voice_ai: { voice_ai_agent_id: (await addVoiceAiAgent(admin.access_token, account.id)).id },
    };
    for (const [type, ids] of Object.entries(dependencies)) {
      const widget = await createChatWidget(admin.access_token, account.id, { type, ...ids });
      expect(widget).toMatchObject({ type, setup_status: "complete", ...ids });
    }
  });

  it("counts a disconnected WhatsApp number as missing", async () => {
    const { account, admin } = await tenant();
    const number = await addWhatsappNumber(admin.access_token, account.id, { status: "disconnected" });
    const reply = await call("POST", widgetsPath(account.id), {
      token: admin.access_token,
      body: { name: "WhatsApp", type: "whatsapp", whatsapp_number_id: number.id },
    });
    expectStatus(reply, 409);
    expect(reply.body.error.details.missing_dependencies[0].field).toBe("whatsapp_number_id");
  });

  it("shows a widget as incomplete once its WhatsApp number is disconnected", async () => {
    const { account, admin } = await tenant();
    const number = await addWhatsappNumber(admin.access_token, account.id);
    const widget = await createChatWidget(admin.access_token, account.id, { type: "whatsapp", whatsapp_number_id: number.id });
    await call("PATCH", `${integrationsPath(account.id, "whatsapp_numbers")}/${number.id}`, {
      token: admin.access_token,
      body: { status: "disconnected" },
    });
    const reply = await call("GET", `${widgetsPath(account.id)}/${widget.id}`, { token: admin.access_token });
    expect(reply.body).toMatchObject({
      whatsapp_number_id: number.id,
      setup_status: "incomplete",
      actions: { save: { enabled: false, reason: "Connect a WhatsApp number to this widget before saving or getting its code." } },
    });
  });

  it("leaves the widget incomplete when its WhatsApp number is deleted", async () => {
    const { account, admin } = await tenant();
    const number = await addWhatsappNumber(admin.access_token, account.id);
    const widget = await createChatWidget(admin.access_token, account.id, { type: "whatsapp", whatsapp_number_id: number.id });
    expectStatus(await call("DELETE", `${integrationsPath(account.id, "whatsapp_numbers")}/${number.id}`, { token: admin.access_token }), 204);
    const reply = await call("GET", `${widgetsPath(account.id)}/${widget.id}`, { token: admin.access_token });
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({
      whatsapp_number_id: null,
      setup_status: "incomplete",
      missing_dependencies: [{ type: "whatsapp_number", field: "whatsapp_number_id" }],
      settings: reply.body.settings,
    });
    expect(reply.body.name).toBe(widget.name);
  });

  it("refuses to save an incomplete widget until a change supplies the missing dependency, then gives its code", async () => {
    const { account, admin } = await tenant();
    const number = await addWhatsappNumber(admin.access_token, account.id);
    const widget = await createChatWidget(admin.access_token, account.id, { type: "whatsapp", whatsapp_number_id: number.id });
    await call("DELETE", `${integrationsPath(account.id, "whatsapp_numbers")}/${number.id}`, { token: admin.access_token });
    const path = `${widgetsPath(account.id)}/${widget.id}`;

    const rename = await call("PATCH", path, { token: admin.access_token, body: { name: "Renamed" } });
    expectStatus(rename, 409);
    expect(rename.body.error).toMatchObject({
      code: "setup_incomplete",
      message: "Connect a WhatsApp number to this widget before saving or getting its code.",
    });
    const code = await call("GET", `${path}/embed_code`, { token: admin.access_token });
    expectStatus(code, 409);
    expect(code.body.error.code).toBe("setup_incomplete");

    const replacement = await addWhatsappNumber(admin.access_token, account.id);
    const fixed = await call("PATCH", path, { token: admin.access_token, body: { name: "Renamed", whatsapp_number_id: replacement.id } });
    expectStatus(fixed, 200);
    expect(fixed.body).toMatchObject({ name: "Renamed", whatsapp_number_id: replacement.id, setup_status: "complete" });
    const snippet = await call("GET", `${path}/embed_code`, { token: admin.access_token });
    expectStatus(snippet, 200);
    expect(snippet.body).toEqual({ html: expectedSnippet(widget.widget_token) });
  });

  it("refuses a change that would remove the dependency with 409, keeping the widget as it was", async () => {
    const { account, admin } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id);
    const reply = await call("PATCH", `${widgetsPath(account.id)}/${widget.id}`, { token: admin.access_token, body: { inbox_id: null, name: "x" } });
    expectStatus(reply, 409);
    const after = await call("GET", `${widgetsPath(account.id)}/${widget.id}`, { token: admin.access_token });
    expect(after.body).toEqual(widget);
  });

  it("asks an all-in-one widget for the dependency of each channel it turns on", async () => {
    const { account, admin } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    const body = { name: "Everything", type: "all_in_one", inbox_id: inbox.id, settings: { channels: { whatsapp: true, voice_ai: true } } };
    const incomplete = await call("POST", widgetsPath(account.id), { token: admin.access_token, body });
    expectStatus(incomplete, 409);
    expect(incomplete.body.error.details.missing_dependencies.map((missing: { type: string }) => missing.type)).toEqual(["whatsapp_number", "voice_ai_agent"]);
    const number = await addWhatsappNumber(admin.access_token, account.id);
    const agent = await addVoiceAiAgent(admin.access_token, account.id);
    const widget = await createChatWidget(admin.access_token, account.id, { ...body, whatsapp_number_id: number.id, voice_ai_agent_id: agent.id });
    expect(widget.settings.channels).toEqual({ live_chat: true, email_sms: false, whatsapp: true, facebook: false, instagram: false, voice_ai: true });
    expect(widget.setup_status).toBe("complete");
  });

  it("refuses an all-in-one widget with every channel turned off", async () => {
    const { account, admin } = await tenant();
    const reply = await call("POST", widgetsPath(account.id), {
      token: admin.access_token,
      body: { name: "Nothing", type: "all_in_one", settings: { channels: { live_chat: false } } },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details).toContainEqual({ field: "settings.channels", message: "Turn on at least one channel.", code: "required" });
  });

  it("refuses channels for widgets that are not all-in-one, and dependencies a type does not use", async () => {
    const { account, admin } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    const number = await addWhatsappNumber(admin.access_token, account.id);
    const reply = await call("POST", widgetsPath(account.id), {
      token: admin.access_token,
      body: { name: "Chat", type: "live_chat", inbox_id: inbox.id, whatsapp_number_id: number.id, settings: { channels: { whatsapp: true } } },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details.map((issue: { field: string; code: string }) => [issue.field, issue.code])).toEqual([
      ["whatsapp_number_id", "not_for_widget_type"],
      ["settings.channels", "not_for_widget_type"],
    ]);
  });

  it("answers 422 for an inbox or integration of another account, and for an API inbox", async () => {
    const { agency, account, admin } = await tenant();
    const other = await createAccount(agency.access_token);
    const otherAdmin = await inviteUser(agency.access_token, other.id, "administrator");
    const theirInbox = await createInbox(otherAdmin.access_token, other.id);
    const theirNumber = await addWhatsappNumber(otherAdmin.access_token, other.id);
    const apiInbox = await createInbox(admin.access_token, account.id, { channel: { type: "api" } });
    const cases = [
      [{ type: "live_chat", inbox_id: theirInbox.id }, "inbox_id", "not_found"],
      [{ type: "live_chat", inbox_id: apiInbox.id }, "inbox_id", "not_web_widget"],
      [{ type: "whatsapp", whatsapp_number_id: theirNumber.id }, "whatsapp_number_id", "not_found"],
    ] as const;
    for (const [body, field, code] of cases) {
      const reply = await call("POST", widgetsPath(account.id), { token: admin.access_token, body: { name: "W", ...body } });
      expectStatus(reply, 422);
      expect(reply.body.error.details).toEqual([expect.objectContaining({ field, code })]);
    }
  });

  it("answers 404 for another account's widget", async () => {
    const { agency, account, admin } = await tenant();
    const other = await createAccount(agency.access_token);
    const otherAdmin = await inviteUser(agency.access_token, other.id, "administrator");
    const theirs = await createChatWidget(otherAdmin.access_token, other.id);
    const path = `${widgetsPath(account.id)}/${theirs.id}`;
    expectStatus(await call("GET", path, { token: admin.access_token }), 404);
    expectStatus(await call("GET", `${path}/embed_code`, { token: admin.access_token }), 404);
    expectStatus(await call("PATCH", path, { token: admin.access_token, body: { name: "Mine" } }), 404);
    expectStatus(await call("DELETE", path, { token: admin.access_token }), 404);
  });

  it("refuses to change a widget's type", async () => {
    const { account, admin } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id);
    const reply = await call("PATCH", `${widgetsPath(account.id)}/${widget.id}`, { token: admin.access_token, body: { type: "email_sms" } });
    expectStatus(reply, 422);
    expect(reply.body.error.details).toEqual([{ field: "type", message: "cannot be changed", code: "immutable" }]);
    expectStatus(await call("PATCH", `${widgetsPath(account.id)}/${widget.id}`, { token: admin.access_token, body: { type: "live_chat" } }), 200);
  });

  it("merges a settings change section by section", async () => {
    const { account, admin } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id, {
      settings: { colors: { primary: "#AA3300" }, greeting: { title: "Hello", tagline: "Ask away" } },
    });
    expect(widget.settings.colors).toEqual({ primary: "#aa3300", text: "#ffffff" });
    const reply = await call("PATCH", `${widgetsPath(account.id)}/${widget.id}`, {
      token: admin.access_token,
      body: { settings: { colors: { text: "#000000" }, greeting: { title: "Welcome" }, position: "left" } },
    });
    expectStatus(reply, 200);
    expect(reply.body.settings).toMatchObject({
      colors: { primary: "#aa3300", text: "#000000" },
      greeting: { title: "Welcome", tagline: "Ask away" },
      position: "left",
    });
  });

  it("validates settings: colors, launcher text, allowed domains, business details, time zone", async () => {
    const { account, admin } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    const invalid = [
      { colors: { primary: "blue" } },
      { launcher: { text: "x".repeat(41) } },
      { allowed_domains: ["https://example.com"] },
      { allowed_domains: Array.from({ length: 51 }, (_, index) => `site${index}.example.com`) },
      { business: { email: "not an email" } },
      { business_hours: { timezone: "Mars/Olympus" } },
      { avatar: { url: "https://example.com/a.png" } },
    ];
    for (const settings of invalid) {
      const reply = await call("POST", widgetsPath(account.id), {
        token: admin.access_token,
        body: { name: "W", type: "live_chat", inbox_id: inbox.id, settings },
      });
      expect(reply.status, JSON.stringify(settings)).toBe(422);
    }
    const widget = await createChatWidget(admin.access_token, account.id, {
      inbox_id: inbox.id,
      settings: { allowed_domains: ["Shop.Example.com", "*.example.org", "shop.example.com"] },
    });
    expect(widget.settings.allowed_domains).toEqual(["shop.example.com", "*.example.org"]);
  });

  it("takes business hours in the inbox working-hours shape", async () => {
    const { account, admin } = await tenant();
    const weekday = { open_hour: 9, open_minutes: 0, close_hour: 17, close_minutes: 30 };
    const days = [0, 1, 2, 3, 4, 5, 6].map((day) => ({
      day_of_week: day,
      closed_all_day: day === 0,
      open_all_day: day === 6,
      ...(day === 0 || day === 6 ? {} : weekday),
    }));
    const bad = await call("POST", widgetsPath(account.id), {
      token: admin.access_token,
      body: { name: "W", type: "live_chat", settings: { business_hours: { enabled: true, days: days.slice(0, 6) } } },
    });
    expectStatus(bad, 422);
    const widget = await createChatWidget(admin.access_token, account.id, {
      settings: { business_hours: { enabled: true, timezone: "Europe/Amsterdam", days } },
    });
    expect(widget.settings.business_hours).toMatchObject({ enabled: true, timezone: "Europe/Amsterdam" });
    expect(widget.settings.business_hours.days[6]).toMatchObject({ open_all_day: true, open_hour: 0, close_hour: 23, close_minutes: 59 });
  });

  it("keeps pre-chat fields in the given order when they name custom attributes of their model", async () => {
    const { account, admin } = await tenant();
    const plan = await addAttributeDefinition(admin.access_token, account.id, {
      attribute_display_type: "list",
      attribute_values: ["Basic", "Pro"],
      attribute_model: "contact_attribute",
    });
    const fields = [
      { field_type: "contact_attribute", name: plan.attribute_key, type: "list", label: "Plan", values: ["Basic", "Pro"], required: true },
      { field_type: "standard", name: "email", type: "email", label: "Email" },
    ];
    const widget = await createChatWidget(admin.access_token, account.id, { pre_chat_form: { enabled: true, fields } });
    expect(widget.pre_chat_form).toEqual({
      enabled: true,
      message: "Share your queries or comments here.",
      fields: [
        { ...fields[0], placeholder: null, enabled: true },
        { ...fields[1], placeholder: null, required: false, enabled: true },
      ],
    });
  });

  it("refuses pre-chat fields that name unknown attributes, or attributes of the other model", async () => {
    const { account, admin } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    const conversationAttribute = await addAttributeDefinition(admin.access_token, account.id, { attribute_model: "conversation_attribute" });
    const reply = await call("POST", widgetsPath(account.id), {
      token: admin.access_token,
      body: {
        name: "W",
        type: "live_chat",
        inbox_id: inbox.id,
        pre_chat_form: {
          enabled: true,
          fields: [
            { field_type: "contact_attribute", name: "nothing_like_it", type: "text", label: "Unknown" },
            { field_type: "contact_attribute", name: conversationAttribute.attribute_key, type: "text", label: "Wrong model" },
          ],
        },
      },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details.map((issue: { field: string; code: string }) => [issue.field, issue.code])).toEqual([
      ["pre_chat_form.fields.0.name", "unknown_attribute"],
      ["pre_chat_form.fields.1.name", "unknown_attribute"],
    ]);
  });

  it("shows the command signing key to administrators only, and trusts the page's script only when told to", async () => {
    const { account, admin, agent } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id);
    expect(widget.command_secret).toMatch(/^[0-9a-f]{64}$/);
    expect(widget.settings.trust_page_script).toBe(false);
    const asAgent = await call("GET", `${widgetsPath(account.id)}/${widget.id}`, { token: agent.access_token });
    expectStatus(asAgent, 200);
    expect(asAgent.body.command_secret).toBeNull();
    const trusted = await call("PATCH", `${widgetsPath(account.id)}/${widget.id}`, {
      token: admin.access_token,
      body: { settings: { trust_page_script: true } },
    });
    expectStatus(trusted, 200);
    expect(trusted.body.settings.trust_page_script).toBe(true);
  });

  it("refuses a pre-chat regex_pattern that could backtrack without bound, such as ^(a+)+$", async () => {
    const { account, admin } = await tenant();
    const reply = await call("POST", widgetsPath(account.id), {
      token: admin.access_token,
      body: {
        name: "W",
        type: "live_chat",
        pre_chat_form: { fields: [{ field_type: "standard", name: "full_name", type: "text", label: "Name", regex_pattern: "^(a+)+$" }] },
      },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details[0]).toMatchObject({ field: "pre_chat_form.fields.0.regex_pattern", message: expect.stringContaining("(a+)+") });
  });

  it("refuses standard pre-chat fields other than email, phone_number and full_name, or of another type", async () => {
    const { account, admin } = await tenant();
    for (const field of [
      { field_type: "standard", name: "company", type: "text", label: "Company" },
      { field_type: "standard", name: "email", type: "text", label: "Email" },
    ]) {
      const reply = await call("POST", widgetsPath(account.id), {
        token: admin.access_token,
        body: { name: "W", type: "live_chat", pre_chat_form: { fields: [field] } },
      });
      expectStatus(reply, 422);
    }
  });

  it("audits creation, changed fields only on update, and deletion", async () => {
    const { account, admin } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id);
    await call("PATCH", `${widgetsPath(account.id)}/${widget.id}`, {
      token: admin.access_token,
      body: { name: widget.name, settings: { position: "left", colors: { primary: "#1f93ff" } } },
    });
    expectStatus(await call("DELETE", `${widgetsPath(account.id)}/${widget.id}`, { token: admin.access_token }), 204);
    const [destroyed, updated, created] = await auditLog(account.id, admin.access_token);
    expect(created).toMatchObject({ action: "create", auditable_type: "ChatWidget", auditable_id: widget.id });
    expect(created?.audited_changes).toMatchObject({ name: widget.name, type: "live_chat", inbox_id: widget.inbox_id });
    expect(updated).toMatchObject({ action: "update", auditable_id: widget.id, audited_changes: { "settings.position": ["right", "left"] } });
    expect(Object.keys(updated?.audited_changes ?? {})).toEqual(["settings.position"]);
    expect(destroyed).toMatchObject({ action: "destroy", auditable_id: widget.id });
    expectStatus(await call("GET", `${widgetsPath(account.id)}/${widget.id}`, { token: admin.access_token }), 404);
  });

  it("lets agents read widgets and their code, and answers 403 to their changes", async () => {
    const { account, admin, agent } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id);
    const path = `${widgetsPath(account.id)}/${widget.id}`;
    // The same widget, without the command signing key an administrator sees.
    expect((await call("GET", widgetsPath(account.id), { token: agent.access_token })).body).toEqual({ payload: [{ ...widget, command_secret: null }] });
    expectStatus(await call("GET", `${path}/embed_code`, { token: agent.access_token }), 200);
    expectStatus(await call("POST", widgetsPath(account.id), { token: agent.access_token, body: { name: "W", type: "live_chat" } }), 403);
    expectStatus(await call("PATCH", path, { token: agent.access_token, body: { name: "Mine" } }), 403);
    expectStatus(await call("DELETE", path, { token: agent.access_token }), 403);
    expectStatus(await upload(`${path}/media/avatar`, agent.access_token, new File([PNG], "a.png", { type: "image/png" })), 403);
    expectStatus(await call("DELETE", `${path}/media/avatar`, { token: agent.access_token }), 403);
  });
});

describe("Application API: chat widget media", () => {
  it("stores an avatar in R2 under the account's widgets prefix and serves it from /media", async () => {
    const { account, admin } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id);
    const reply = await upload(
      `${widgetsPath(account.id)}/${widget.id}/media/avatar`,
      admin.access_token,
      new File([PNG], "my avatar.png", { type: "image/png" }),
    );
    expectStatus(reply, 200);
    const avatar = reply.body.settings.avatar;
    expect(avatar).toEqual({ url: `http://parley.test/media/${avatar.key}`, key: avatar.key, content_type: "image/png" });
    expect(avatar.key).toMatch(new RegExp(`^accounts/${account.id}/widgets/[0-9a-f-]{36}/my_avatar\\.png$`));
    const served = await exports.default.fetch(avatar.url);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG);
  });

  it("replaces the previous image and deletes it from R2", async () => {
    const { account, admin } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id);
    const path = `${widgetsPath(account.id)}/${widget.id}/media/logo`;
    const first = await upload(path, admin.access_token, new File([PNG], "logo.png", { type: "image/png" }));
    const second = await upload(path, admin.access_token, new File([SVG], "logo.svg", { type: "image/svg+xml" }));
    expectStatus(second, 200);
    expect(second.body.settings.logo.content_type).toBe("image/svg+xml");
    expect(await env.MEDIA.head(first.body.settings.logo.key)).toBeNull();
    expect(await env.MEDIA.head(second.body.settings.logo.key)).not.toBeNull();
  });

  it("removes an image and its file", async () => {
    const { account, admin } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id);
    const path = `${widgetsPath(account.id)}/${widget.id}/media/avatar`;
    const uploaded = await upload(path, admin.access_token, new File([PNG], "a.png", { type: "image/png" }));
    const removed = await call("DELETE", path, { token: admin.access_token });
    expectStatus(removed, 200);
    expect(removed.body.settings.avatar).toBeNull();
    expect(await env.MEDIA.head(mediaKeyOf(uploaded.body.settings.avatar.url))).toBeNull();
  });

  it("refuses files that are not images, whatever type they claim, and images over 2 MB", async () => {
    const { account, admin } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id);
    const path = `${widgetsPath(account.id)}/${widget.id}/media/avatar`;
    const html = await upload(path, admin.access_token, new File(["<html><script>alert(1)</script>"], "a.png", { type: "image/png" }));
    expectStatus(html, 422);
    expect(html.body.error.details).toEqual([{ field: "file", message: "Upload a PNG, JPEG, GIF, WebP or SVG image.", code: "not_an_image" }]);
    const big = new Uint8Array(2 * 1024 * 1024 + 1);
    big.set(PNG);
    expectStatus(await upload(path, admin.access_token, new File([big], "big.png", { type: "image/png" })), 422);
    const json = await call("POST", path, { token: admin.access_token, body: {} });
    expectStatus(json, 422);
    expect(json.body.error.details[0].field).toBe("file");
  });

  it("answers 400 for a slot other than avatar and logo", async () => {
    const { account, admin } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id);
    expectStatus(await call("DELETE", `${widgetsPath(account.id)}/${widget.id}/media/banner`, { token: admin.access_token }), 400);
  });

  it("deletes the widget's images with the widget", async () => {
    const { account, admin } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id);
    const uploaded = await upload(`${widgetsPath(account.id)}/${widget.id}/media/avatar`, admin.access_token, new File([PNG], "a.png", { type: "image/png" }));
    expectStatus(await call("DELETE", `${widgetsPath(account.id)}/${widget.id}`, { token: admin.access_token }), 204);
    expect(await env.MEDIA.head(uploaded.body.settings.avatar.key)).toBeNull();
  });
});
