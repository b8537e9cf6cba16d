/** Agency API: what a sub-account could put in a snapshot (its chat widgets and custom attribute definitions), to choose from. */
import { createRoute, z } from "@hono/zod-openapi";
import { asc, eq } from "drizzle-orm";
import { ATTRIBUTE_MODELS, CHAT_WIDGET_TYPES, chatWidgets, customAttributeDefinitions } from "../../db/schema";
import { createRouter } from "../context";
import { errorResponses } from "../errors";
import { idParams } from "../schemas";
import { agencyAccount, security } from "./accounts";

const SnapshotAssets = z
  .object({
    chat_widgets: z.array(z.object({ id: z.number().int(), name: z.string(), type: z.enum(CHAT_WIDGET_TYPES) })),
    custom_attribute_definitions: z.array(
      z.object({
        id: z.number().int(),
        attribute_key: z.string(),
        attribute_display_name: z.string(),
        attribute_model: z.enum(ATTRIBUTE_MODELS),
      }),
    ),
  })
  .openapi("SnapshotAssets");

export const agencySnapshotAssets = createRouter();

agencySnapshotAssets.openapi(
  createRoute({
    method: "get",
    path: "/accounts/{account_id}/snapshot_assets",
    tags: ["Agency: snapshots"],
    security: [...security, { userToken: [] }],
    summary: "What a snapshot of this sub-account can hold",
    description:
      "Its chat widgets and custom attribute definitions, by name, for choosing `assets` in `POST /snapshots` " +
      "(custom attributes are never included unless listed there).",
    request: { params: idParams("account_id") },
    responses: {
      200: { description: "The sub-account's assets", content: { "application/json": { schema: SnapshotAssets } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { account_id } = c.req.valid("param");
    const account = await agencyAccount(c, account_id);
    const db = c.var.db;
    const [widgets, definitions] = await Promise.all([
      db
        .select({ id: chatWidgets.id, name: chatWidgets.name, type: chatWidgets.type })
        .from(chatWidgets)
        .where(eq(chatWidgets.accountId, account.id))
        .orderBy(asc(chatWidgets.id)),
      db
        .select({
          id: customAttributeDefinitions.id,
          attribute_key: customAttributeDefinitions.attributeKey,
          attribute_display_name: customAttributeDefinitions.attributeDisplayName,
          attribute_model: customAttributeDefinitions.attributeModel,
        })
        .from(customAttributeDefinitions)
        .where(eq(customAttributeDefinitions.accountId, account.id))
        .orderBy(asc(customAttributeDefinitions.id)),
    ]);
    return c.json({ chat_widgets: widgets, custom_attribute_definitions: definitions }, 200);
  },
);
