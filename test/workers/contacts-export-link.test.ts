// The link a contact export is mailed as: signed and expiring, opened without a session, as Chatwoot
// mails its export (Account::ContactsExportJob sends `rails_blob_url` of the file: a signed URL that
// needs no sign-in), for one account's one file.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signedExportDownload } from "../../src/jobs/contact-files";
import { call, eventually, expectStatus, tenant, unique } from "./helpers";

type Tenant = Awaited<ReturnType<typeof tenant>>;

/** Exports the tenant's contacts (one named `name` first) and answers the export's id and the link mailed for it. */
async function mailedExport(t: Tenant, name: string) {
  expectStatus(await call("POST", `/api/v1/accounts/${t.account.id}/contacts`, { token: t.admin.access_token, body: { name } }), 201);
  const queued = await call("POST", `/api/v1/accounts/${t.account.id}/contacts/export`, { token: t.admin.access_token });
  expectStatus(queued, 202);
  let link = "";
  await eventually(async () => {
    const outbox = await call("GET", `/api/v1/accounts/${t.account.id}/emails`, { token: t.admin.access_token });
    const mail = outbox.body.payload.find((email: { kind: string }) => email.kind === "contact_export");
    const found = /https?:\/\/\S+\/api\/v1\/contact_exports\/download\?token=\S+/.exec(mail?.text ?? "");
    expect(found).not.toBeNull();
    link = found?.[0] ?? "";
  });
  const url = new URL(link);
  return { id: queued.body.id as number, path: `${url.pathname}${url.search}`, token: url.searchParams.get("token") ?? "" };
}

/** Opens a link as a mail client would: no token, no cookie. */
const open = (path: string) => exports.default.fetch(new Request(`http://parley.test${path}`));

const withToken = (token: string) => `/api/v1/contact_exports/download?token=${encodeURIComponent(token)}`;

// Each test waits for the queue to write the export and its email.
describe("a contact export's mailed link", { timeout: 30_000 }, () => {
  it("downloads the CSV as an attachment without a token or session", async () => {
    const t = await tenant();
    const name = unique("Linked Lena");
    const { id, path } = await mailedExport(t, name);
    const res = await open(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="contacts-${t.account.id}-${id}.csv"`);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(await res.text()).toContain(name);
  });

  it("is refused with 410 link_expired once the export has expired", async () => {
    const t = await tenant();
    const { id, path } = await mailedExport(t, "Expiring Eve");
    await env.DB.prepare("update contact_exports set expires_at = unixepoch() - 1 where id = ?").bind(id).run();
    const res = await open(path);
    expect(res.status).toBe(410);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("link_expired");
  });

  it("expires 24 hours after it was mailed, as its signature says", async () => {
    const t = await tenant();
    const { token } = await mailedExport(t, "Timed Tom");
    const inADay = new Date(Date.now() + 24 * 3600 * 1000 + 1000);
    expect(await signedExportDownload(env, token, inADay)).toBe("expired");
    expect(await signedExportDownload(env, token, new Date(Date.now() + 23 * 3600 * 1000))).toMatchObject({ accountId: t.account.id });
  });

  it("is refused with 403 invalid_link when any part of it was altered", async () => {
    const t = await tenant();
    const { token } = await mailedExport(t, "Tampered Tina");
    const [accountId, exportId, expires, mac] = token.split(".") as [string, string, string, string];
    const flipped = `${mac.slice(0, -1)}${mac.endsWith("A") ? "B" : "A"}`;
    for (const altered of [
      `${accountId}.${exportId}.${expires}.${flipped}`,
      `${accountId}.${exportId}.${Number(expires) + 86_400}.${mac}`,
      `${accountId}.${Number(exportId) + 1}.${expires}.${mac}`,
      `${accountId}.${exportId}.${expires}`,
      "",
    ]) {
      const res = await open(withToken(altered));
      expect(res.status, altered).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_link");
    }
    const tooLong = await open(withToken(`${token}${"x".repeat(100)}`));
    expect(tooLong.status).toBe(400);
  });

  it("cannot be turned into a link to another account's file", async () => {
    const a = await tenant();
    const b = await tenant();
    const secretName = unique("Private Paula");
    const ofA = await mailedExport(a, secretName);
    const ofB = await mailedExport(b, "Curious Carl");
    const [, , expires, mac] = ofB.token.split(".") as [string, string, string, string];
    // B's signature with A's account and export.
    const res = await open(withToken(`${a.account.id}.${ofA.id}.${expires}.${mac}`));
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain(secretName);
    // B's own link opens B's file only.
    const own = await open(ofB.path);
    expect(own.status).toBe(200);
    expect(await own.text()).not.toContain(secretName);
  });
});
