/**
 * Messenger and Instagram inboxes (Chatwoot's `Channel::FacebookPage` and `Channel::Instagram`): their
 * `channel` inputs, and how an inbox becomes the integration registry's page or account. The registry
 * row is the channel's one home: creating the inbox registers the page (or links the one already
 * registered), so widgets and snapshot mapping see it connected; the row keeps the token the inbox
 * sends with (never returned, never audited); deleting the inbox unlinks it and forgets the token.
 */
import { z } from "@hono/zod-openapi";
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Context } from "hono";
import { facebookPages, instagramAccounts } from "../../db/schema";
import type { Database } from "../../db/client";
import { inJsonList } from "../../db/queries";
import { auditEntry } from "../audit";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";

const PageId = z
  .string()
  .trim()
  .regex(/^\d{1,32}$/, "Expected the page's numeric id.")
  .openapi({ example: "104561234567890", description: "The Facebook page's id (Meta's `recipient.id` in Messenger webhooks)" });
const InstagramId = z
  .string()
  .trim()
  .regex(/^\d{1,32}$/, "Expected the account's numeric id.")
  .openapi({ example: "17841400000000000", description: "The Instagram professional account's id (Meta's `entry[].id`)" });
const AccessToken = z.string().trim().min(1).max(1024);
const InstagramUsername = z
  .string()
  .trim()
  .transform((value) => value.replace(/^@/, ""))
  .pipe(z.string().regex(/^[A-Za-z0-9._]{1,30}$/, "Expected an Instagram username such as acme.dental."));

export const FacebookPageChannelInput = z
  .object({
    type: z.literal("facebook_page"),
    page_id: PageId,
    page_access_token: AccessToken.openapi({ description: "The page access token the Send API is called with; stored, never returned" }),
    page_name: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .optional()
      .openapi({ description: "The page's name in the integrations registry; defaults to the inbox's name" }),
  })
  .strict()
  .openapi("FacebookPageChannelInput");

export const InstagramChannelInput = z
  .object({
    type: z.literal("instagram"),
    instagram_id: InstagramId,
    access_token: AccessToken.openapi({ description: "The access token the Send API is called with; stored, never returned" }),
    username: InstagramUsername.optional().openapi({
      example: "acme.dental",
      description: "The account's username (ig.me links use it); required unless the account is already in the integrations registry",
    }),
  })
  .strict()
  .openapi("InstagramChannelInput");

export type MetaChannelInput = z.infer<typeof FacebookPageChannelInput> | z.infer<typeof InstagramChannelInput>;

/** The channel fields a PATCH may change on these inboxes: a new token (page tokens are replaced when they expire). */
export const metaChannelUpdateFields = {
  page_access_token: AccessToken.optional().openapi({ description: "Messenger inboxes: a new page access token" }),
  access_token: AccessToken.optional().openapi({ description: "Instagram inboxes: a new access token" }),
};

type Registered = { id: number; inboxId: number | null };

/** The registry row for the channel's page or account in this account, if it is registered. */
async function registered(db: Database, accountId: number, channel: MetaChannelInput): Promise<Registered | null> {
  if (channel.type === "facebook_page") {
    const [row] = await db
      .select({ id: facebookPages.id, inboxId: facebookPages.inboxId })
      .from(facebookPages)
      .where(and(eq(facebookPages.accountId, accountId), eq(facebookPages.pageId, channel.page_id)));
    return row ?? null;
  }
  const [row] = await db
    .select({ id: instagramAccounts.id, inboxId: instagramAccounts.inboxId })
    .from(instagramAccounts)
    .where(and(eq(instagramAccounts.accountId, accountId), eq(instagramAccounts.instagramId, channel.instagram_id)));
  return row ?? null;
}

/**
 * The statements, for the inbox's create batch, that make the inbox the registry's page or account:
 * the row registered (connected) or linked, its token set, and its audit entry. 422 `taken` when
 * the page or account is already another inbox; 422 when an unregistered Instagram account has no
 * username. `inboxId` is SQL naming the new inbox (its id is only known inside the batch).
 */
