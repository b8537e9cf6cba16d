// A WhatsApp inbox's message templates: synced from the Graph API's message_templates endpoint of its
// business account (Chatwoot's sync_templates and TemplatesSyncJob) and sent with Chatwoot's
// template_params as a Graph API `type: "template"` message through the outbound queue.
//
// The template fixture is Meta's own example response of "Get all templates" (WhatsApp Business
// Platform > Templates > Template management, developers.facebook.com/documentation/business-messaging/
// whatsapp/templates/template-management): `reservation_confirmation`, NAMED parameters, an IMAGE
// header and the Lucky Shrub Eatery body. The page truncates the rest of the object ("..."), so its
// language, status, category and id are filled in with the fields the same reference documents.
import { describe, expect, it } from "vitest";
import { call, eventually, expectStatus, tenant } from "./helpers";
import { programSink, sinkRequests } from "./outbound";
import { createWhatsappInbox, GRAPH_HOST, newWamid, postWhatsapp, sentAnswer, textMessage, uniqueWhatsappPhone } from "./whatsapp-fixtures";

const RESERVATION_CONFIRMATION = {
  name: "reservation_confirmation",
  parameter_format: "NAMED",
  components: [
    { type: "HEADER", format: "IMAGE", example: { header_handle: ["https://scontent.whatsapp.net/v/t61..."] } },
    {
      type: "BODY",
      text: "*You're all set!*\n\nYour reservation for {{number_of_guests}} at Lucky Shrub Eatery on {{day}}, {{date}}, at {{time}}, is confirmed. See you then!",
      example: {
        body_text_named_params: [
          { param_name: "number_of_guests", example: "4" },
          { param_name: "day", example: "Saturday" },
          { param_name: "date", example: "August 30th, 2025" },
          { param_name: "time", example: "7:30 pm" },
        ],
      },
    },
  ],
  language: "en_US",
  status: "APPROVED",
  category: "UTILITY",
  id: "546151681022936",
};

const DAY = 24 * 60 * 60;

async function whatsappTenant() {
  const t = await tenant();
  const created = await createWhatsappInbox(t.admin.access_token, t.account.id);
  return { ...t, ...created };
}
type WhatsappTenant = Awaited<ReturnType<typeof whatsappTenant>>;

const templatesOf = async (t: WhatsappTenant) => {
  const listed = await call("GET", `/api/v1/accounts/${t.account.id}/inboxes/${t.inbox.id}/whatsapp_templates`, { token: t.admin.access_token });
  return listed;
};

const syncTemplates = (t: WhatsappTenant, inboxId: number, token = t.admin.access_token) =>
  call("POST", `/api/v1/accounts/${t.account.id}/inboxes/${inboxId}/sync_templates`, { token });

/** The Graph API calls for this business account's templates. */
const templateReads = async (t: WhatsappTenant) =>
  (await sinkRequests(GRAPH_HOST)).filter((request) => new URL(request.url).pathname.endsWith(`/${t.businessAccountId}/message_templates`));

