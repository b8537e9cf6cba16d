import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, eventually, expectStatus, tenant } from "./helpers";

/** The first rows of Chatwoot's own import fixture, spec/assets/contacts.csv (chatwoot/chatwoot), as its importer reads them. */
const CHATWOOT_CONTACTS_CSV =
  "id,first_name,last_name,email,gender,ip_address,identifier\n" +
  "1,Clarice,Uzzell,cuzzell0@mozilla.org,Genderfluid,70.61.11.201,bb4e11cd-0f23-49da-a123-dcc1fec6852c\n" +
  "2,Marieann,Creegan,mcreegan1@cornell.edu,Genderfluid,168.186.4.241,e60bab4c-9fbb-47eb-8f75-42025b789c47\n" +
  "3,Nancey,Windibank,nwindibank2@bluehost.com,Agender,73.44.41.59,f793e813-4210-4bf3-a812-711418de25d2\n";

type Tenant = Awaited<ReturnType<typeof tenant>>;

async function importReport(t: Tenant, id: number) {
  let report: Record<string, any> = {};
  await eventually(async () => {
    report = (await call("GET", `/api/v1/accounts/${t.account.id}/contact_imports/${id}`, { token: t.admin.access_token })).body;
    expect(report.status).toBe("completed");
  });
  return report;
}

describe("Application API: contact import", () => {
  it("imports Chatwoot's own sample CSV sent as import_file, other columns as custom attributes", async () => {
    const t = await tenant();
    const form = new FormData();
    form.append("import_file", new File([CHATWOOT_CONTACTS_CSV], "contacts.csv", { type: "text/csv" }));
    const res = await exports.default.fetch(
      new Request(`http://parley.test/api/v1/accounts/${t.account.id}/contacts/import`, {
        method: "POST",
        body: form,
        headers: { authorization: `Bearer ${t.admin.access_token}` },
      }),
    );
    expect(res.status).toBe(202);
    const queued = (await res.json()) as { id: number };
    const report = await importReport(t, queued.id);
    expect(report).toMatchObject({ total_rows: 3, imported_rows: 3, refused_rows: 0, refusals: [] });
    const found = await call("GET", `/api/v1/accounts/${t.account.id}/contacts/search?q=cuzzell0`, { token: t.admin.access_token });
    expect(found.body.payload[0]).toMatchObject({
      email: "cuzzell0@mozilla.org",
      identifier: "bb4e11cd-0f23-49da-a123-dcc1fec6852c",
      custom_attributes: { first_name: "Clarice", last_name: "Uzzell", gender: "Genderfluid" },
    });
  });

  it("updates the contact a row matches and refuses rows that fail the contact checks, with row numbers", async () => {
    const t = await tenant();
    await call("POST", `/api/v1/accounts/${t.account.id}/contacts`, { token: t.admin.access_token, body: { name: "Old name", email: "known@example.test" } });
    const csv = "name,email,phone_number\nNew name,known@example.test,\nBad mail,not-an-email,\nBad phone,,12345\n";
    const queued = await call("POST", `/api/v1/accounts/${t.account.id}/contacts/import`, { token: t.admin.access_token, body: { csv } });
    expectStatus(queued, 202);
    const report = await importReport(t, queued.body.id);
    expect(report).toMatchObject({ total_rows: 3, imported_rows: 1, refused_rows: 2 });
    expect(report.refusals.map((refusal: { row: number }) => refusal.row)).toEqual([3, 4]);
    const found = await call("GET", `/api/v1/accounts/${t.account.id}/contacts/search?q=known`, { token: t.admin.access_token });
    expect(found.body.payload.map((contact: { name: string }) => contact.name)).toEqual(["New name"]);
  });

  it("is for administrators", async () => {
    const t = await tenant();
    expectStatus(await call("POST", `/api/v1/accounts/${t.account.id}/contacts/import`, { token: t.agent.access_token, body: { csv: "name\nA\n" } }), 403);
  });
});

describe("Application API: contact export", () => {
  it("writes the contacts as CSV and mails the administrator a link that expires", async () => {
    const t = await tenant();
    await call("POST", `/api/v1/accounts/${t.account.id}/contacts`, {
      token: t.admin.access_token,
      body: { name: "Exported, Ellen", email: "ellen@example.test" },
    });
    const queued = await call("POST", `/api/v1/accounts/${t.account.id}/contacts/export`, { token: t.admin.access_token });
    expectStatus(queued, 202);
    const download = `/api/v1/accounts/${t.account.id}/contact_exports/${queued.body.id}/download`;
    let csv = "";
    await eventually(async () => {
      const res = await exports.default.fetch(new Request(`http://parley.test${download}`, { headers: { authorization: `Bearer ${t.admin.access_token}` } }));
      expect(res.status).toBe(200);
      csv = await res.text();
    });
    expect(csv.split("\r\n")[0]).toBe("id,name,email,phone_number,identifier,city,company,created_at,last_activity_at");
    expect(csv).toContain('"Exported, Ellen",ellen@example.test');
    await eventually(async () => {
      const outbox = await call("GET", `/api/v1/accounts/${t.account.id}/emails`, { token: t.admin.access_token });
      const mail = outbox.body.payload.find((email: { kind: string }) => email.kind === "contact_export");
      expect(mail).toMatchObject({ to: [t.admin.email] });
      expect(mail.text).toContain("/api/v1/contact_exports/download?token=");
    });
    await env.DB.prepare("update contact_exports set expires_at = unixepoch() - 1 where id = ?").bind(queued.body.id).run();
    expectStatus(await call("GET", download, { token: t.admin.access_token }), 410);
  });
});
