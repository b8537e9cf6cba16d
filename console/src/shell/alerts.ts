/**
 * Alerts for new incoming messages in my conversations while the tab is hidden: a short tone
 * (WebAudio, no file) and, when the user opted in with a click, a browser notification.
 */
import { signal } from "@preact/signals";
import { onCableEvent } from "../core/cable";
import { t } from "../core/i18n";
import { contactName } from "../core/names";
import { currentUserId } from "../core/session";

const OPT_IN_KEY = "parley.desktopNotifications";
const supported = typeof Notification !== "undefined";

/** "unsupported", "denied", "off" (allowed or not asked, but not chosen), "on". */
export const desktopAlerts = signal<"unsupported" | "denied" | "off" | "on">(initialState());

function initialState(): "unsupported" | "denied" | "off" | "on" {
  if (!supported) return "unsupported";
  if (Notification.permission === "denied") return "denied";
  let opted = false;
  try {
    opted = localStorage.getItem(OPT_IN_KEY) === "1";
  } catch {
    opted = false;
  }
  return opted && Notification.permission === "granted" ? "on" : "off";
}

/** Asks the browser's permission (only ever from a click) and remembers the choice. */
export async function enableDesktopAlerts() {
  if (!supported) return;
  const answer = Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
  desktopAlerts.value = answer === "granted" ? "on" : answer === "denied" ? "denied" : "off";
  try {
    if (answer === "granted") localStorage.setItem(OPT_IN_KEY, "1");
  } catch {
    /* the choice lasts for this page */
  }
}

export function disableDesktopAlerts() {
  desktopAlerts.value = "off";
  try {
    localStorage.removeItem(OPT_IN_KEY);
  } catch {
    /* nothing stored */
  }
}

let audio: AudioContext | null = null;
/** Two short sine notes, quiet. */
export function playTone() {
  try {
    audio ??= new AudioContext();
    const start = audio.currentTime;
    for (const [offset, frequency] of [
      [0, 880],
      [0.12, 1320],
    ] as const) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.12, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.18);
      osc.connect(gain).connect(audio.destination);
      osc.start(start + offset);
      osc.stop(start + offset + 0.2);
    }
  } catch {
    /* no audio device or autoplay refused: the browser notification still shows */
  }
}

type IncomingMessage = {
  message_type?: number;
  private?: boolean;
  content?: string | null;
  conversation_id?: number;
  account_id?: number;
  sender?: { name?: string | null; email?: string | null; phone_number?: string | null } | null;
  conversation?: { assignee_id?: number | null } | null;
};

/** Listens to /cable and alerts when a visitor writes in one of my conversations while the page is hidden. */
export function startAlerts(openConversation: (displayId: number) => void): () => void {
  return onCableEvent((event, data) => {
    if (event !== "message.created" || !document.hidden) return;
    const message = data as IncomingMessage | null;
    if (!message || message.message_type !== 0 || message.private) return;
    const me = currentUserId.value;
    if (me === null || message.conversation?.assignee_id !== me) return;
    playTone();
    if (desktopAlerts.value !== "on" || Notification.permission !== "granted") return;
    const title = t("shell.alerts.title", { name: contactName(message.sender) });
    const note = new Notification(title, {
      body: (message.content ?? t("shell.alerts.attachment")).slice(0, 180),
      tag: `conversation-${message.conversation_id}`,
    });
    note.onclick = () => {
      window.focus();
      if (typeof message.conversation_id === "number") openConversation(message.conversation_id);
      note.close();
    };
  });
}
