/**
 * The chat in a window of its own (Chatwoot's pop-out), continuing the visitor's conversation.
 *
 * Chatwoot puts the visitor's long-lived token in the pop-out's URL (`cw_conversation=`), where it
 * reaches the browser's history, the server's logs and anyone the address is shared with. Here no
 * URL carries it: the pop-out is opened on the widget's own page (`popout=1` in the fragment), and
 * once it runs it asks the chat app that opened it (or the chat app on the page that opened it) for
 * the session by postMessage. Both windows are Parley's origin, so the session passes from one to
 * the other without the site's scripts or any server seeing it; the app answers only a window of
 * its own origin, for its own widget, that it or its page opened.
 */
import type { Session } from "./types";

/** The pop-out asks its opener's chat app for the session... */
type HandoffRequest = { type: "parley:handoff-request"; token: string };
/** ...which answers with it, or with null when the visitor has no session there (the pop-out starts anew then). */
type Handoff = { type: "parley:handoff"; token: string; session: Session | null };

/** How long the pop-out waits for an answer: no chat app answers when the page never loaded it. */
const HANDOFF_WAIT_MS = 1_500;

/**
 * The pop-out's address: the widget's own page at Parley's `origin`, with what the chat shows
 * (locale, theme) in the fragment, which never leaves the browser. The chat app's pop-out button
 * and Chatwoot's `$chatwoot.popoutChatWindow()` both open it.
 */
export function popoutUrl(origin: string, token: string, page: string, options: { locale?: string; theme?: string }): string {
  const params = new URLSearchParams({ parent: new URL(page).origin, page, embedded: "1", popout: "1" });
  if (options.locale) params.set("locale", options.locale);
  if (options.theme) params.set("theme", options.theme);
  return `${origin}/widget/app.html?token=${encodeURIComponent(token)}#${params}`;
}

/** Chatwoot's pop-out window size. */
export const POPOUT_FEATURES = "width=400,height=600,resizable=yes";

/** A window name per widget, as Chatwoot names its pop-out per website token: popping out again brings the same window back. */
export const popoutName = (token: string) => `parley-chat-${token.replace(/\W/g, "")}`;

/**
 * Answers a pop-out's request with the session: only a window of this origin, asking for this
 * widget, opened by this chat app or by the page this chat app is on.
 */
export function answerHandoffs(token: string, currentSession: () => Session | null) {
  window.addEventListener("message", (event: MessageEvent) => {
    const request = event.data as HandoffRequest | null;
    if (event.origin !== location.origin || request?.type !== "parley:handoff-request" || request.token !== token) return;
    const requester = event.source;
    if (!requester || !("opener" in requester)) return;
    if (requester.opener !== window && (window.parent === window || requester.opener !== window.parent)) return;
    const answer: Handoff = { type: "parley:handoff", token, session: currentSession() };
    requester.postMessage(answer, location.origin);
  });
}

/**
 * In the pop-out: the session of the chat app that opened it. `undefined` when no chat app answered
 * (no opener, or the page never loaded the chat), so the pop-out keeps what it has.
 */
export function takeHandoff(token: string): Promise<Session | null | undefined> {
  const opener = window.opener as Window | null;
  if (!opener) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const request: HandoffRequest = { type: "parley:handoff-request", token };
    // The opener is the chat app itself (its pop-out button) or the site's page, whose frames hold the chat app.
    const ask = () => {
      try {
        for (const target of [opener, ...Array.from({ length: opener.length }, (_, index) => opener[index])]) target?.postMessage(request, location.origin);
      } catch {
        // the opener went away: nothing to ask
      }
    };
    const finish = (session: Session | null | undefined) => {
      clearInterval(retry);
      clearTimeout(timeout);
      window.removeEventListener("message", onAnswer);
      resolve(session);
    };
    const onAnswer = (event: MessageEvent) => {
      const answer = event.data as Handoff | null;
      if (event.origin !== location.origin || answer?.type !== "parley:handoff" || answer.token !== token) return;
      finish(answer.session?.sourceId ? answer.session : null);
    };
    window.addEventListener("message", onAnswer);
    // The chat app may still be starting: ask again until it answers.
    const retry = setInterval(ask, 200);
    const timeout = setTimeout(() => finish(undefined), HANDOFF_WAIT_MS);
    ask();
  });
}
