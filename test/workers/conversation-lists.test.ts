import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CONVERSATION_SORTS, ConversationIndex, type ConversationFilter } from "../../src/durable/account/conversation-index";
import { MessageSearch } from "../../src/durable/account/message-search";
import { call, clientSession, createTeam, eventually, expectStatus, tenant } from "./helpers";

type Tenant = Awaited<ReturnType<typeof tenant>>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const idsOf = (reply: { body: { data?: { payload: { id: number }[] }; payload?: { id: number }[] } }) =>
  (reply.body.data?.payload ?? reply.body.payload ?? []).map((c) => c.id);

async function giveAgentInbox(t: Tenant, inboxId: number) {
  expectStatus(
    await call("POST", `/api/v1/accounts/${t.account.id}/inbox_members`, {
      token: t.admin.access_token,
      body: { inbox_id: inboxId, user_ids: [t.agent.id] },
    }),
    200,
  );
}

describe("Application API: conversation counts (conversations/meta)", () => {
  it("counts open conversations per assignee type, as Chatwoot's meta", async () => {
    const t = await tenant();
    const first = await clientSession(t);
    await clientSession(t);
    const asAdmin = { token: t.admin.access_token };
    const base = `/api/v1/accounts/${t.account.id}/conversations`;
    await call("POST", `${base}/${first.conversation.id}/assignments`, { ...asAdmin, body: { assignee_id: t.admin.id } });
    const reply = await call("GET", `${base}/meta`, asAdmin);
    expectStatus(reply, 200);
    expect(reply.body).toEqual({ meta: { mine_count: 1, unassigned_count: 1, assigned_count: 1, all_count: 2 } });
  });

  it("counts with the list's filters: status, inbox, team, labels and q", async () => {
    const t = await tenant();
    const first = await clientSession(t);
    const second = await clientSession(t);
    const asAdmin = { token: t.admin.access_token };
    const base = `/api/v1/accounts/${t.account.id}/conversations`;
    const team = await createTeam(t.admin.access_token, t.account.id);
    await call("POST", `${base}/${first.conversation.id}/assignments`, { ...asAdmin, body: { team_id: team.id } });
    await call("POST", `${base}/${first.conversation.id}/labels`, { ...asAdmin, body: { labels: ["billing"] } });
    await call("POST", `${second.conversationPath}/messages`, { body: { content: "My parcel never arrived" } });
    await call("POST", `${base}/${second.conversation.id}/toggle_status`, { ...asAdmin, body: { status: "resolved" } });
    const allCount = async (query: string) => (await call("GET", `${base}/meta?${query}`, asAdmin)).body.meta.all_count as number;
    expect(await allCount("")).toBe(1);
    expect(await allCount("status=all")).toBe(2);
    expect(await allCount("status=resolved")).toBe(1);
    expect(await allCount(`status=all&inbox_id=${second.inbox.id}`)).toBe(1);
    expect(await allCount(`status=all&team_id=${team.id}`)).toBe(1);
    expect(await allCount("status=all&labels[]=billing")).toBe(1);
    expect(await allCount("status=all&q=parcel")).toBe(1);
  });

  it("counts for an agent only the conversations of their inboxes", async () => {
    const t = await tenant();
    const mine = await clientSession(t);
    await clientSession(t);
    await giveAgentInbox(t, mine.inbox.id);
    const reply = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/meta`, { token: t.agent.access_token });
    expect(reply.body.meta).toEqual({ mine_count: 0, unassigned_count: 1, assigned_count: 0, all_count: 1 });
  });
});

describe("Application API: conversation list order (sort_by)", () => {
  it("orders the list by each of Chatwoot's sort keys, old names included", async () => {
    const t = await tenant();
    const asAdmin = { token: t.admin.access_token };
    const base = `/api/v1/accounts/${t.account.id}/conversations`;
    // a: created first, low priority, the contact writes last. b: urgent, waiting longest. c: no message, no priority.
    const a = await clientSession(t);
    await call("POST", `${base}/${a.conversation.id}/toggle_priority`, { ...asAdmin, body: { priority: "low" } });
    await sleep(1_100);
    const b = await clientSession(t);
    await call("POST", `${b.conversationPath}/messages`, { body: { content: "Hello?" } });
    await call("POST", `${base}/${b.conversation.id}/toggle_priority`, { ...asAdmin, body: { priority: "urgent" } });
    await sleep(1_100);
    const c = await clientSession(t);
    await sleep(1_100);
    await call("POST", `${a.conversationPath}/messages`, { body: { content: "Anyone there?" } });
    const [A, B, C] = [a.conversation.id, b.conversation.id, c.conversation.id];
    const expected: Record<string, number[]> = {
      "": [A, C, B],
      last_activity_at_desc: [A, C, B],
      latest: [A, C, B],
      last_activity_at_asc: [B, C, A],
      created_at_desc: [C, B, A],
      created_at_asc: [A, B, C],
      sort_on_created_at: [A, B, C],
      priority_desc: [B, A, C],
      sort_on_priority: [B, A, C],
      priority_asc: [C, A, B],
      waiting_since_asc: [B, A, C],
      sort_on_waiting_since: [B, A, C],
      waiting_since_desc: [C, A, B],
    };
    for (const [sort, ids] of Object.entries(expected)) {
      const reply = await call("GET", `${base}?${sort ? `sort_by=${sort}` : ""}`, asAdmin);
      expectStatus(reply, 200);
      expect(idsOf(reply), sort || "default").toEqual(ids);
    }
  });

  it("refuses a sort key Chatwoot does not have", async () => {
    const t = await tenant();
    const reply = await call("GET", `/api/v1/accounts/${t.account.id}/conversations?sort_by=name`, { token: t.admin.access_token });
    expectStatus(reply, 400);
  });

  it("reads every sort of a status tab and of all statuses in index order, for administrators and agents", async () => {
    const t = await tenant();
    const plans = await runInDurableObject(env.ACCOUNT.getByName(String(t.account.id)), (_, state) => {
      const index = new ConversationIndex(state.storage.sql);
      const found: Record<string, string> = {};
      for (const sort of CONVERSATION_SORTS) {
        for (const status of ["open", "all"] as const) {
          for (const visibleInboxIds of [null, [1, 2]]) {
            const filter: ConversationFilter = {
              status,
              inboxId: null,
              teamId: null,
              labels: [],
              q: null,
              visibleInboxIds,
              viewerId: 1,
              assigneeType: "me",
              sort,
              page: 3,
              perPage: 25,
            };
            const { sql, args } = index.pageQuery(filter);
            const plan = state.storage.sql.exec<{ detail: string }>(`explain query plan ${sql}`, ...args).toArray();
            found[`${sort} ${status} ${visibleInboxIds ? "agent" : "administrator"}`] = plan.map((row) => row.detail).join("; ");
          }
        }
      }
      return found;
    });
    for (const [query, plan] of Object.entries(plans)) {
      expect(plan, query).toMatch(/USING INDEX conversations_/);
      expect(plan, query).not.toMatch(/TEMP B-TREE/);
    }
  });
});

describe("Application API: conversation search", () => {
  async function searchSetUp() {
    const t = await tenant();
    const session = await clientSession(t);
    const asAdmin = { token: t.admin.access_token };
    const base = `/api/v1/accounts/${t.account.id}/conversations`;
    const search = (q: string, as: { token: string } = asAdmin) => call("GET", `${base}/search?q=${encodeURIComponent(q)}`, as);
    return { t, session, asAdmin, base, search };
  }

  it("finds conversations by words of their messages as prefixes, each with its newest matching message", async () => {
    const { t, session, base, asAdmin, search } = await searchSetUp();
    const other = await clientSession(t);
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "My invoice for March is wrong" } });
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "The invoice total, I mean" } });
    await call("POST", `${base}/${session.conversation.id}/messages`, { ...asAdmin, body: { content: "Let me check that" } });
    await call("POST", `${other.conversationPath}/messages`, { body: { content: "Shipping question" } });
    const reply = await search("invo tot");
    expectStatus(reply, 200);
    expect(reply.body.meta).toEqual({ mine_count: 0, unassigned_count: 1, assigned_count: 0, all_count: 1 });
    expect(reply.body.payload).toHaveLength(1);
    const [found] = reply.body.payload;
    expect(found).toMatchObject({ id: session.conversation.id, meta: { sender: { id: session.contact.id } }, unread_count: 2 });
    expect(found.messages.map((m: { content: string }) => m.content)).toEqual(["The invoice total, I mean"]);
    expect(idsOf(await search("invoice march"))).toEqual([session.conversation.id]);
    expect(idsOf(await search("shipping"))).toEqual([other.conversation.id]);
  });

  it("finds conversations by their contact's name, email, phone number and identifier, and by display id", async () => {
    const { t, session, search } = await searchSetUp();
    const other = await clientSession(t);
    await call("PUT", `/api/v1/accounts/${t.account.id}/contacts/${other.contact.id}`, {
      token: t.admin.access_token,
      body: { name: "Otto Ordinary", email: "otto.ordinary@example.test", phone_number: "+14155550199", identifier: "crm-7781" },
    });
    expect(idsOf(await search("Vera Visitor"))).toEqual([session.conversation.id]);
    expect(idsOf(await search("Otto"))).toEqual([other.conversation.id]);
    expect(idsOf(await search("otto.ordinary@"))).toEqual([other.conversation.id]);
    expect(idsOf(await search("5550199"))).toEqual([other.conversation.id]);
    expect(idsOf(await search("crm-7781"))).toEqual([other.conversation.id]);
    expect(idsOf(await search(String(other.conversation.id)))).toContain(other.conversation.id);
  });

  it("finds private notes for users", async () => {
    const { session, base, asAdmin, search } = await searchSetUp();
    await call("POST", `${base}/${session.conversation.id}/messages`, { ...asAdmin, body: { content: "Escalated to finance", private: true } });
    const [found] = (await search("finance")).body.payload;
    expect(found.messages).toMatchObject([{ content: "Escalated to finance", private: true }]);
  });

  it("finds for an agent only the conversations of their inboxes", async () => {
    const { t, session, search } = await searchSetUp();
    const other = await clientSession(t);
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "refund please" } });
    await call("POST", `${other.conversationPath}/messages`, { body: { content: "refund too" } });
    await giveAgentInbox(t, other.inbox.id);
    const reply = await search("refund", { token: t.agent.access_token });
    expect(idsOf(reply)).toEqual([other.conversation.id]);
    expect(reply.body.meta.all_count).toBe(1);
  });

  it("searches every status unless asked for one, and pages by 25", async () => {
    const { session, base, asAdmin, search } = await searchSetUp();
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "Resolved question" } });
    await call("POST", `${base}/${session.conversation.id}/toggle_status`, { ...asAdmin, body: { status: "resolved" } });
    expect(idsOf(await search("resolved"))).toEqual([session.conversation.id]);
    expect(idsOf(await call("GET", `${base}/search?q=resolved&status=open`, asAdmin))).toEqual([]);
    expect(idsOf(await call("GET", `${base}/search?q=resolved&page=2`, asAdmin))).toEqual([]);
  });

  it("matches words without their accents and in any script", async () => {
    const { session, search } = await searchSetUp();
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "Le café est fermé. Здравствуйте! 東京" } });
    for (const q of ["cafe", "CAFÉ", "ferme", "здравств", "東京"]) expect(idsOf(await search(q)), q).toEqual([session.conversation.id]);
  });

  it("takes any input as plain words: quotes, *, -, NEAR, AND, OR, NOT, parentheses and colons are no syntax", async () => {
    const { session, search } = await searchSetUp();
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "Near the station, not far: order 42-b" } });
    const inputs = [
      '"near',
      "near*",
      "-station",
      "NEAR(station far)",
      "station AND",
      "OR far",
      "NOT",
      "content:near",
      '"""',
      "*",
      "-",
      "(",
      "order 42-b",
      "🙂",
      "a\u0301",
    ];
    for (const q of inputs) expectStatus(await search(q), 200);
    expect(idsOf(await search('"near'))).toEqual([session.conversation.id]);
    expect(idsOf(await search("NEAR(station far)"))).toEqual([session.conversation.id]);
    expect(idsOf(await search("-station"))).toEqual([session.conversation.id]);
    expect(idsOf(await search("order 42-b"))).toEqual([session.conversation.id]);
    expect(idsOf(await search("NOT"))).toEqual([session.conversation.id]);
    expect(idsOf(await search("station OR elsewhere"))).toEqual([]);
  });

  it("no longer finds a deleted message's text", async () => {
    const { session, base, asAdmin, search } = await searchSetUp();
    const note = (await call("POST", `${base}/${session.conversation.id}/messages`, { ...asAdmin, body: { content: "Password is hunter2", private: true } }))
      .body;
    expect(idsOf(await search("hunter2"))).toEqual([session.conversation.id]);
    expectStatus(await call("DELETE", `${base}/${session.conversation.id}/messages/${note.id}`, asAdmin), 200);
    expect(idsOf(await search("hunter2"))).toEqual([]);
    expect(idsOf(await search("deleted"))).toEqual([]);
  });

  it("writes waiting messages to the full-text index in batches, and finds them before a batch is full", async () => {
    const t = await tenant();
    const found = await runInDurableObject(env.ACCOUNT.getByName(String(t.account.id)), (_, state) => {
      const search = new MessageSearch(state.storage.sql);
      const message = (id: number, content: string) => ({
        id,
        content,
        messageType: 0 as const,
        contentType: "text" as const,
        contentAttributes: {},
        private: false,
        sender: { type: "contact" as const },
        sourceId: null,
        echoId: null,
        attachments: [],
        createdAt: 1,
        updatedAt: 1,
      });
      const waiting = () => state.storage.sql.exec<{ n: number }>("select count(*) as n from searchable_messages where indexed = 0").one().n;
      for (let id = 1; id <= 70; id++) search.put(7, message(id, `parcel number ${id}`), true);
      const afterSeventy = waiting();
      search.put(7, message(71, "a kangaroo"), true);
      search.put(7, message(71, "a wombat"), false);
      search.indexPending();
      const match = (q: string) => search.newestMatch(7, q)?.content ?? null;
      return { afterSeventy, afterIndexing: waiting(), parcel: match('"parcel"*'), kangaroo: match('"kangaroo"*'), wombat: match('"wombat"*') };
    });
    expect(found).toEqual({ afterSeventy: 70 - 64, afterIndexing: 0, parcel: "parcel number 70", kangaroo: null, wombat: "a wombat" });
  });

  it("forgets the messages of a deleted inbox", async () => {
    const { t, session, search } = await searchSetUp();
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "Ephemeral words" } });
    expect(idsOf(await search("ephemeral"))).toEqual([session.conversation.id]);
    expectStatus(await call("DELETE", `/api/v1/accounts/${t.account.id}/inboxes/${session.inbox.id}`, { token: t.admin.access_token }), 204);
    await eventually(async () => expect(idsOf(await search("ephemeral"))).toEqual([]));
    const left = await runInDurableObject(env.ACCOUNT.getByName(String(t.account.id)), (_, state) => ({
      stored: state.storage.sql.exec<{ n: number }>("select count(*) as n from searchable_messages").one().n,
      indexed: state.storage.sql.exec<{ n: number }>("select count(*) as n from message_text where message_text match 'ephemeral'").one().n,
    }));
    expect(left).toEqual({ stored: 0, indexed: 0 });
  });

  it("refuses an empty search", async () => {
    const { search } = await searchSetUp();
    expectStatus(await search(""), 400);
  });

  it("matches message text in the list's q as well", async () => {
    const { t, session, search } = await searchSetUp();
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "warranty claim" } });
    expectStatus(await search("warranty"), 200);
    const list = await call("GET", `/api/v1/accounts/${t.account.id}/conversations?q=warr`, { token: t.admin.access_token });
    expect(idsOf(list)).toEqual([session.conversation.id]);
  });
});