export async function linkMetaChannel(c: Context<AppEnv>, channel: MetaChannelInput, inbox: { name: string; inboxId: SQL }) {
  const db = c.var.db;
  const { accountId, agencyId } = c.var.membership;
  const existing = await registered(db, accountId, channel);
  const field = channel.type === "facebook_page" ? "channel.page_id" : "channel.instagram_id";
  if (existing?.inboxId) {
    throw new ApiError(422, "validation_failed", "The request body is not valid.", [{ field, message: `is already inbox ${existing.inboxId}`, code: "taken" }]);
  }
  const now = new Date();
  if (channel.type === "facebook_page") {
    const pageRow = sql`(select id from facebook_pages where account_id = ${accountId} and page_id = ${channel.page_id})`;
    return [
      existing
        ? db
            .update(facebookPages)
            .set({ inboxId: inbox.inboxId, pageAccessToken: channel.page_access_token, status: "connected", updatedAt: now })
            .where(eq(facebookPages.id, existing.id))
        : db.insert(facebookPages).values({
            accountId,
            pageId: channel.page_id,
            name: channel.page_name ?? inbox.name,
            status: "connected",
            inboxId: inbox.inboxId,
            pageAccessToken: channel.page_access_token,
          }),
      auditEntry(c, {
        action: existing ? "update" : "create",
        auditableType: "FacebookPage",
        auditableId: pageRow,
        agencyId,
        accountId,
        changes: existing
          ? { inbox_id: [null, "linked"], page_access_token: ["[FILTERED]", "[FILTERED]"], status: [null, "connected"] }
          : { page_id: channel.page_id, name: channel.page_name ?? inbox.name, status: "connected", inbox: "linked" },
      }),
    ] as const;
  }
  if (!existing && !channel.username) {
    throw new ApiError(422, "validation_failed", "The request body is not valid.", [
      { field: "channel.username", message: "is required for an account not yet in the integrations registry", code: "required" },
    ]);
  }
  const accountRow = sql`(select id from instagram_accounts where account_id = ${accountId} and instagram_id = ${channel.instagram_id})`;
  return [
    existing
      ? db
          .update(instagramAccounts)
          .set({
            inboxId: inbox.inboxId,
            accessToken: channel.access_token,
            status: "connected",
            ...(channel.username ? { username: channel.username } : {}),
            updatedAt: now,
          })
          .where(eq(instagramAccounts.id, existing.id))
      : db.insert(instagramAccounts).values({
          accountId,
          instagramId: channel.instagram_id,
          username: channel.username ?? "",
          status: "connected",
          inboxId: inbox.inboxId,
          accessToken: channel.access_token,
        }),
    auditEntry(c, {
      action: existing ? "update" : "create",
      auditableType: "InstagramAccount",
      auditableId: accountRow,
      agencyId,
      accountId,
      changes: existing
        ? { inbox_id: [null, "linked"], access_token: ["[FILTERED]", "[FILTERED]"], status: [null, "connected"] }
        : { instagram_id: channel.instagram_id, username: channel.username ?? "", status: "connected", inbox: "linked" },
    }),
  ] as const;
}

/** SQL naming an inbox by its (unique) identifier, for statements in the batch that creates it. */
export const inboxIdByIdentifier = (inboxIdentifier: string) => sql`(select id from inboxes where inbox_identifier = ${inboxIdentifier})`;

/**
 * For the inbox's delete batch: its page or account stays in the registry (widgets may still link to
 * it) but is no longer an inbox, and its token is forgotten. The foreign key would only unlink.
 */
export function unlinkMetaChannel(db: Database, inboxId: number) {
  return [
    db.update(facebookPages).set({ inboxId: null, pageAccessToken: null, updatedAt: new Date() }).where(eq(facebookPages.inboxId, inboxId)),
    db.update(instagramAccounts).set({ inboxId: null, accessToken: null, updatedAt: new Date() }).where(eq(instagramAccounts.inboxId, inboxId)),
  ] as const;
}

/** For a PATCH: the token given for this inbox's page or account, as an update statement; null when none was given. */
export function metaTokenUpdate(
  db: Database,
  inbox: { id: number; channelType: string },
  channel: { page_access_token?: string; access_token?: string } | undefined,
) {
  if (inbox.channelType === "facebook_page" && channel?.page_access_token) {
    return db.update(facebookPages).set({ pageAccessToken: channel.page_access_token, updatedAt: new Date() }).where(eq(facebookPages.inboxId, inbox.id));
  }
  if (inbox.channelType === "instagram" && channel?.access_token) {
    return db.update(instagramAccounts).set({ accessToken: channel.access_token, updatedAt: new Date() }).where(eq(instagramAccounts.inboxId, inbox.id));
  }
  return null;
}

/** The page's or account's id for each of these inboxes, to show on the inbox (Chatwoot's `page_id`, `instagram_id`). */
export async function metaChannelIdentities(db: Database, inboxIds: number[]): Promise<Map<number, { page_id?: string; instagram_id?: string }>> {
  const identities = new Map<number, { page_id?: string; instagram_id?: string }>();
  if (inboxIds.length === 0) return identities;
  const [pages, accounts] = await db.batch([
    db.select({ inboxId: facebookPages.inboxId, pageId: facebookPages.pageId }).from(facebookPages).where(inJsonList(facebookPages.inboxId, inboxIds)),
    db
      .select({ inboxId: instagramAccounts.inboxId, instagramId: instagramAccounts.instagramId })
      .from(instagramAccounts)
      .where(inJsonList(instagramAccounts.inboxId, inboxIds)),
  ]);
  for (const page of pages) if (page.inboxId !== null) identities.set(page.inboxId, { page_id: page.pageId });
  for (const account of accounts) if (account.inboxId !== null) identities.set(account.inboxId, { instagram_id: account.instagramId });
  return identities;
}