describe("WhatsApp message templates", { timeout: 20_000 }, () => {
  it("syncs the inbox's templates from its business account when the inbox is created", async () => {
    const t = await whatsappTenant();
    await eventually(async () => {
      const [read] = await templateReads(t);
      expect(read?.method).toBe("GET");
      expect(read?.headers.authorization).toBe("Bearer EAAG-test-access-token-0001");
    });
  });

  it("syncs on POST sync_templates, answering at once as Chatwoot does, and lists what Meta answered", async () => {
    const t = await whatsappTenant();
    await eventually(async () => expect(await templateReads(t)).toHaveLength(1));
    await programSink(GRAPH_HOST, [
      {
        status: 200,
        body: JSON.stringify({ data: [RESERVATION_CONFIRMATION], paging: { cursors: { before: "MAZDZD", after: "MjQZD" } } }),
        match: `/${t.businessAccountId}/message_templates`,
      },
    ]);
    const synced = await syncTemplates(t, t.inbox.id);
    expectStatus(synced, 200);
    expect(synced.body).toEqual({ message: "Template sync initiated successfully" });
    await eventually(async () => {
      const listed = await templatesOf(t);
      expectStatus(listed, 200);
      expect(listed.body.payload).toEqual([{ ...RESERVATION_CONFIRMATION }]);
    });
    const shown = await call("GET", `/api/v1/accounts/${t.account.id}/inboxes/${t.inbox.id}`, { token: t.admin.access_token });
    expectStatus(shown, 200);
    // Chatwoot's inbox payload keeps them on the channel as message_templates.
    expect(shown.body.message_templates).toEqual([RESERVATION_CONFIRMATION]);
    expect(Date.parse(shown.body.message_templates_last_updated)).toBeGreaterThan(Date.now() - 60_000);
    const [, read] = await templateReads(t);
    expect(new URL(read?.url ?? "").pathname).toBe(`/v22.0/${t.businessAccountId}/message_templates`);
  });

  it("refuses sync_templates for an inbox of another channel with 422, and for an agent with 403", async () => {
    const t = await whatsappTenant();
    const api = await call("POST", `/api/v1/accounts/${t.account.id}/inboxes`, {
      token: t.admin.access_token,
      body: { name: "API", channel: { type: "api" } },
    });
    expectStatus(api, 201);
    const refused = await syncTemplates(t, api.body.id);
    expectStatus(refused, 422);
    expect(refused.body.error.code).toBe("not_whatsapp_inbox");
    expectStatus(await syncTemplates(t, t.inbox.id, t.agent.access_token), 403);
  });

  it("sends a NAMED template with an image header outside the window as a Graph API template message, and stores its text", async () => {
    const t = await whatsappTenant();
    const { business } = t;
    const customer = { waId: uniqueWhatsappPhone().waId };
    expectStatus(
      await postWhatsapp(business.phone, textMessage(business, customer, "Table for 4?", { timestamp: Math.floor(Date.now() / 1000) - 3 * DAY })),
      200,
    );
    let displayId = 0;
    await eventually(async () => {
      const listed = await call("GET", `/api/v1/accounts/${t.account.id}/conversations?inbox_id=${t.inbox.id}&status=all`, { token: t.admin.access_token });
      displayId = listed.body.data.payload[0]?.id;
      expect(displayId).toBeGreaterThan(0);
    });
    const wamid = newWamid();
    await programSink(GRAPH_HOST, [
      { status: 200, body: JSON.stringify({ data: [RESERVATION_CONFIRMATION] }), match: `/${t.businessAccountId}/message_templates` },
      { status: 200, body: sentAnswer(customer.waId, wamid), match: `/${t.phoneNumberId}/messages` },
    ]);
    const template_params = {
      name: "reservation_confirmation",
      category: "UTILITY",
      language: "en_US",
      processed_params: {
        header: { media_url: "https://example.com/lucky-shrub.png", media_type: "image" },
        body: { number_of_guests: "4", day: "Saturday", date: "August 30th, 2025", time: "7:30 pm" },
      },
    };
    const sent = await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${displayId}/messages`, {
      token: t.admin.access_token,
      body: { message_type: "outgoing", template_params },
    });
    expectStatus(sent, 200);
    expect(sent.body.content).toBe(
      "*You're all set!*\n\nYour reservation for 4 at Lucky Shrub Eatery on Saturday, August 30th, 2025, at 7:30 pm, is confirmed. See you then!",
    );
    expect(sent.body.content_attributes.template_params).toEqual(template_params);
    await eventually(async () => {
      const [request] = (await sinkRequests(GRAPH_HOST)).filter((r) => new URL(r.url).pathname === `/v22.0/${t.phoneNumberId}/messages`);
      // Meta's "Send template messages" body: the header's image by link, the body's NAMED parameters by parameter_name.
      expect(JSON.parse(request?.body ?? "{}")).toEqual({
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: customer.waId,
        type: "template",
        template: {
          name: "reservation_confirmation",
          language: { code: "en_US" },
          components: [
            { type: "header", parameters: [{ type: "image", image: { link: "https://example.com/lucky-shrub.png" } }] },
            {
              type: "body",
              parameters: [
                { type: "text", parameter_name: "number_of_guests", text: "4" },
                { type: "text", parameter_name: "day", text: "Saturday" },
                { type: "text", parameter_name: "date", text: "August 30th, 2025" },
                { type: "text", parameter_name: "time", text: "7:30 pm" },
              ],
            },
          ],
        },
      });
    });
    await eventually(async () => {
      const messages = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${displayId}/messages`, { token: t.admin.access_token });
      expect(messages.body.payload.find((m: { id: number }) => m.id === sent.body.id)).toMatchObject({ source_id: wamid, status: "sent" });
    });
  });
});
