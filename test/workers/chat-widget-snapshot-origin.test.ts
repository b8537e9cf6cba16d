// Chat widget answers say where a snapshot-made widget came from: its snapshot, the load that created
// it and when, which the console's Sites > Chat Widgets list shows. Widgets made here say nothing.
import { describe, expect, it } from "vitest";
import { call, createAccount, createAgency, eventually, expectStatus, inviteUser, unique } from "./helpers";
import { addWhatsappNumber, type ChatWidget, createChatWidget, widgetsPath } from "./widget-fixtures";

async function adminOf(agencyToken: string) {
  const account = await createAccount(agencyToken, {});
  const admin = await inviteUser(agencyToken, account.id, "administrator");
  return { accountId: account.id, token: admin.access_token };
}

const widgetsOf = async (token: string, accountId: number) => {
  const reply = await call("GET", widgetsPath(accountId), { token });
  expectStatus(reply, 200);
  return reply.body.payload as ChatWidget[];
};

describe("chat widgets: where a widget came from", () => {
  it("names the snapshot and the load that created a widget, and null for a widget made in the account", async () => {
    const agency = await createAgency();
    const source = await adminOf(agency.access_token);
    const number = await addWhatsappNumber(source.token, source.accountId, { phone_number: "+14155550142" });
    await createChatWidget(source.token, source.accountId, { name: "WhatsApp", type: "whatsapp", whatsapp_number_id: number.id });
    const name = unique("snapshot");
    const created = await call("POST", "/api/v1/agency/snapshots", {
      token: agency.access_token,
      body: { name, account_id: source.accountId, assets: { chat_widgets: "all" } },
    });
    expectStatus(created, 201);
    const snapshotId = created.body.id as number;

    const target = await adminOf(agency.access_token);
    const queued = await call("POST", `/api/v1/agency/snapshots/${snapshotId}/loads`, {
      token: agency.access_token,
      body: { account_ids: [target.accountId] },
    });
    expectStatus(queued, 202);
    const loadId = queued.body.loads[0].id as number;
    await eventually(async () => {
      const load = await call("GET", `/api/v1/agency/snapshot_loads/${loadId}`, { token: agency.access_token });
      expect(["completed", "completed_with_warnings"]).toContain(load.body.status);
    }, 20_000);

    const [imported] = await widgetsOf(target.token, target.accountId);
    expect(imported?.setup_status).toBe("incomplete");
    expect(imported?.snapshot).toEqual({ snapshot_id: snapshotId, snapshot_name: name, load_id: loadId, loaded_at: imported?.created_at });
    const shown = await call("GET", `${widgetsPath(target.accountId)}/${imported?.id}`, { token: target.token });
    expect(shown.body.snapshot).toEqual(imported?.snapshot);

    const [own] = await widgetsOf(source.token, source.accountId);
    expect(own?.snapshot).toBeNull();
  });
});
