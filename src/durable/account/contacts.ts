/** The Account object's contacts and contact inboxes (SQLite in the object). */
import type { ContactInboxRecord, ContactPayload, ContactRecord } from "../../domain/chatwoot-payloads";
import { nowSeconds, parseJson } from "../sqlite";

/** What a one-off campaign needs of a contact in its audience: the number and the template variables' values. */
export type CampaignContact = Pick<ContactRecord, "id" | "name" | "email" | "phoneNumber" | "customAttributes"> & {
  /** When the contact answered STOP to SMS (ISO 8601), or null. */
  smsOptedOutAt: string | null;
};

type ContactRow = {
  id: number;
  name: string;
  email: string | null;
  phone_number: string | null;
  identifier: string | null;
  avatar_url: string | null;
  custom_attributes: string;
  additional_attributes: string;
  created_at: number;
  updated_at: number;
  last_activity_at: number | null;
};

type ContactInboxRow = {
  id: number;
  contact_id: number;
  inbox_id: number;
  source_id: string;
  hmac_verified: number;
  created_at: number;
  updated_at: number;
};

export type ContactFields = {
  name?: string | null;
  email?: string | null;
  phone_number?: string | null;
  identifier?: string | null;
  avatar_url?: string | null;
  custom_attributes?: Record<string, unknown>;
  additional_attributes?: Record<string, unknown>;
};

export const CONTACT_SORTS = ["name", "email", "phone_number", "created_at", "last_activity_at"] as const;
export type ContactSort = (typeof CONTACT_SORTS)[number];

/** A write that would break a uniqueness rule; the API answers 422 with `field`. */
export class ContactConflict extends Error {
  constructor(readonly field: "email" | "identifier" | "phone_number" | "source_id") {
    super(`${field} has already been taken`);
  }
}

/** Values a visitor can name without proof; one that is not theirs to hold is kept as `claimed_<field>`. */
type Claimable = "email" | "phone_number" | "identifier";
const claimKey = (field: Claimable) => `claimed_${field}`;

/** A visitor's claims in their contact's additional attributes, and the attributes without them. */
function claimsIn(additional: Record<string, unknown>) {
  const claimed = (field: Claimable) => {
    const value = additional[claimKey(field)];
    return typeof value === "string" ? value : null;
  };
  return {
    email: claimed("email"),
    phone_number: claimed("phone_number"),
    identifier: claimed("identifier"),
    others: Object.fromEntries(Object.entries(additional).filter(([key]) => !key.startsWith("claimed_"))),
  };
}

/**
 * The contact as its own visitor is shown it: a claimed value stands where a held one would, and
 * the claims are not listed, so no answer to a visitor tells whether another contact holds a value.
 */
export function asVisitorSees(contact: ContactRecord): ContactRecord {
  const claims = claimsIn(contact.additionalAttributes);
  return {
    ...contact,
    email: contact.email ?? claims.email,
    phoneNumber: contact.phoneNumber ?? claims.phone_number,
    identifier: contact.identifier ?? claims.identifier,
    additionalAttributes: claims.others,
  };
}

/** `asVisitorSees` for a contact already in Chatwoot's JSON (a message's sender, a conversation's meta.sender). */
export function payloadAsVisitorSees(payload: ContactPayload): ContactPayload {
  // Most contacts claim nothing: the same object back lets the fan-out send one frame to everyone.
  if (!Object.keys(payload.additional_attributes).some((key) => key.startsWith("claimed_"))) return payload;
  const claims = claimsIn(payload.additional_attributes);
  return {
    ...payload,
    email: payload.email ?? claims.email,
    phone_number: payload.phone_number ?? claims.phone_number,
    identifier: payload.identifier ?? claims.identifier,
    additional_attributes: claims.others,
  };
}

const toContact = (row: ContactRow): ContactRecord => ({
  id: row.id,
  name: row.name,
  email: row.email,
  phoneNumber: row.phone_number,
  identifier: row.identifier,
  avatarUrl: row.avatar_url,
  customAttributes: parseJson(row.custom_attributes, {}),
  additionalAttributes: parseJson(row.additional_attributes, {}),
  createdAt: row.created_at,
  lastActivityAt: row.last_activity_at,
});

