// Builds canned responses, automation rules, SLA policies and workflow files through the real APIs.
import { exports } from "cloudflare:workers";
import { call, expectStatus, type Reply, unique } from "./helpers";

export const cannedResponsesPath = (accountId: number) => `/api/v1/accounts/${accountId}/canned_responses`;
export const automationRulesPath = (accountId: number) => `/api/v1/accounts/${accountId}/automation_rules`;

export type CannedResponse = { id: number; account_id: number; short_code: string; content: string; created_at: string; updated_at: string };

/** A canned response with a short code no other test uses unless `input` says otherwise. */
export async function createCannedResponse(adminToken: string, accountId: number, input: Record<string, unknown> = {}) {
  const reply = await call("POST", cannedResponsesPath(accountId), {
    token: adminToken,
    body: { short_code: unique("reply"), content: "Hi {{ contact.first_name || 'there' }}, thanks for writing.", ...input },
  });
  expectStatus(reply, 200);
  return reply.body as CannedResponse;
}

export type AutomationRule = {
  id: number;
  account_id: number;
  name: string;
  description: string | null;
  event_name: string;
  conditions: Record<string, unknown>[];
  actions: { action_name: string; action_params: unknown[] }[];
  active: boolean;
  created_on: number;
};

/** A rule that labels new open conversations unless `input` says otherwise. */
export async function createAutomationRule(adminToken: string, accountId: number, input: Record<string, unknown> = {}) {
  const reply = await call("POST", automationRulesPath(accountId), {
    token: adminToken,
    body: {
      name: unique("rule"),
      event_name: "conversation_created",
      conditions: [{ attribute_key: "status", filter_operator: "equal_to", values: ["open"], query_operator: null }],
      actions: [{ action_name: "add_label", action_params: ["new"] }],
      ...input,
    },
  });
  expectStatus(reply, 200);
  return reply.body as AutomationRule;
}

export async function createSlaPolicy(adminToken: string, accountId: number, input: Record<string, unknown> = {}) {
  const reply = await call("POST", `/api/v1/accounts/${accountId}/sla_policies`, {
    token: adminToken,
    body: { name: unique("sla"), first_response_time_threshold: 3600, ...input },
  });
  expectStatus(reply, 201);
  return reply.body.payload as { id: number; name: string };
}

export type WorkflowFile = { blob_id: number; blob_key: string; file_name: string; content_type: string; file_size: number; data_url: string };

/** POSTs `form` as multipart/form-data to `<resource>/attach_file` (automation rules' or macros'). */
export async function postAttachFile(token: string, accountId: number, resource: "automation_rules" | "macros", form: FormData): Promise<Reply> {
  const res = await exports.default.fetch(
    new Request(`http://parley.test/api/v1/accounts/${accountId}/${resource}/attach_file`, {
      method: "POST",
      body: form,
      headers: { authorization: `Bearer ${token}` },
    }),
  );
  return { status: res.status, body: await res.json(), headers: res.headers };
}

/** Uploads `file` for send_attachment; answers the stored file with its blob_id. */
export async function attachFile(token: string, accountId: number, resource: "automation_rules" | "macros", file: File) {
  const form = new FormData();
  form.append("attachment", file);
  const reply = await postAttachFile(token, accountId, resource, form);
  expectStatus(reply, 200);
  return reply.body as WorkflowFile;
}
