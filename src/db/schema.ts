/** D1 schema: the platform's configuration. Live conversation state lives in Durable Objects, not here. */
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const createdAt = () =>
  integer("created_at", { mode: "timestamp" })
    .notNull()
    .default(sql`(unixepoch())`);
const updatedAt = () =>
  integer("updated_at", { mode: "timestamp" })
    .notNull()
    .default(sql`(unixepoch())`);

export const ROLES = ["administrator", "agent"] as const;
export type Role = (typeof ROLES)[number];

/** An agency runs many sub-accounts. Its access token is stored as a lookup id plus a SHA-256 hash. */
export const agencies = sqliteTable(
  "agencies",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    tokenId: text("token_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("agencies_token_id_unique").on(t.tokenId)],
);

/** A sub-account (Chatwoot's "account"): the tenant that owns inboxes, widgets and conversations. */
export const accounts = sqliteTable(
  "accounts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    agencyId: integer("agency_id")
      .notNull()
      .references(() => agencies.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    locale: text("locale").notNull().default("en"),
    country: text("country"),
    timezone: text("timezone").notNull().default("UTC"),
    businessName: text("business_name"),
    businessAddress: text("business_address"),
    businessPhone: text("business_phone"),
    supportEmail: text("support_email"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("accounts_agency_id_idx").on(t.agencyId)],
);

/** A person who works in one or more of an agency's sub-accounts. Emails are unique per agency. */
export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    agencyId: integer("agency_id")
      .notNull()
      .references(() => agencies.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    email: text("email").notNull(),
    tokenId: text("token_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("users_token_id_unique").on(t.tokenId),
    uniqueIndex("users_agency_email_unique").on(t.agencyId, t.email),
  ],
);

/** Membership of a user in a sub-account, with the role that decides what they may change. */
export const accountUsers = sqliteTable(
  "account_users",
  {
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.userId] }),
    index("account_users_user_id_idx").on(t.userId),
    check("account_users_role_check", sql`${t.role} in ('administrator', 'agent')`),
  ],
);

export const ACTOR_TYPES = ["Platform", "Agency", "User", "System"] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/**
 * Who changed what, when and from where. Rows outlive the agencies, accounts and users they
 * describe (an audit trail must keep "deleted" entries), so they carry ids without foreign keys.
 */
export const auditLogs = sqliteTable(
  "audit_logs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    agencyId: integer("agency_id"),
    accountId: integer("account_id"),
    actorType: text("actor_type", { enum: ACTOR_TYPES }).notNull(),
    actorId: integer("actor_id"),
    actorName: text("actor_name"),
    actorEmail: text("actor_email"),
    action: text("action").notNull(),
    auditableType: text("auditable_type").notNull(),
    auditableId: integer("auditable_id"),
    auditedChanges: text("audited_changes", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    remoteAddress: text("remote_address"),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_logs_account_idx").on(t.accountId, t.id),
    index("audit_logs_agency_idx").on(t.agencyId, t.id),
  ],
);

/**
 * Sub-accounts deleted from D1 whose media (R2) and live state (Durable Objects) still need
 * removing. The purge job deletes the row when done; the cron sweep re-enqueues stale rows.
 */
export const accountPurges = sqliteTable("account_purges", {
  accountId: integer("account_id").primaryKey(),
  requestedAt: integer("requested_at", { mode: "timestamp" })
    .notNull()
    .default(sql`(unixepoch())`),
  enqueuedAt: integer("enqueued_at", { mode: "timestamp" }),
});

/** Queue messages that exhausted their retries, kept for operators to inspect. */
export const deadJobs = sqliteTable("dead_jobs", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  messageId: text("message_id").notNull().unique(),
  body: text("body", { mode: "json" }).notNull(),
  attempts: integer("attempts").notNull(),
  createdAt: createdAt(),
});
