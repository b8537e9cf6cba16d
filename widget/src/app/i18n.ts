/** The chat app's few words, in the locales it ships; `setLocale` switches between them. */

const en = {
  placeholder: "Type your message…",
  send: "Send",
  close: "Close chat",
  typing: "typing…",
  start: "Start conversation",
  submit: "Submit",
  required: "This field is required",
  invalid: "Please check this field",
  away: "We are away right now. Leave a message and we will reply as soon as we can.",
  sent: "Thanks! We received your message and will get back to you.",
  unavailable: "This channel is not available yet.",
  call: "Call",
  chatWith: "Chat with us",
  attach: "Attach a file",
  preview: "This is a preview: nothing is sent.",
};
type Strings = typeof en;

const locales: Record<string, Partial<Strings>> = {
  en,
  de: { placeholder: "Nachricht eingeben…", send: "Senden", close: "Chat schließen", typing: "schreibt…", start: "Unterhaltung starten", submit: "Absenden", required: "Pflichtfeld", invalid: "Bitte prüfen", chatWith: "Chatten Sie mit uns" },
  fr: { placeholder: "Votre message…", send: "Envoyer", close: "Fermer le chat", typing: "écrit…", start: "Démarrer", submit: "Envoyer", required: "Champ obligatoire", invalid: "Vérifiez ce champ", chatWith: "Discutez avec nous" },
  es: { placeholder: "Escribe tu mensaje…", send: "Enviar", close: "Cerrar chat", typing: "escribiendo…", start: "Iniciar conversación", submit: "Enviar", required: "Campo obligatorio", invalid: "Revisa este campo", chatWith: "Chatea con nosotros" },
  nl: { placeholder: "Typ je bericht…", send: "Versturen", close: "Chat sluiten", typing: "typt…", start: "Gesprek starten", submit: "Versturen", required: "Verplicht veld", invalid: "Controleer dit veld", chatWith: "Chat met ons" },
  pt: { placeholder: "Digite sua mensagem…", send: "Enviar", close: "Fechar chat", typing: "digitando…", start: "Iniciar conversa", submit: "Enviar", required: "Campo obrigatório", invalid: "Verifique este campo", chatWith: "Fale conosco" },
};

let current: Strings = en;

export function setLocale(locale: string) {
  const base = locale.toLowerCase().split(/[-_]/)[0] ?? "en";
  current = { ...en, ...(locales[base] ?? {}) };
  document.documentElement.lang = base;
}

export const t = (key: keyof Strings) => current[key];
