/**
 * conversation.typing_on and typing_off, from an agent or the contact: never stored, sent to those
 * who see the conversation (the contact only of an agent's typing that is not a private note).
 */
import { contactPayload, userPayload } from "../../domain/chatwoot-payloads";
import { contactMayReceive } from "../../domain/listeners";
import type { Viewer } from "../access";
import type { ContactStore } from "./contacts";
import type { ConversationIndex } from "./conversation-index";
import { fanOut } from "./fan-out";
import { type AccountPayloads, contactView } from "./payloads";
import type { Presence } from "./presence";
import type { Subscriptions } from "./subscriptions";

export type TypingActor = { type: "user"; userId: number; viewer: Viewer } | { type: "contact"; viewer: Viewer };

export type TypingParts = {
  accountId: number;
  index: ConversationIndex;
  contacts: ContactStore;
  payloads: AccountPayloads;
  presence: Presence;
  subscriptions: Subscriptions;
  /** Whether the viewer sees the conversation now. */
  sees: (displayId: number, viewer: Viewer) => boolean;
};

/** Sends the typing event; false when the actor does not see the conversation (or is not known). */
export async function sendTyping(parts: TypingParts, displayId: number, actor: TypingActor, on: boolean, isPrivate: boolean): Promise<boolean> {
  const { accountId, index, contacts, payloads, presence } = parts;
  if (!parts.sees(displayId, actor.viewer)) return false;
  const row = index.get(displayId);
  if (!row) return false;
  await parts.subscriptions.current();
  const [conversation] = await payloads.conversations([row]);
  if (!conversation) return false;
  let user: unknown;
  if (actor.type === "user") {
    const found = (await payloads.usersById([actor.userId])).get(actor.userId);
    if (!found) return false;
    user = userPayload(found);
  } else {
    const contact = contacts.get(row.contactId);
    user = contact ? contactPayload(contact) : null;
  }
  const eventName = on ? "conversation.typing_on" : "conversation.typing_off";
  const data = { conversation, user, is_private: isPrivate, account_id: accountId };
  const forContact =
    actor.type === "user" && contactMayReceive(eventName, undefined, isPrivate)
      ? { conversation: contactView(conversation), user, is_private: false, account_id: accountId }
      : null;
  fanOut(presence.registry(), row.state, eventName, data, forContact);
  return true;
}
