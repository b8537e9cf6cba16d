import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, clientSession, expectStatus, tenant } from "./helpers";

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
    form.append("attachments[]", new File([new Uint8Array([137, 80, 78, 71])], "photo.png", { type: "image/png" }));
    const reply = await upload(`${conversationPath}/messages`, form);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const [attachment] = reply.body.attachments;
    expect(attachment).toMatchObject({ file_type: "image", file_name: "photo.png", file_size: 4, extension: "png" });
    const key = new URL(attachment.data_url).pathname.slice("/media/".length);
    expect(key).toMatch(new RegExp(`^accounts/${t.account.id}/attachments/`));
    expect(await env.MEDIA.head(key)).not.toBeNull();

    const served = await exports.default.fetch(attachment.data_url);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(new Uint8Array([137, 80, 78, 71]));
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

  it("answers 404 for media keys that are not attachment URLs", async () => {
    for (const path of ["/media/anything", "/media/accounts/1/attachments/../../secret", "/media/accounts/1/attachments/not-a-uuid/x.png"]) {
      expectStatus(await call("GET", path), 404);
    }
  });
});
