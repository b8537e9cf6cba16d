import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createAccount, createInbox, expectStatus, inviteUser, tenant } from "./helpers";

const inboxesPath = (accountId: number) => `/api/v1/accounts/${accountId}/inboxes`;
const membersPath = (accountId: number) => `/api/v1/accounts/${accountId}/inbox_members`;

async function auditLog(accountId: number, adminToken: string) {
  const reply = await call("GET", `/api/v1/accounts/${accountId}/audit_logs?per_page=100`, { token: adminToken });
  expectStatus(reply, 200);
  return reply.body.audit_logs as { action: string; auditable_type: string; auditable_id: number; audited_changes: Record<string, unknown> }[];
}

describe("Application API: inboxes", () => {
  it("creates a website inbox with a website token, its widget script and an hmac token", async () => {
    const { account, admin } = await tenant();
    const reply = await call("POST", inboxesPath(account.id), {
      token: admin.access_token,
      body: {
        name: "Website",
        greeting_enabled: true,
        greeting_message: "Hi there!",
        channel: { type: "web_widget", website_url: "https://acme.example.test", widget_color: "#AA3300", welcome_title: "Hello" },
      },
    });
    expectStatus(reply, 201);
    const inbox = reply.body;
    expect(inbox).toMatchObject({
      id: expect.any(Number),
      account_id: account.id,
      name: "Website",
      channel_type: "Channel::WebWidget",
      avatar_url: null,
      greeting_enabled: true,
      greeting_message: "Hi there!",
      website_url: "https://acme.example.test",
      widget_color: "#aa3300",
      welcome_title: "Hello",
      welcome_tagline: null,
      webhook_url: null,
      hmac_mandatory: false,
      website_token: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
      hmac_token: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
    });
    expect(inbox.channel_id).toBe(inbox.id);
    expect(inbox.inbox_identifier).toBe(inbox.website_token);
    expect(inbox.web_widget_script).toContain('src="http://parley.test/widget.js"');
    expect(inbox.web_widget_script).toContain(`data-website-token="${inbox.website_token}"`);
  });

  it("creates an API inbox with an inbox identifier and no website token", async () => {
    const { account, admin } = await tenant();
    const reply = await call("POST", inboxesPath(account.id), {
      token: admin.access_token,
      body: { name: "Backend", channel: { type: "api", webhook_url: "https://hooks.example.test/parley" } },
    });
    expectStatus(reply, 201);
    expect(reply.body).toMatchObject({
      channel_type: "Channel::Api",
      inbox_identifier: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
      website_token: null,
      web_widget_script: null,
      website_url: null,
      widget_color: null,
      webhook_url: "https://hooks.example.test/parley",
      hmac_token: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
    });
  });

  it("gives every inbox its own tokens", async () => {
    const { account, admin } = await tenant();
    const one = await createInbox(admin.access_token, account.id);
    const two = await createInbox(admin.access_token, account.id);
    expect(one.website_token).not.toBe(two.website_token);
    expect(one.hmac_token).not.toBe(two.hmac_token);
  });

  it("starts with Chatwoot's default working hours and the account's time zone", async () => {
    const { agency, admin } = await tenant();
    const account = await createAccount(agency.access_token, { timezone: "Europe/Amsterdam" });
    await inviteUser(agency.access_token, account.id, "administrator", admin.email);
    const inbox = await createInbox(admin.access_token, account.id);
    expect(inbox.timezone).toBe("Europe/Amsterdam");
    expect(inbox.working_hours_enabled).toBe(false);
    const weekday = { closed_all_day: false, open_all_day: false, open_hour: 9, open_minutes: 0, close_hour: 17, close_minutes: 0 };
    const closed = { closed_all_day: true, open_all_day: false, open_hour: null, open_minutes: null, close_hour: null, close_minutes: null };
    expect(inbox.working_hours).toEqual([
      { day_of_week: 0, ...closed },
      ...[1, 2, 3, 4, 5].map((day) => ({ day_of_week: day, ...weekday })),
      { day_of_week: 6, ...closed },
    ]);
  });

  it("stores working hours sorted by day, open all day as 00:00 to 23:59", async () => {
    const { account, admin } = await tenant();
    const days = [6, 5, 4, 3, 2, 1, 0].map((day) =>
      day === 3 ? { day_of_week: day, open_all_day: true } : { day_of_week: day, open_hour: 8, open_minutes: 30, close_hour: 12, close_minutes: 15 },
    );
    const inbox = await createInbox(admin.access_token, account.id, { working_hours: days, working_hours_enabled: true });
    const hours = inbox.working_hours as { day_of_week: number }[];
    expect(hours.map((day) => day.day_of_week)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(hours[3]).toEqual({
      day_of_week: 3,
      closed_all_day: false,
      open_all_day: true,
      open_hour: 0,
      open_minutes: 0,
      close_hour: 23,
      close_minutes: 59,
    });
  });

  it("lists every inbox to administrators", async () => {
    const { account, admin } = await tenant();
    const one = await createInbox(admin.access_token, account.id);
    const two = await createInbox(admin.access_token, account.id, { channel: { type: "api" } });
    const reply = await call("GET", inboxesPath(account.id), { token: admin.access_token });
    expectStatus(reply, 200);
    expect(reply.body.payload.map((inbox: { id: number }) => inbox.id)).toEqual([one.id, two.id]);
    expect(reply.body.payload[0].hmac_token).toBe(one.hmac_token);
  });

  it("lists to an agent only the inboxes they are members of, without the hmac token", async () => {
    const { account, admin, agent } = await tenant();
    const theirs = await createInbox(admin.access_token, account.id);
    await createInbox(admin.access_token, account.id);
    const add = await call("POST", membersPath(account.id), {
      token: admin.access_token,
      body: { inbox_id: theirs.id, user_ids: [agent.id] },
    });
    expectStatus(add, 200);
    const reply = await call("GET", inboxesPath(account.id), { token: agent.access_token });
    expectStatus(reply, 200);
    expect(reply.body.payload.map((inbox: { id: number }) => inbox.id)).toEqual([theirs.id]);
    expect(reply.body.payload[0]).not.toHaveProperty("hmac_token");
    expect(JSON.stringify(reply.body)).not.toContain(theirs.hmac_token);
    const one = await call("GET", `${inboxesPath(account.id)}/${theirs.id}`, { token: agent.access_token });
    expectStatus(one, 200);
    expect(one.body).not.toHaveProperty("hmac_token");
  });

  it("answers 404 to an agent for an inbox they are not a member of", async () => {
    const { account, admin, agent } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    const reply = await call("GET", `${inboxesPath(account.id)}/${inbox.id}`, { token: agent.access_token });
    expectStatus(reply, 404);
  });

  it("answers 404 for an inbox of another account", async () => {
    const mine = await tenant();
    const theirs = await tenant();
    const inbox = await createInbox(theirs.admin.access_token, theirs.account.id);
    for (const method of ["GET", "DELETE"]) {
      const reply = await call(method, `${inboxesPath(mine.account.id)}/${inbox.id}`, { token: mine.admin.access_token });
      expectStatus(reply, 404);
    }
  });

  it("refuses agents creating, updating and deleting inboxes with 403", async () => {
    const { account, admin, agent } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    await call("POST", membersPath(account.id), { token: admin.access_token, body: { inbox_id: inbox.id, user_ids: [agent.id] } });
    const token = agent.access_token;
    const create = await call("POST", inboxesPath(account.id), {
      token,
      body: { name: "Mine", channel: { type: "api" } },
    });
    expectStatus(create, 403);
    expectStatus(await call("PATCH", `${inboxesPath(account.id)}/${inbox.id}`, { token, body: { name: "Renamed" } }), 403);
    expectStatus(await call("DELETE", `${inboxesPath(account.id)}/${inbox.id}`, { token }), 403);
    const after = await call("GET", `${inboxesPath(account.id)}/${inbox.id}`, { token: admin.access_token });
    expect(after.body.name).toBe(inbox.name);
  });

  it("rejects a widget color that is not #rrggbb", async () => {
    const { account, admin } = await tenant();
    const reply = await call("POST", inboxesPath(account.id), {
      token: admin.access_token,
      body: { name: "Website", channel: { type: "web_widget", website_url: "https://acme.example.test", widget_color: "red" } },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details.map((d: { field: string }) => d.field)).toEqual(["channel.widget_color"]);
  });

  it("rejects a time zone that is not an IANA time zone", async () => {
    const { account, admin } = await tenant();
    const reply = await call("POST", inboxesPath(account.id), {
      token: admin.access_token,
      body: { name: "Website", timezone: "Mars/Olympus_Mons", channel: { type: "api" } },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details[0].field).toBe("timezone");
  });

  it("rejects an unknown channel type", async () => {
    const { account, admin } = await tenant();
    const reply = await call("POST", inboxesPath(account.id), {
      token: admin.access_token,
      body: { name: "Fax", channel: { type: "fax", number: "+14155550100" } },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details[0].field).toMatch(/^channel/);
  });

  it("rejects a website URL that is not http or https", async () => {
    const { account, admin } = await tenant();
    const reply = await call("POST", inboxesPath(account.id), {
      token: admin.access_token,
      body: { name: "Website", channel: { type: "web_widget", website_url: "javascript:alert(1)" } },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details[0].field).toBe("channel.website_url");
  });

  it("rejects working hours that do not cover the seven days exactly once", async () => {
    const { account, admin } = await tenant();
    const day = (day_of_week: number) => ({ day_of_week, closed_all_day: true });
    for (const working_hours of [[0, 1, 2, 3, 4, 5].map(day), [0, 1, 2, 3, 4, 5, 5].map(day)]) {
      const reply = await call("POST", inboxesPath(account.id), {
        token: admin.access_token,
        body: { name: "Website", working_hours, channel: { type: "api" } },
      });
      expectStatus(reply, 422);
      expect(reply.body.error.details[0].field).toMatch(/^working_hours/);
    }
  });

  it("rejects a working day that closes before it opens or lacks its hours", async () => {
    const { account, admin } = await tenant();
    const week = (monday: Record<string, unknown>) =>
      [0, 1, 2, 3, 4, 5, 6].map((day) => (day === 1 ? { day_of_week: 1, ...monday } : { day_of_week: day, closed_all_day: true }));
    for (const monday of [
      { open_hour: 17, open_minutes: 0, close_hour: 9, close_minutes: 0 },
      { open_hour: 9, open_minutes: 0 },
      { closed_all_day: true, open_all_day: true },
    ]) {
      const reply = await call("POST", inboxesPath(account.id), {
        token: admin.access_token,
        body: { name: "Website", working_hours: week(monday), channel: { type: "api" } },
      });
      expectStatus(reply, 422);
      expect(reply.body.error.details[0].field).toMatch(/^working_hours\.1\./);
    }
  });

  it("updates an inbox and its channel, auditing only the fields that changed", async () => {
    const { account, admin } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id, { name: "Website" });
    const reply = await call("PATCH", `${inboxesPath(account.id)}/${inbox.id}`, {
      token: admin.access_token,
      body: { name: "Website", greeting_enabled: true, channel: { widget_color: "#000000", hmac_mandatory: false } },
    });
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({ name: "Website", greeting_enabled: true, widget_color: "#000000", hmac_token: inbox.hmac_token });
    const [entry] = await auditLog(account.id, admin.access_token);
    expect(entry).toMatchObject({
      action: "update",
      auditable_type: "Inbox",
      auditable_id: inbox.id,
      audited_changes: { greeting_enabled: [false, true], widget_color: ["#1f93ff", "#000000"] },
    });
    expect(Object.keys(entry?.audited_changes ?? {}).sort()).toEqual(["greeting_enabled", "widget_color"]);
  });

  it("does not audit an update that changes nothing, working hours included", async () => {
    const { account, admin } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    const before = await auditLog(account.id, admin.access_token);
    const reply = await call("PATCH", `${inboxesPath(account.id)}/${inbox.id}`, {
      token: admin.access_token,
      body: { name: inbox.name, working_hours: inbox.working_hours, timezone: inbox.timezone },
    });
    expectStatus(reply, 200);
    expect(reply.body.updated_at).toBe(inbox.updated_at);
    expect(await auditLog(account.id, admin.access_token)).toHaveLength(before.length);
  });

  it("refuses channel fields that belong to another channel type", async () => {
    const { account, admin } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    const reply = await call("PATCH", `${inboxesPath(account.id)}/${inbox.id}`, {
      token: admin.access_token,
      body: { channel: { webhook_url: "https://hooks.example.test" } },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details).toEqual([{ field: "channel.webhook_url", message: expect.any(String), code: "not_for_channel_type" }]);
  });

  it("deletes an inbox with 204, audited", async () => {
    const { account, admin } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    expectStatus(await call("DELETE", `${inboxesPath(account.id)}/${inbox.id}`, { token: admin.access_token }), 204);
    expectStatus(await call("GET", `${inboxesPath(account.id)}/${inbox.id}`, { token: admin.access_token }), 404);
    const [entry] = await auditLog(account.id, admin.access_token);
    expect(entry).toMatchObject({ action: "destroy", auditable_type: "Inbox", auditable_id: inbox.id });
    expect(entry?.audited_changes).toMatchObject({ name: inbox.name, website_token: inbox.website_token });
  });

  it("audits inbox creation without ever recording the hmac token", async () => {
    const { account, admin } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    await call("PATCH", `${inboxesPath(account.id)}/${inbox.id}`, { token: admin.access_token, body: { name: "Renamed" } });
    await call("DELETE", `${inboxesPath(account.id)}/${inbox.id}`, { token: admin.access_token });
    const entries = (await auditLog(account.id, admin.access_token)).filter((e) => e.auditable_type === "Inbox");
    expect(entries.map((e) => e.action)).toEqual(["destroy", "update", "create"]);
    expect(entries[2]).toMatchObject({ auditable_id: inbox.id, audited_changes: { name: inbox.name, channel_type: "Channel::WebWidget" } });
    expect(JSON.stringify(entries)).not.toContain(inbox.hmac_token);
    expect(JSON.stringify(entries)).not.toContain("hmac_token");
  });
});

describe("Application API: inbox members", () => {
  it("adds agents to an inbox and answers with its members", async () => {
    const { account, admin, agent } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    const reply = await call("POST", membersPath(account.id), {
      token: admin.access_token,
      body: { inbox_id: inbox.id, user_ids: [agent.id, agent.id] },
    });
    expectStatus(reply, 200);
    expect(reply.body).toEqual({
      payload: [
        {
          id: agent.id,
          account_id: account.id,
          name: expect.any(String),
          available_name: expect.any(String),
          email: agent.email,
          role: "agent",
          availability_status: "offline",
          auto_offline: true,
          confirmed: true,
          thumbnail: "",
        },
      ],
    });
    const listed = await call("GET", `${membersPath(account.id)}/${inbox.id}`, { token: admin.access_token });
    expect(listed.body).toEqual(reply.body);
  });

  it("replaces an inbox's members", async () => {
    const { agency, account, admin, agent } = await tenant();
    const second = await inviteUser(agency.access_token, account.id, "agent");
    const inbox = await createInbox(admin.access_token, account.id);
    await call("POST", membersPath(account.id), { token: admin.access_token, body: { inbox_id: inbox.id, user_ids: [agent.id] } });
    const reply = await call("PATCH", membersPath(account.id), {
      token: admin.access_token,
      body: { inbox_id: inbox.id, user_ids: [second.id, admin.id] },
    });
    expectStatus(reply, 200);
    expect(reply.body.payload.map((a: { id: number }) => a.id)).toEqual([admin.id, second.id]);
  });

  it("removes agents from an inbox, answering with the members left", async () => {
    const { agency, account, admin, agent } = await tenant();
    const second = await inviteUser(agency.access_token, account.id, "agent");
    const inbox = await createInbox(admin.access_token, account.id);
    await call("POST", membersPath(account.id), {
      token: admin.access_token,
      body: { inbox_id: inbox.id, user_ids: [agent.id, second.id] },
    });
    const reply = await call("DELETE", membersPath(account.id), {
      token: admin.access_token,
      body: { inbox_id: inbox.id, user_ids: [agent.id] },
    });
    expectStatus(reply, 200);
    expect(reply.body.payload.map((a: { id: number }) => a.id)).toEqual([second.id]);
    expectStatus(await call("GET", `${inboxesPath(account.id)}/${inbox.id}`, { token: agent.access_token }), 404);
  });

  it("audits who was added and removed as an update of the inbox", async () => {
    const { agency, account, admin, agent } = await tenant();
    const second = await inviteUser(agency.access_token, account.id, "agent");
    const inbox = await createInbox(admin.access_token, account.id);
    await call("POST", membersPath(account.id), { token: admin.access_token, body: { inbox_id: inbox.id, user_ids: [agent.id] } });
    await call("PATCH", membersPath(account.id), { token: admin.access_token, body: { inbox_id: inbox.id, user_ids: [second.id] } });
    const [replaced, added] = await auditLog(account.id, admin.access_token);
    const person = (user: { id: number; email: string }) => ({ id: user.id, name: expect.any(String), email: user.email });
    expect(added).toMatchObject({
      action: "update",
      auditable_type: "Inbox",
      auditable_id: inbox.id,
      audited_changes: { added: [person(agent)], removed: [] },
    });
    expect(replaced?.audited_changes).toEqual({ added: [person(second)], removed: [person(agent)] });
  });

  it("does not audit a member change that changes nothing", async () => {
    const { account, admin, agent } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    const body = { inbox_id: inbox.id, user_ids: [agent.id] };
    await call("POST", membersPath(account.id), { token: admin.access_token, body });
    const before = await auditLog(account.id, admin.access_token);
    expectStatus(await call("POST", membersPath(account.id), { token: admin.access_token, body }), 200);
    expect(await auditLog(account.id, admin.access_token)).toHaveLength(before.length);
  });

  it("rejects user ids that are not members of the account with 422 naming them", async () => {
    const mine = await tenant();
    const theirs = await tenant();
    const inbox = await createInbox(mine.admin.access_token, mine.account.id);
    const reply = await call("POST", membersPath(mine.account.id), {
      token: mine.admin.access_token,
      body: { inbox_id: inbox.id, user_ids: [mine.agent.id, theirs.agent.id] },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details).toEqual([
      { field: "user_ids.1", message: `User ${theirs.agent.id} is not a member of this account.`, code: "not_account_member" },
    ]);
    const members = await call("GET", `${membersPath(mine.account.id)}/${inbox.id}`, { token: mine.admin.access_token });
    expect(members.body.payload).toEqual([]);
  });

  it("answers 404 for an inbox of another account", async () => {
    const mine = await tenant();
    const theirs = await tenant();
    const inbox = await createInbox(theirs.admin.access_token, theirs.account.id);
    const reply = await call("POST", membersPath(mine.account.id), {
      token: mine.admin.access_token,
      body: { inbox_id: inbox.id, user_ids: [mine.agent.id] },
    });
    expectStatus(reply, 404);
  });

  it("refuses agents listing or changing inbox members with 403", async () => {
    const { account, admin, agent } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    expectStatus(await call("GET", `${membersPath(account.id)}/${inbox.id}`, { token: agent.access_token }), 403);
    const reply = await call("POST", membersPath(account.id), {
      token: agent.access_token,
      body: { inbox_id: inbox.id, user_ids: [agent.id] },
    });
    expectStatus(reply, 403);
  });

  it("removes a user's inbox memberships in that account only when the Agency API removes them from it", async () => {
    const { agency, account, admin, agent } = await tenant();
    const other = await createAccount(agency.access_token);
    const otherAdmin = await inviteUser(agency.access_token, other.id, "administrator");
    await inviteUser(agency.access_token, other.id, "agent", agent.email);
    const inbox = await createInbox(admin.access_token, account.id);
    const otherInbox = await createInbox(otherAdmin.access_token, other.id);
    await call("POST", membersPath(account.id), { token: admin.access_token, body: { inbox_id: inbox.id, user_ids: [agent.id] } });
    await call("POST", membersPath(other.id), { token: otherAdmin.access_token, body: { inbox_id: otherInbox.id, user_ids: [agent.id] } });

    expectStatus(await call("DELETE", `/api/v1/agency/accounts/${account.id}/users/${agent.id}`, { token: agency.access_token }), 204);

    const rows = await env.DB.prepare("select inbox_id from inbox_members where user_id = ?").bind(agent.id).all();
    expect(rows.results).toEqual([{ inbox_id: otherInbox.id }]);
  });
});
