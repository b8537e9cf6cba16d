/** Links a chat widget opens for the channels it does not host itself: WhatsApp, Messenger, Instagram and phone calls. */

const withText = (url: string, text: string | null) => (text ? `${url}?text=${encodeURIComponent(text)}` : url);

/** wa.me wants the number's digits only, without + or spaces. */
export const whatsappLink = (phoneNumber: string, prefilledText: string | null) => withText(`https://wa.me/${phoneNumber.replace(/\D/g, "")}`, prefilledText);

export const messengerLink = (pageId: string, prefilledText: string | null) => withText(`https://m.me/${encodeURIComponent(pageId)}`, prefilledText);

export const instagramLink = (username: string) => `https://ig.me/m/${encodeURIComponent(username)}`;

export const callLink = (phoneNumber: string | null) => (phoneNumber ? `tel:${phoneNumber}` : null);
