/**
 * The Account object's side of phone channels (WhatsApp): who is writing, and which of their
 * conversations a new message joins. Both run inside one storage transaction of the object, so two
 * messages from a new person handled at once make one contact and one conversation.
 */
import type { ConversationState } from "../../domain/conversation";
import type { ContactInboxRecord, ContactRecord } from "../../domain/chatwoot-payloads";
import type { ContactStore } from "./contacts";

/**
 * The contact session for `sourceId` (WhatsApp's wa_id) in the inbox: the existing one, else a new
 * session for the contact with that phone number, else a new contact with the name the person
 * gave their profile. `created` says whether a contact was made, for contact.created.
 */
export function findOrStartChannelSession(
  contacts: ContactStore,
  inboxId: number,
  sourceId: string,
  person: { name: string | null; phoneNumber: string },
): { contact: ContactRecord; contactInbox: ContactInboxRecord; created: boolean } {
  const existing = contacts.contactInboxBySource(inboxId, sourceId);
  const existingContact = existing ? contacts.get(existing.contactId) : null;
  if (existing && existingContact) return { contact: existingContact, contactInbox: existing, created: false };
  const known = contacts.findBy("phone_number", person.phoneNumber);
  const contact = known ?? contacts.create({ name: person.name?.trim() || person.phoneNumber, phone_number: person.phoneNumber });
  const contactInbox = contacts.createContactInbox(contact.id, inboxId, sourceId, false);
  return { contact, contactInbox, created: !known };
}

/**
 * The state of the session's latest conversation that is not resolved (open, pending or snoozed, which
 * the message wakes), including one reserved and still being started (so a second message arriving
 * meanwhile joins it rather than opening another), as Chatwoot's channels pick it.
 */
export function latestOpenConversation(sql: SqlStorage, contactInboxId: number): ConversationState | null {
  return openConversationOf(sql, contactInboxId)?.seed ?? null;
}

/**
 * The same, and whether its Conversation object has started (`ready`): one still starting needs its
 * start finished. `anyStatus`: the inbox locks each contact to a single conversation (Chatwoot's
 * `lock_to_single_conversation`), so the latest one is taken even when resolved (the message reopens it).
 */
export function openConversationOf(sql: SqlStorage, contactInboxId: number, anyStatus = false): { seed: ConversationState; ready: boolean } | null {
  const row = sql
    .exec<{ state: string; ready: number }>(
      `select state, ready from conversations where contact_inbox_id = ? ${anyStatus ? "" : "and status != 'resolved'"} order by display_id desc limit 1`,
      contactInboxId,
    )
    .toArray()[0];
  return row ? { seed: JSON.parse(row.state) as ConversationState, ready: row.ready === 1 } : null;
}