const toContactInbox = (row: ContactInboxRow): ContactInboxRecord => ({
  id: row.id,
  contactId: row.contact_id,
  inboxId: row.inbox_id,
  sourceId: row.source_id,
  hmacVerified: row.hmac_verified === 1,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Contacts are read on every message event; writes go through this store, which keeps a read cache. */
export class ContactStore {
  private readonly cache = new Map<number, ContactRecord>();
  private readonly touchedAt = new Map<number, number>();

  constructor(private readonly sql: SqlStorage) {}

  get(id: number): ContactRecord | null {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const row = this.sql.exec<ContactRow>("select * from contacts where id = ?", id).toArray()[0];
    if (!row) return null;
    const contact = toContact(row);
    if (this.cache.size >= 5_000) this.cache.clear();
    this.cache.set(id, contact);
    return contact;
  }

  getMany(ids: number[]): Map<number, ContactRecord> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = this.sql.exec<ContactRow>(`select * from contacts where id in (${unique.map(() => "?").join(",")})`, ...unique).toArray();
    return new Map(rows.map((row) => [row.id, toContact(row)]));
  }

  findBy(field: "email" | "identifier" | "phone_number", value: string): ContactRecord | null {
    const row = this.sql.exec<ContactRow>(`select * from contacts where ${field} = ?`, value).toArray()[0];
    return row ? toContact(row) : null;
  }

  /**
   * What a visitor's write stores on their contact `ownId` (null: a contact about to be created). An
   * email or phone number another contact holds is recorded as a claim, with the contact's own value
   * cleared, and an identifier without proof is always a claim: the write never fails on, attaches
   * to, or shows someone else's value, and agents see the claims to merge by hand. A proven
   * identifier is stored; the caller has made sure no other contact holds it.
   */
  visitorWrite(fields: ContactFields, ownId: number | null, identifierVerified: boolean): ContactFields {
    const written: ContactFields = { ...fields };
    const claims: Record<string, unknown> = {};
    for (const field of ["email", "phone_number"] as const) {
      const value = fields[field];
      if (value === undefined) continue;
      const holder = value === null ? null : this.findBy(field, value);
      const taken = holder !== null && holder.id !== ownId;
      written[field] = taken ? null : value;
      claims[claimKey(field)] = taken ? value : undefined;
    }
    if (fields.identifier !== undefined) {
      if (identifierVerified && fields.identifier !== null) {
        const current = ownId === null ? null : this.get(ownId);
        if (current?.additionalAttributes[claimKey("identifier")] === fields.identifier) claims[claimKey("identifier")] = undefined;
      } else {
        claims[claimKey("identifier")] = fields.identifier ?? undefined;
        delete written.identifier;
      }
    }
    // Undefined values drop out when the attributes are serialized: that is how a claim is withdrawn.
    written.additional_attributes = { ...fields.additional_attributes, ...claims };
    return written;
  }

  /** The contact's oldest session in the inbox that proved its identifier: the one its devices share. */
  verifiedSessionOf(contactId: number, inboxId: number): ContactInboxRecord | null {
    return this.contactInboxesOf(contactId).find((session) => session.inboxId === inboxId && session.hmacVerified) ?? null;
  }

  private assertUnique(fields: ContactFields, exceptId: number | null) {
    for (const field of ["email", "identifier", "phone_number"] as const) {
      const value = fields[field];
      if (!value) continue;
      const other = this.findBy(field, value);
      if (other && other.id !== exceptId) throw new ContactConflict(field);
    }
  }

  create(fields: ContactFields): ContactRecord {
    this.assertUnique(fields, null);
    const now = nowSeconds();
    const row = this.sql
      .exec<ContactRow>(
        `insert into contacts (name, email, phone_number, identifier, avatar_url, custom_attributes, additional_attributes, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning *`,
        fields.name ?? "",
        fields.email ?? null,
        fields.phone_number ?? null,
        fields.identifier ?? null,
        fields.avatar_url ?? null,
        JSON.stringify(fields.custom_attributes ?? {}),
        JSON.stringify(fields.additional_attributes ?? {}),
        now,
        now,
      )
      .one();
    this.cache.delete(row.id);
    return toContact(row);
  }

  /** Applies the given fields; custom and additional attributes are merged key by key, as in Chatwoot. */
  update(id: number, fields: ContactFields): ContactRecord | null {
    const current = this.get(id);
    if (!current) return null;
    this.assertUnique(fields, id);
    const pick = <T>(value: T | undefined, fallback: T) => (value === undefined ? fallback : value);
    const row = this.sql
      .exec<ContactRow>(
        `update contacts set name = ?, email = ?, phone_number = ?, identifier = ?, avatar_url = ?,
           custom_attributes = ?, additional_attributes = ?, updated_at = ? where id = ? returning *`,
        pick(fields.name, current.name) ?? "",
        pick(fields.email, current.email),
        pick(fields.phone_number, current.phoneNumber),
        pick(fields.identifier, current.identifier),
        pick(fields.avatar_url, current.avatarUrl),
        JSON.stringify({ ...current.customAttributes, ...(fields.custom_attributes ?? {}) }),
        JSON.stringify({ ...current.additionalAttributes, ...(fields.additional_attributes ?? {}) }),
        nowSeconds(),
        id,
      )
      .one();
    this.cache.delete(id);
    return toContact(row);
  }

  /** Removes custom attribute keys (Chatwoot's destroy_custom_attributes). */
  deleteCustomAttributes(id: number, keys: string[]): ContactRecord | null {
    const current = this.get(id);
    if (!current) return null;
    const remaining = Object.fromEntries(Object.entries(current.customAttributes).filter(([key]) => !keys.includes(key)));
    this.sql.exec("update contacts set custom_attributes = ?, updated_at = ? where id = ?", JSON.stringify(remaining), nowSeconds(), id);
    this.cache.delete(id);
    return this.get(id);
  }

  /** Records activity; at most once a minute per contact, since it is called for every message. */
  touch(id: number, at: number) {
    if (at - (this.touchedAt.get(id) ?? 0) < 60) return;
    this.touchedAt.set(id, at);
    this.sql.exec("update contacts set last_activity_at = ? where id = ?", at, id);
    this.cache.delete(id);
  }

  delete(id: number) {
    this.sql.exec("delete from contact_labels where contact_id = ?", id);
    this.sql.exec("delete from contact_inboxes where contact_id = ?", id);
    this.sql.exec("delete from contacts where id = ?", id);
    this.cache.delete(id);
  }

  page(options: { q: string | null; page: number; perPage: number; sort: ContactSort; descending: boolean }) {
    const searched = ["name", "email", "phone_number", "identifier"];
    const filter = options.q ? `where ${searched.map((column) => `${column} like ? escape '\\'`).join(" or ")}` : "";
    const args = options.q ? searched.map(() => `%${options.q?.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`) : [];
    const count = this.sql.exec<{ n: number }>(`select count(*) as n from contacts ${filter}`, ...args).one().n;
    const rows = this.sql
      .exec<ContactRow>(
        `select * from contacts ${filter} order by ${options.sort} ${options.descending ? "desc" : "asc"}, id desc limit ? offset ?`,
        ...args,
        options.perPage,
        (options.page - 1) * options.perPage,
      )
      .toArray();
    return { count, contacts: rows.map(toContact) };
  }

  contactInbox(id: number): ContactInboxRecord | null {
    const row = this.sql.exec<ContactInboxRow>("select * from contact_inboxes where id = ?", id).toArray()[0];
    return row ? toContactInbox(row) : null;
  }

  contactInboxBySource(inboxId: number, sourceId: string): ContactInboxRecord | null {
    const row = this.sql.exec<ContactInboxRow>("select * from contact_inboxes where inbox_id = ? and source_id = ?", inboxId, sourceId).toArray()[0];
    return row ? toContactInbox(row) : null;
  }

  contactInboxesOf(contactId: number): ContactInboxRecord[] {
    return this.sql.exec<ContactInboxRow>("select * from contact_inboxes where contact_id = ? order by id", contactId).toArray().map(toContactInbox);
  }

  createContactInbox(contactId: number, inboxId: number, sourceId: string, hmacVerified: boolean): ContactInboxRecord {
    if (this.contactInboxBySource(inboxId, sourceId)) throw new ContactConflict("source_id");
    const now = nowSeconds();
    const row = this.sql
      .exec<ContactInboxRow>(
        `insert into contact_inboxes (contact_id, inbox_id, source_id, hmac_verified, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?) returning *`,
        contactId,
        inboxId,
        sourceId,
        hmacVerified ? 1 : 0,
        now,
        now,
      )
      .one();
    return toContactInbox(row);
  }

  contactInboxIdsOfInbox(inboxId: number): number[] {
    return this.sql
      .exec<{ id: number }>("select id from contact_inboxes where inbox_id = ?", inboxId)
      .toArray()
      .map((row) => row.id);
  }

  deleteContactInboxesOfInbox(inboxId: number) {
    this.sql.exec("delete from contact_inboxes where inbox_id = ?", inboxId);
  }

  markHmacVerified(contactInboxId: number) {
    this.sql.exec("update contact_inboxes set hmac_verified = 1, updated_at = ? where id = ?", nowSeconds(), contactInboxId);
  }

  /** Moves the mergee's contact inboxes and labels to the base contact, then deletes the mergee. */
  merge(baseId: number, mergeeId: number) {
    this.sql.exec("update contact_inboxes set contact_id = ?, updated_at = ? where contact_id = ?", baseId, nowSeconds(), mergeeId);
    this.sql.exec("insert or ignore into contact_labels (contact_id, label) select ?, label from contact_labels where contact_id = ?", baseId, mergeeId);
    this.sql.exec("delete from contact_labels where contact_id = ?", mergeeId);
    this.sql.exec("delete from contacts where id = ?", mergeeId);
    this.cache.delete(mergeeId);
  }

  // ---- labels ----------------------------------------------------------------------------------

  labelsOf(contactId: number): string[] {
    return this.sql
      .exec<{ label: string }>("select label from contact_labels where contact_id = ? order by label", contactId)
      .toArray()
      .map((row) => row.label);
  }

  /** Replaces the contact's labels with `labels` (Chatwoot's update_labels). */
  setLabels(contactId: number, labels: readonly string[]): string[] {
    this.sql.exec("delete from contact_labels where contact_id = ?", contactId);
    for (const label of new Set(labels)) this.sql.exec("insert into contact_labels (contact_id, label) values (?, ?)", contactId, label);
    return this.labelsOf(contactId);
  }

  /** Gives every contact labelled `from` the label `to` instead. */
  renameLabel(from: string, to: string) {
    this.sql.exec("update or ignore contact_labels set label = ? where label = ?", to, from);
    this.sql.exec("delete from contact_labels where label = ?", from);
  }

  /** Contacts with any of `labels` and a phone number, after `afterId` in id order, at most `limit`. */
  withAnyLabel(labels: readonly string[], afterId: number, limit: number): CampaignContact[] {
    if (labels.length === 0) return [];
    return this.sql
      .exec<ContactRow>(
        `select * from contacts where id > ? and phone_number is not null
           and id in (select contact_id from contact_labels where label in (select value from json_each(?)))
         order by id limit ?`,
        afterId,
        JSON.stringify(labels),
        limit,
      )
      .toArray()
      .map((row) => {
        const { id, name, email, phoneNumber, customAttributes, additionalAttributes } = toContact(row);
        const optedOut = additionalAttributes.sms_opted_out_at;
        return { id, name, email, phoneNumber, customAttributes, smsOptedOutAt: typeof optedOut === "string" ? optedOut : null };
      });
  }
}
