/** How people are named on screen, the same way in every part of the console. */
import { t } from "./i18n";

type ContactLike = { name?: string | null; email?: string | null; phone_number?: string | null } | null | undefined;

/**
 * A contact's name as the console shows it everywhere (list rows, the conversation's header, its
 * messages, the contact panel, notifications): the name, else the email, else the phone number,
 * else "Visitor" (the widget's word for the person on the site; Chatwoot names such contacts itself).
 */
export function contactName(contact: ContactLike): string {
  return contact?.name?.trim() || contact?.email || contact?.phone_number || t("common.visitor");
}
