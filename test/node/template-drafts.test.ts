import { getMessageVariables, replaceVariablesInMessage } from "@chatwoot/utils";
import type { Variables } from "@chatwoot/utils/dist/types/conversation";
import { describe, expect, it } from "vitest";
import { renderDraft, templateContextFor } from "../../src/domain/template-variables";

// An agent's draft is filled the way Chatwoot's dashboard fills it before sending: the
// @chatwoot/utils package's getMessageVariables and replaceVariablesInMessage (see its
// src/canned.ts). Each case renders with Parley and with that code, and the two must agree.
describe("an agent's draft, as Chatwoot's dashboard fills it", () => {
  const names: (string | null)[] = [
    "ada lovelace",
    "Ada",
    "",
    null,
    "  leading spaces",
    "trailing space ",
    "mary  jane smith",
    "élodie d'arc",
    "o'NEIL mcDonald",
    "straße bauer",
    "李 小龍",
    "Ana María de la Cruz",
    "ÇAĞLAR",
    "jean-luc picard",
  ];
  const attributeSets: Record<string, unknown>[] = [{}, { plan: "pro", seats: 12, score: 12.5, vip: true }, { seats: 0, trial: false, empty: "", blank: "  " }];
  const variableNames = [
    "contact.name",
    "contact.first_name",
    "contact.last_name",
    "contact.email",
    "contact.phone",
    "contact.id",
    "conversation.id",
    "inbox.id",
    "inbox.name",
    "agent.name",
    "agent.first_name",
    "agent.last_name",
    "agent.email",
    "contact.custom_attribute.plan",
    "contact.custom_attribute.seats",
    "contact.custom_attribute.vip",
    "contact.custom_attribute.trial",
    "contact.custom_attribute.empty",
    "contact.custom_attribute.blank",
    "conversation.custom_attribute.plan",
    "conversation.custom_attribute.seats",
    "unknown.variable",
  ];
  const template = variableNames.map((name, index) => (index % 2 === 0 ? `{{${name}}}` : `{{ ${name} }}`)).join(" | ");

  type Case = { contactName: string | null; assigneeName: string | null; attributes: Record<string, unknown> };
  const cases: Case[] = [];
  for (const contactName of names) {
    for (const [index, attributes] of attributeSets.entries()) {
      cases.push({ contactName, assigneeName: names[(names.indexOf(contactName) + index + 1) % names.length] ?? null, attributes });
    }
  }
  cases.push({ contactName: "Ada", assigneeName: null, attributes: {} });

  for (const { contactName, assigneeName, attributes } of cases) {
    it(`agrees for contact ${JSON.stringify(contactName)}, assignee ${JSON.stringify(assigneeName)} and attributes ${JSON.stringify(attributes)}`, () => {
      const sender = { id: 42, name: contactName ?? "", email: "ada@example.com", phone_number: "+15550100", custom_attributes: attributes };
      const assignee = assigneeName === null ? null : { id: 9, name: assigneeName, email: "agent@example.com" };
      const conversation = { id: 17, custom_attributes: attributes, meta: { sender, assignee } };
      const inbox = { id: 3, name: "Website" };
      // The dashboard's conversation carries more fields than the variables read; its declared type
      // also says an assignee is never null, though the code handles one (an unassigned conversation).
      const dashboardConversation = { ...conversation, code: "", first_reply_created_at: 0, waiting_since: 0, status: "open" };
      const variables = getMessageVariables({
        conversation: dashboardConversation as Parameters<typeof getMessageVariables>[0]["conversation"],
        contact: { id: sender.id, custom_attributes: attributes },
        inbox,
      });
      const chatwoot = replaceVariablesInMessage({ message: template, variables: variables as Variables });
      const parley = renderDraft(template, templateContextFor(conversation, null, inbox)).text;
      expect(parley).toBe(chatwoot);
    });
  }
});
