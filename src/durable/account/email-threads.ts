/**
 * The Account object's side of email: which conversation each Message-ID belongs to (a mail that
 * names one in In-Reply-To or References joins that conversation, a redelivered mail is known by
 * its own), and how far conversation continuity has emailed each website conversation, so a burst
 * of agent replies leaves as one email. Rows are per inbox: the same Message-ID in two inboxes is
 * two threads. Tables `email_threads`, `email_claims` and `email_continuity` (src/durable/migrations/account.ts).
 */
import type { ContactStore } from "./contacts";
import type { ContactInboxRecord, ContactRecord } from "../../domain/chatwoot-payloads";

export type EmailThreadEntry = { messageId: string; incoming: boolean };

export class EmailThreads {
  constructor(private readonly sql: SqlStorage) {}

  /** The conversation of the first of `messageIds` the inbox has seen, with whether that id was an incoming mail's. */
  conversationOf(inboxId: number, messageIds: readonly string[]): { displayId: number; messageId: string; incoming: boolean } | null {
    for (const messageId of messageIds) {
      const row = this.sql
        .exec<{ display_id: number; incoming: number }>(
          "select display_id, incoming from email_threads where inbox_id = ? and message_id = ?",
          inboxId,
          messageId,
        )
        .toArray()[0];
      if (row) return { displayId: row.display_id, messageId, incoming: row.incoming === 1 };
    }
    return null;
  }

  /**
   * Claims a mail's Message-ID for one delivery (`owner`: the key of its raw copy, which a queue retry
   * of the same delivery keeps): "mine" for the first delivery and its retries, "duplicate" for any
   * other delivery of the same mail, which is then stored no more.
   */
  claim(inboxId: number, messageId: string, owner: string, at: number): "mine" | "duplicate" {
    this.sql.exec(
      "insert into email_claims (inbox_id, message_id, owner, created_at) values (?, ?, ?, ?) on conflict do nothing",
      inboxId,
      messageId,
      owner,
      at,
    );
    const row = this.sql.exec<{ owner: string }>("select owner from email_claims where inbox_id = ? and message_id = ?", inboxId, messageId).one();
    return row.owner === owner ? "mine" : "duplicate";
  }

  record(inboxId: number, displayId: number, entries: readonly EmailThreadEntry[], at: number) {
    for (const entry of entries) {
      this.sql.exec(
        "insert into email_threads (inbox_id, message_id, display_id, incoming, created_at) values (?, ?, ?, ?, ?) on conflict do nothing",
        inboxId,
        entry.messageId,
        displayId,
        entry.incoming ? 1 : 0,
        at,
      );
    }
  }

  /** The conversation's Message-IDs, oldest first, and its latest incoming one (what an answer is In-Reply-To). */
  threadOf(inboxId: number, displayId: number, limit: number): { ids: string[]; latestIncoming: string | null } {
    const rows = this.sql
      .exec<{ message_id: string; incoming: number }>(
        "select message_id, incoming from email_threads where inbox_id = ? and display_id = ? order by created_at desc, rowid desc limit ?",
        inboxId,
        displayId,
        limit,
      )
      .toArray();
    return { ids: rows.map((row) => row.message_id).reverse(), latestIncoming: rows.find((row) => row.incoming === 1)?.message_id ?? null };
  }

  /**
   * Continuity: claims the conversation's agent messages after the last emailed one, up to
   * `throughMessageId`, for one email. Null when an earlier email already took them; otherwise the
   * id the claimed range starts after.
   */
  claimContinuity(displayId: number, throughMessageId: number, at: number): number | null {
    const row = this.sql.exec<{ emailed_through: number }>("select emailed_through from email_continuity where display_id = ?", displayId).toArray()[0];
    const after = row?.emailed_through ?? 0;
    if (after >= throughMessageId) return null;
    this.sql.exec(
      "insert into email_continuity (display_id, emailed_through, updated_at) values (?, ?, ?) on conflict (display_id) do update set emailed_through = excluded.emailed_through, updated_at = excluded.updated_at",
      displayId,
      throughMessageId,
      at,
    );
    return after;
  }

  /** Gives a claim back (the email could not be sent), unless a later one replaced it. */
  releaseContinuity(displayId: number, claimedThrough: number, after: number, at: number) {
    this.sql.exec(
      "update email_continuity set emailed_through = ?, updated_at = ? where display_id = ? and emailed_through = ?",
      after,
      at,
      displayId,
      claimedThrough,
    );
  }
}

/**
 * The session of the person writing from `email` to an email inbox (its source id is the address,
 * as in Chatwoot): the existing one, else a new session for the contact who has that email, else a
 * new contact with it and the name the mail gave. `created` says whether a contact was made.
 */
export function findOrStartEmailSession(
  contacts: ContactStore,
  inboxId: number,
  person: { email: string; name: string | null },
): { contact: ContactRecord; contactInbox: ContactInboxRecord; created: boolean } {
  const existing = contacts.contactInboxBySource(inboxId, person.email);
  const existingContact = existing ? contacts.get(existing.contactId) : null;
  if (existing && existingContact) return { contact: existingContact, contactInbox: existing, created: false };
  const known = contacts.findBy("email", person.email);
  const contact = known ?? contacts.create({ name: person.name?.trim() || person.email.split("@")[0] || person.email, email: person.email });
  const contactInbox = contacts.createContactInbox(contact.id, inboxId, person.email, false);
  return { contact, contactInbox, created: !known };
}
