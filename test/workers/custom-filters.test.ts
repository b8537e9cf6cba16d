import { describe, expect, it } from "vitest";
import { call, expectStatus, tenant } from "./helpers";

const path = (accountId: number) => `/api/v1/accounts/${accountId}/custom_filters`;
/** Chatwoot's dashboard saves a folder as `{custom_filter: {name, type, query: {payload: [...]}}}` (app/javascript/dashboard/api/customViews.js). */
const folder = {
  custom_filter: {
    name: "Pending in English",
    type: "conversation",
    query: { payload: [{ attribute_key: "status", filter_operator: "equal_to", values: ["pending"], query_operator: null }] },
  },
};

describe("Application API: custom filters", () => {
  it("saves a folder in Chatwoot's shape and lists it for its owner alone", async () => {
    const t = await tenant();
    const saved = await call("POST", path(t.account.id), { token: t.admin.access_token, body: folder });
    expectStatus(saved, 200);
    expect(saved.body).toMatchObject({ name: "Pending in English", filter_type: "conversation", query: folder.custom_filter.query });
    const mine = await call("GET", path(t.account.id), { token: t.admin.access_token });
    expect(mine.body.map((filter: { id: number }) => filter.id)).toEqual([saved.body.id]);
    const theirs = await call("GET", path(t.account.id), { token: t.agent.access_token });
    expect(theirs.body).toEqual([]);
    expectStatus(await call("GET", `${path(t.account.id)}/${saved.body.id}`, { token: t.agent.access_token }), 404);
  });

  it("lists one type at a time, conversations unless asked", async () => {
    const t = await tenant();
    await call("POST", path(t.account.id), { token: t.admin.access_token, body: folder });
    const segment = await call("POST", path(t.account.id), {
      token: t.admin.access_token,
      body: { name: "Gmail", filter_type: "contact", query: { payload: [{ attribute_key: "email", filter_operator: "contains", values: ["gmail"] }] } },
    });
    expectStatus(segment, 200);
    const contacts = await call("GET", `${path(t.account.id)}?filter_type=contact`, { token: t.admin.access_token });
    expect(contacts.body.map((filter: { name: string }) => filter.name)).toEqual(["Gmail"]);
    const conversations = await call("GET", path(t.account.id), { token: t.admin.access_token });
    expect(conversations.body.map((filter: { name: string }) => filter.name)).toEqual(["Pending in English"]);
  });

  it("refuses a query whose conditions the filter cannot run", async () => {
    const t = await tenant();
    const reply = await call("POST", path(t.account.id), {
      token: t.admin.access_token,
      body: { name: "Odd", query: { payload: [{ attribute_key: "shoe_size", filter_operator: "equal_to", values: ["42"] }] } },
    });
    expectStatus(reply, 422);
  });

  it("renames and deletes its owner's filter", async () => {
    const t = await tenant();
    const saved = await call("POST", path(t.account.id), { token: t.admin.access_token, body: folder });
    const renamed = await call("PATCH", `${path(t.account.id)}/${saved.body.id}`, {
      token: t.admin.access_token,
      body: { custom_filter: { name: "Waiting" } },
    });
    expectStatus(renamed, 200);
    expect(renamed.body).toMatchObject({ name: "Waiting", query: folder.custom_filter.query });
    expectStatus(await call("DELETE", `${path(t.account.id)}/${saved.body.id}`, { token: t.admin.access_token }), 200);
    expectStatus(await call("GET", `${path(t.account.id)}/${saved.body.id}`, { token: t.admin.access_token }), 404);
  });
});
