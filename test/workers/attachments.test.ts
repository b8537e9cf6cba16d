import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bytesOf, REAL_FILE_HEADERS } from "./file-headers";
import { call, clientSession, eventually, expectStatus, tenant } from "./helpers";
import { attachFile } from "./workflow-fixtures";

/** The first bytes of a real PNG file (Python's test image): enough for the type check. */
const PNG = bytesOf(REAL_FILE_HEADERS.find((header) => header.name === "png")?.hex ?? "");

/** Every key the account stores attachments under. */
async function storedAttachmentKeys(accountId: number): Promise<string[]> {
  const listing = await env.MEDIA.list({ prefix: `accounts/${accountId}/attachments/` });
  return listing.objects.map((object) => object.key);
}

const storedBytes = async (accountId: number) =>
  (await env.DB.prepare("select bytes from account_storage where account_id = ?").bind(accountId).first<{ bytes: number }>())?.bytes ?? 0;

const photo = (content = "see the photo") => {
  const form = new FormData();
  form.append("content", content);
  form.append("attachments[]", new File([PNG], "photo.png", { type: "image/png" }));
  return form;
};

async function upload(path: string, form: FormData, headers: Record<string, string> = {}) {
  const res = await exports.default.fetch(new Request(`http://parley.test${path}`, { method: "POST", body: form, headers }));
  return { status: res.status, body: (await res.json()) as any };
}

