/**
 * The Account object's writes to contacts and their inbox sessions: creating, changing and merging
 * contacts (each change published as contact.created or contact.updated in its transaction), a
 * visitor's session started, changed or identified by a proven identifier (never attached to
 * someone else's contact on an unproven claim), and the sessions of phone numbers writing to SMS.
 */
import type { ContactInboxRecord, ContactRecord } from "../../domain/chatwoot-payloads";
import type { ContactEvents } from "./contact-events";
import { ContactConflict, type ContactFields, type ContactStore } from "./contacts";
import type { ConversationIndex } from "./conversation-index";
import { fanOut } from "./fan-out";
import type { AccountPayloads } from "./payloads";
import type { Presence } from "./presence";

export type ContactSession = { contact: ContactRecord; contactInbox: ContactInboxRecord };

/** Uniqueness conflicts come back as values: errors thrown across RPC lose their type. */
export type Conflict = { conflict: ContactConflict["field"] };

export function catchConflict<T>(write: () => T): T | Conflict {
  try {
    return write();
  } catch (error) {
    if (error instanceof ContactConflict) return { conflict: error.field };
    throw error;
  }
}

export class ContactWrites {
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly contacts: ContactStore,
    private readonly index: ConversationIndex,
    private readonly events: ContactEvents,
    private readonly payloads: AccountPayloads,
    private readonly presence: Presence,
  ) {}

  async createContact(
    fields: ContactFields,
    inbox?: { inboxId: number; sourceId: string },
  ): Promise<ContactSession | { contact: ContactRecord; contactInbox: null } | Conflict> {
    const created = catchConflict(() =>
      this.ctx.storage.transactionSync(() => {
        const contact = this.contacts.create(fields);
        const contactInbox = inbox ? this.contacts.createContactInbox(contact.id, inbox.inboxId, inbox.sourceId, false) : null;
        this.events.publish("contact.created", contact);
        return { contact, contactInbox };
      }),
    );
    await this.events.flush();
    return created;
  }

  async updateContact(id: number, fields: ContactFields): Promise<ContactRecord | null | Conflict> {
    const updated = catchConflict(() => this.ctx.storage.transactionSync(() => this.changeContact(id, fields)));
    await this.events.flush();
    return updated;
  }

  /** Changes a contact and publishes contact.updated, in the caller's transaction; null when there is no such contact. */
  changeContact(id: number, fields: ContactFields): ContactRecord | null {
    const contact = this.contacts.update(id, fields);
    if (contact) this.events.publish("contact.updated", contact);
    return contact;
  }

  async deleteContactCustomAttributes(id: number, keys: string[]): Promise<ContactRecord | null> {
    const contact = this.ctx.storage.transactionSync(() => {
      const changed = this.contacts.deleteCustomAttributes(id, keys);
      if (changed) this.events.publish("contact.updated", changed);
      return changed;
    });
    await this.events.flush();
    return contact;
  }

  /**
   * The session of the person writing from `phoneNumber` to an SMS inbox (its source id is the number,
   * as in Chatwoot): the existing one, else a new session for the contact with that number, else a new
   * contact with it.
   */
  async smsContactSession(inboxId: number, phoneNumber: string): Promise<ContactSession> {
    const existing = this.contactSession(inboxId, phoneNumber);
    if (existing) return existing;
    const session = this.ctx.storage.transactionSync(() => {
      const known = this.contacts.findBy("phone_number", phoneNumber);
      const contact = known ?? this.contacts.create({ name: phoneNumber, phone_number: phoneNumber });
      const contactInbox = this.contacts.createContactInbox(contact.id, inboxId, phoneNumber, false);
      if (!known) this.events.publish("contact.created", contact);
      return { contact, contactInbox };
    });
    await this.events.flush();
    return session;
  }

  /** Records an SMS opt-out (STOP: `additional_attributes.sms_opted_out_at`) or its end (START); null when there is no such contact. */
  async setSmsOptOut(contactId: number, optedOutAt: string | null): Promise<ContactRecord | null> {
    // Additional attributes merge: START leaves the key with null, which reads as not opted out.
    const contact = this.ctx.storage.transactionSync(() => this.changeContact(contactId, { additional_attributes: { sms_opted_out_at: optedOutAt } }));
    await this.events.flush();
    return contact;
  }

  /** Adds an inbox session to an existing contact (Chatwoot's contact_inboxes create). */
  createContactInbox(contactId: number, inboxId: number, sourceId: string): ContactInboxRecord | null | Conflict {
    if (!this.contacts.get(contactId)) return null;
    return catchConflict(() => this.contacts.createContactInbox(contactId, inboxId, sourceId, false));
  }

  /**
   * Merges the mergee into the base contact: its inbox sessions and conversations move to the base,
   * missing fields are filled from it, and each moved conversation emits conversation.contact_changed.
   */
  async mergeContacts(baseId: number, mergeeId: number): Promise<ContactRecord | null> {
    const base = this.contacts.get(baseId);
    const mergee = this.contacts.get(mergeeId);
    if (!base || !mergee || baseId === mergeeId) return null;
    const moved = this.ctx.storage.transactionSync(() => {
      this.contacts.merge(baseId, mergeeId);
      const ids = this.index.moveToContact(mergeeId, baseId);
      this.contacts.update(baseId, {
        email: base.email ?? mergee.email,
        phone_number: base.phoneNumber ?? mergee.phoneNumber,
        identifier: base.identifier ?? mergee.identifier,
        custom_attributes: { ...mergee.customAttributes, ...base.customAttributes },
        additional_attributes: { ...mergee.additionalAttributes, ...base.additionalAttributes },
      });
      return ids;
    });
    const rows = moved.flatMap((id) => this.index.get(id) ?? []);
    const payloads = await this.payloads.conversations(rows);
    for (const [i, payload] of payloads.entries()) {
      const row = rows[i];
      if (row) fanOut(this.presence.registry(), row.state, "conversation.contact_changed", payload, null);
    }
    const merged = this.contacts.get(baseId);
    if (merged) this.events.publish("contact.updated", merged);
    await this.events.flush();
    return merged;
  }

  /**
   * Starts a contact's session in an inbox. A verified identifier reuses (and updates) the contact
   * that has it, as in Chatwoot. Anything else creates a new contact: an unverified visitor is never
   * attached to someone else's contact, which would show them its details and let them change it.
   * What a visitor names without holding it (an email or phone another contact has, any unproven
   * identifier) is kept in `additional_attributes.claimed_<field>` for agents to merge.
   */
  async startContactSession(input: {
    inboxId: number;
    sourceId: string;
    fields: ContactFields;
    identifierVerified: boolean;
  }): Promise<ContactSession | Conflict> {
    const started = catchConflict(() =>
      this.ctx.storage.transactionSync(() => {
        const { fields } = input;
        const known = input.identifierVerified && fields.identifier ? this.contacts.findBy("identifier", fields.identifier) : null;
        const contact = known
          ? (this.contacts.update(known.id, this.contacts.visitorWrite(fields, known.id, true)) ?? known)
          : this.contacts.create(this.contacts.visitorWrite(fields, null, input.identifierVerified));
        const contactInbox = this.contacts.createContactInbox(contact.id, input.inboxId, input.sourceId, input.identifierVerified);
        this.events.publish(known ? "contact.updated" : "contact.created", contact);
        return { contact, contactInbox };
      }),
    );
    await this.events.flush();
    return started;
  }

  contactSession(inboxId: number, sourceId: string): ContactSession | null {
    const contactInbox = this.contacts.contactInboxBySource(inboxId, sourceId);
    const contact = contactInbox ? this.contacts.get(contactInbox.contactId) : null;
    return contactInbox && contact ? { contact, contactInbox } : null;
  }

  /**
   * A visitor changes their session's contact. Unproven values follow `visitorWrite` (claims, never
   * someone else's contact). A proven identifier the contact does not hold yet goes through
   * `identifyContactSession`, whose answer may be another session: the one the person's devices share.
   */
  async updateContactSession(inboxId: number, sourceId: string, fields: ContactFields, identifierVerified: boolean): Promise<ContactSession | null | Conflict> {
    const session = this.contactSession(inboxId, sourceId);
    if (!session) return null;
    if (identifierVerified && fields.identifier && fields.identifier !== session.contact.identifier) {
      return this.identifyContactSession(session, fields.identifier, fields);
    }
    const updated = catchConflict(() =>
      this.ctx.storage.transactionSync(() => {
        const contact = this.changeContact(session.contact.id, this.contacts.visitorWrite(fields, session.contact.id, identifierVerified));
        if (contact && identifierVerified && !session.contactInbox.hmacVerified) this.contacts.markHmacVerified(session.contactInbox.id);
        return contact;
      }),
    );
    await this.events.flush();
    if (updated === null || "conflict" in updated) return updated;
    return { contact: updated, contactInbox: this.contacts.contactInbox(session.contactInbox.id) ?? session.contactInbox };
  }

  /**
   * The visitor of `session` proved `identifier` (a valid identifier_hash). The person's contact is
   * the one that holds it; when none does, the visitor's own contact takes it if it has no identity
   * yet, otherwise a new contact is created. An anonymous contact whose only session this is joins
   * the person's contact (as Chatwoot merges on identify: the device's history is theirs). The answer
   * is the person's verified session in the inbox, shared by their devices so each sees their
   * conversations; the session itself when it is the first. Nothing of the person's contact ever
   * moves to another contact, and an earlier unproven claim of the identifier stays a claim.
   */
  private async identifyContactSession(session: ContactSession, identifier: string, fields: ContactFields): Promise<ContactSession | null | Conflict> {
    const own = session.contact;
    const holder = this.contacts.findBy("identifier", identifier);
    const ownIsAnonymous = own.identifier === null;
    if (holder && ownIsAnonymous && this.contacts.contactInboxesOf(own.id).length === 1) await this.mergeContacts(holder.id, own.id);
    const { inboxId } = session.contactInbox;
    const identified = catchConflict(() =>
      this.ctx.storage.transactionSync(() => {
        const personId = holder?.id ?? (ownIsAnonymous ? own.id : null);
        const person =
          personId === null
            ? this.contacts.create(this.contacts.visitorWrite(fields, null, true))
            : this.contacts.update(personId, this.contacts.visitorWrite(fields, personId, true));
        if (!person) return null;
        this.events.publish(personId === null ? "contact.created" : "contact.updated", person);
        let contactInbox = this.contacts.verifiedSessionOf(person.id, inboxId);
        if (!contactInbox) {
          const current = this.contacts.contactInbox(session.contactInbox.id);
          if (current?.contactId === person.id) {
            this.contacts.markHmacVerified(current.id);
            contactInbox = this.contacts.contactInbox(current.id);
          } else {
            contactInbox = this.contacts.createContactInbox(person.id, inboxId, crypto.randomUUID(), true);
          }
        }
        return contactInbox ? { contact: person, contactInbox } : null;
      }),
    );
    await this.events.flush();
    return identified;
  }
}
