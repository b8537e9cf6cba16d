/**
 * The account's integrations registry (/api/v1/accounts/:account_id/integrations/...): the WhatsApp
 * numbers, Facebook pages, Instagram accounts and Voice AI agents its chat widgets connect to.
 */
import { z } from "@hono/zod-openapi";
import { facebookPages, INTEGRATION_STATUSES, instagramAccounts, VOICE_AI_STATUSES, voiceAiAgents, whatsappNumbers } from "../../../db/schema";
import { Name, optionalText } from "../../schemas";
import { integrationRouter } from "./integration-router";

const E164Phone = z
  .string()
  .trim()
  .regex(/^\+[1-9]\d{1,14}$/, "Expected an E.164 phone number such as +14155550100.")
  .openapi({ example: "+14155550100" });
const IntegrationStatus = z.enum(INTEGRATION_STATUSES);
const status = { column: "status", input: IntegrationStatus, output: IntegrationStatus, default: "connected" } as const;

const whatsappNumbersRouter = integrationRouter({
  table: whatsappNumbers,
  resource: "whatsapp_numbers",
  idParam: "whatsapp_number_id",
  typeName: "WhatsappNumber",
  label: "WhatsApp number",
  fields: {
    phone_number: { column: "phoneNumber", input: E164Phone, output: z.string(), unique: true },
    display_name: { column: "displayName", input: optionalText(255), output: z.string().nullable(), default: null },
    status,
  },
});

const facebookPagesRouter = integrationRouter({
  table: facebookPages,
  resource: "facebook_pages",
  idParam: "facebook_page_id",
  typeName: "FacebookPage",
  label: "Facebook page",
  fields: {
    page_id: {
      column: "pageId",
      input: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9.]{1,64}$/, "Expected the page's id or username.")
        .openapi({ example: "104561234567890", description: "Messenger links (m.me) use it" }),
      output: z.string(),
      unique: true,
    },
    name: { column: "name", input: Name, output: z.string() },
    status,
  },
});

const instagramAccountsRouter = integrationRouter({
  table: instagramAccounts,
  resource: "instagram_accounts",
  idParam: "instagram_account_id",
  typeName: "InstagramAccount",
  label: "Instagram account",
  fields: {
    instagram_id: {
      column: "instagramId",
      input: z
        .string()
        .trim()
        .regex(/^\d{1,32}$/, "Expected the account's numeric id."),
      output: z.string(),
      unique: true,
    },
    username: {
      column: "username",
      input: z
        .string()
        .trim()
        .transform((value) => value.replace(/^@/, ""))
        .pipe(z.string().regex(/^[A-Za-z0-9._]{1,30}$/, "Expected an Instagram username such as acme.dental."))
        .openapi({ example: "acme.dental", description: "Direct-message links (ig.me) use it" }),
      output: z.string(),
    },
    status,
  },
});

const VoiceAiStatus = z.enum(VOICE_AI_STATUSES);

const voiceAiAgentsRouter = integrationRouter({
  table: voiceAiAgents,
  resource: "voice_ai_agents",
  idParam: "voice_ai_agent_id",
  typeName: "VoiceAiAgent",
  label: "Voice AI agent",
  fields: {
    name: { column: "name", input: Name, output: z.string() },
    status: { column: "status", input: VoiceAiStatus, output: VoiceAiStatus, default: "active" },
    phone_number: {
      column: "phoneNumber",
      input: E164Phone.nullable().openapi({ description: "A number visitors can call; null for in-browser calls only" }),
      output: z.string().nullable(),
      default: null,
    },
  },
});

export const accountIntegrations = [whatsappNumbersRouter, facebookPagesRouter, instagramAccountsRouter, voiceAiAgentsRouter];