describe("attachments", () => {
  it("stores a contact's upload in R2 under the account and serves it from its data_url", async () => {
    const t = await tenant();
    const { conversationPath } = await clientSession(t);
    const form = new FormData();
    form.append("content", "see the photo");
    form.append("attachments[]", new File([PNG], "photo.png", { type: "image/png" }));
    const reply = await upload(`${conversationPath}/messages`, form);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const [attachment] = reply.body.attachments;
    expect(attachment).toMatchObject({ file_type: "image", file_name: "photo.png", file_size: PNG.length, extension: "png" });
    const key = new URL(attachment.data_url).pathname.slice("/media/".length);
    expect(key).toMatch(new RegExp(`^accounts/${t.account.id}/attachments/`));
    expect(await env.MEDIA.head(key)).not.toBeNull();

    const served = await exports.default.fetch(attachment.data_url);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG);
  });

  it("lets an agent send a file without text", async () => {
    const t = await tenant();
    const { conversation } = await clientSession(t);
    const form = new FormData();
    form.append("attachments[]", new File(["%PDF-1.7"], "invoice.pdf", { type: "application/pdf" }));
    const reply = await upload(`/api/v1/accounts/${t.account.id}/conversations/${conversation.id}/messages`, form, {
      api_access_token: t.admin.access_token,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject({ content: null, message_type: 1, attachments: [{ file_type: "file", file_name: "invoice.pdf" }] });
    const served = await exports.default.fetch(reply.body.attachments[0].data_url);
    expect(served.headers.get("content-disposition")).toBe("attachment");
  });

  it("writes nothing to R2 when a contact uploads to another contact's conversation", async () => {
    const t = await tenant();
    const victim = await clientSession(t);
    const intruder = await clientSession(t);
    const reply = await upload(`${intruder.base}/conversations/${victim.conversation.id}/messages`, photo());
    expect(reply.status, JSON.stringify(reply.body)).toBe(404);
    expect(await storedAttachmentKeys(t.account.id)).toEqual([]);
    expect(await storedBytes(t.account.id)).toBe(0);
  });

  it("writes nothing to R2 when an agent uploads to a conversation of an inbox they are not a member of", async () => {
    const t = await tenant();
    const { conversation } = await clientSession(t);
    const reply = await upload(`/api/v1/accounts/${t.account.id}/conversations/${conversation.id}/messages`, photo(), {
      api_access_token: t.agent.access_token,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(404);
    expect(await storedAttachmentKeys(t.account.id)).toEqual([]);
  });

  it("refuses HTML declared as image/png and stores nothing", async () => {
    const t = await tenant();
    const { conversationPath } = await clientSession(t);
    const form = new FormData();
    form.append("attachments[]", new File(["<html><script>alert(document.cookie)</script></html>"], "cat.png", { type: "image/png" }));
    const reply = await upload(`${conversationPath}/messages`, form);
    expect(reply.status, JSON.stringify(reply.body)).toBe(422);
    expect(reply.body.error.code).toBe("file_type_not_allowed");
    expect(await storedAttachmentKeys(t.account.id)).toEqual([]);
  });

  it("answers 413 storage_quota_exceeded when the account's files would pass its quota, and stores nothing", async () => {
    const t = await tenant();
    const { conversationPath } = await clientSession(t);
    const quota = Number(env.MAX_ACCOUNT_STORAGE_BYTES);
    // The account has used all but a few bytes of its quota.
    await env.DB.prepare("insert into account_storage (account_id, bytes) values (?, ?)")
      .bind(t.account.id, quota - 10)
      .run();
    const reply = await upload(`${conversationPath}/messages`, photo());
    expect(reply.status, JSON.stringify(reply.body)).toBe(413);
    expect(reply.body.error).toMatchObject({
      code: "storage_quota_exceeded",
      details: { quota_bytes: quota, used_bytes: quota - 10, requested_bytes: PNG.length },
    });
    expect(await storedAttachmentKeys(t.account.id)).toEqual([]);
  });

  it("counts stored files against the account's quota and gives their bytes back when their message is deleted", async () => {
    const t = await tenant();
    const { conversation, conversationPath } = await clientSession(t);
    const reply = await upload(`${conversationPath}/messages`, photo());
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(await storedBytes(t.account.id)).toBe(PNG.length);
    const path = `/api/v1/accounts/${t.account.id}/conversations/${conversation.id}/messages/${reply.body.id}`;
    expectStatus(await call("DELETE", path, { token: t.admin.access_token }), 200);
    expect(await storedBytes(t.account.id)).toBe(0);
    expect(await storedAttachmentKeys(t.account.id)).toEqual([]);
  });

  it("keeps a macro's file, and its count, when a message that carried it is deleted", async () => {
    const t = await tenant();
    const { conversation } = await clientSession(t);
    const file = await attachFile(t.admin.access_token, t.account.id, "macros", new File(["Step 1: log in."], "guide.txt", { type: "text/plain" }));
    const macro = await call("POST", `/api/v1/accounts/${t.account.id}/macros`, {
      token: t.admin.access_token,
      body: { name: "Send the guide", actions: [{ action_name: "send_attachment", action_params: [file.blob_id] }] },
    });
    expectStatus(macro, 200);
    const macroId = macro.body.payload.id;
    expectStatus(
      await call("POST", `/api/v1/accounts/${t.account.id}/macros/${macroId}/execute`, {
        token: t.admin.access_token,
        body: { conversation_ids: [conversation.id] },
      }),
      200,
    );
    const path = `/api/v1/accounts/${t.account.id}/conversations/${conversation.id}/messages`;
    const sent = (await call("GET", path, { token: t.admin.access_token })).body.payload.find(
      (message: { message_type: number }) => message.message_type === 1,
    );
    expectStatus(await call("DELETE", `${path}/${sent.id}`, { token: t.admin.access_token }), 200);
    expect(await env.MEDIA.head(file.blob_key)).not.toBeNull();
    expect(await storedBytes(t.account.id)).toBe(file.file_size);
  });

  it("deletes the files of a deleted inbox's conversations from R2", async () => {
    const t = await tenant();
    const { inbox, conversationPath } = await clientSession(t);
    const uploaded = await upload(`${conversationPath}/messages`, photo());
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(200);
    expect(await storedAttachmentKeys(t.account.id)).toHaveLength(1);
    expectStatus(await call("DELETE", `/api/v1/accounts/${t.account.id}/inboxes/${inbox.id}`, { token: t.admin.access_token }), 204);
    await eventually(async () => expect(await storedAttachmentKeys(t.account.id)).toEqual([]));
    expect(await storedBytes(t.account.id)).toBe(0);
  });

  it("serves media sandboxed, unsniffed, as the allowed type it was stored as", async () => {
    const t = await tenant();
    const { conversationPath } = await clientSession(t);
    const reply = await upload(`${conversationPath}/messages`, photo());
    const served = await exports.default.fetch(reply.body.attachments[0].data_url);
    expect(served.headers.get("content-security-policy")).toBe("sandbox");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    expect(served.headers.get("content-type")).toBe("image/png");
    // A file stored before the allowlist, with the uploader's header, is served as bytes to download.
    const key = `accounts/${t.account.id}/attachments/${crypto.randomUUID()}/page.html`;
    await env.MEDIA.put(key, "<script>alert(1)</script>", { httpMetadata: { contentType: "image/png+html" } });
    const legacy = await exports.default.fetch(`http://parley.test/media/${key}`);
    await legacy.arrayBuffer();
    expect(legacy.headers.get("content-type")).toBe("application/octet-stream");
    expect(legacy.headers.get("content-disposition")).toBe("attachment");
    expect(legacy.headers.get("content-security-policy")).toBe("sandbox");
  });

  it("answers 400 for a media path that is not valid percent-encoding", async () => {
    const reply = await call("GET", "/media/accounts/1/attachments/%E0%A4%A/x.png");
    expectStatus(reply, 400);
    expect(reply.body.error.code).toBe("invalid_path");
  });

  it("answers 404 for media keys that are not attachment URLs", async () => {
    for (const path of ["/media/anything", "/media/accounts/1/attachments/../../secret", "/media/accounts/1/attachments/not-a-uuid/x.png"]) {
      expectStatus(await call("GET", path), 404);
    }
  });
});
