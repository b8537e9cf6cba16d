/**
 * The Parley loader (`/widget.js`): a few KB, no dependencies. It reads its widget token from the
 * embed snippet, draws the launcher, exposes `window.parley` (replaying calls queued before it
 * loaded), and opens the chat app in an iframe on first use. Page and iframe talk by postMessage,
 * each checking the other's origin.
 */
import { type AppOptions, iframeUrl, type FromApp, type ToApp, type UnreadPreview, type WidgetEvent } from "./protocol";

/**
 * What a site sets in `window.parleySettings`: where the widget goes, whether the unread preview
 * shows above the closed launcher and a sound plays for new messages (both on unless false), and
 * the app's locale, browser language and theme.
 */
type Settings = AppOptions & {
  embedded?: boolean;
  container?: string;
  position?: "left" | "right";
  hideLauncher?: boolean;
  showUnreadMessagesDialog?: boolean;
  sound?: boolean;
};
type Launcher = {
  colors: { primary: string; text: string };
  position: "left" | "right";
  launcher: { text: string | null };
  name: string;
  channels: { live_chat?: { website_token: string } };
};
type Campaign = { id: number; message: string; trigger_rules: { time_on_page: number }; sender: { name: string } | null };

/** A campaign shown once is not shown again for a day. */
const CAMPAIGN_QUIET_MS = 864e5;
type QueuedCall = [string, unknown[]];
type Parley = Record<string, unknown> & { q?: QueuedCall[]; api?: Record<string, unknown> };

declare global {
  interface Window {
    parley?: Parley;
    parleySettings?: Settings;
  }
}

(() => {
  const script = document.querySelector<HTMLScriptElement>("script[data-parley-widget]");
  const token = script?.getAttribute("data-parley-widget");
  const origin = script?.getAttribute("data-parley-origin") ?? (script ? new URL(script.src).origin : "");
  if (!token || !origin) return;
  const settings: Settings = window.parleySettings ?? {};
  // Calls the snippet's stub queued before the loader ran, replayed once it has started.
  const queued = window.parley?.q ?? [];

  let opened = false;
  let frame: HTMLIFrameElement | null = null;
  let appReady = false;
  const pending: ToApp[] = [];
  let host: HTMLElement | null = null;
  let launcher: HTMLButtonElement | null = null;
  let badge: HTMLElement | null = null;

  const emit = (event: WidgetEvent, detail?: unknown) => window.dispatchEvent(new CustomEvent(`parley:${event}`, { detail }));
  const toApp = (message: ToApp) => {
    if (frame?.contentWindow && appReady) frame.contentWindow.postMessage(message, origin);
    else pending.push(message);
  };

  function createFrame(parent: HTMLElement) {
    frame = document.createElement("iframe");
    frame.src = iframeUrl(origin, token as string, location.href, !!settings.embedded, settings);
    frame.title = "Chat";
    frame.allow = "clipboard-write";
    frame.style.cssText = "border:0;width:100%;height:100%;display:block;background:transparent";
    parent.appendChild(frame);
  }

  // Below 480 px the open panel takes the whole screen: inside the safe areas, above the on-screen
  // keyboard (the visual viewport), with the page behind it kept from scrolling.
  const phone = matchMedia("(max-width:479.98px)");
  const viewport = window.visualViewport;
  let side: "left" | "right" = "right";
  let returnFocus: Element | null = null;

  function layout() {
    if (!host) return;
    const small = phone.matches;
    host.style.cssText = small
      ? `position:fixed;left:0;top:${viewport?.offsetTop ?? 0}px;width:100%;height:${viewport ? `${viewport.height}px` : "100%"};padding:env(safe-area-inset-top) env(safe-area-inset-right) env(safe-area-inset-bottom) env(safe-area-inset-left);box-sizing:border-box;z-index:2147483000;background:#fff`
      : `position:fixed;${side}:20px;bottom:90px;width:min(380px,calc(100vw - 40px));height:min(600px,calc(100vh - 120px));z-index:2147483000;box-shadow:0 8px 30px rgba(0,0,0,.2);border-radius:12px;overflow:hidden;background:#fff`;
    host.style.display = opened ? "block" : "none";
    if (launcher) launcher.style.display = small && opened ? "none" : "";
    document.documentElement.style.overflow = small && opened ? "hidden" : "";
  }

  function setOpened(next: boolean) {
    if (settings.embedded || next === opened || !host) return;
    opened = next;
    if (opened && !frame) createFrame(host);
    bubble?.remove();
    launcher?.setAttribute("aria-expanded", String(opened));
    if (opened) returnFocus = document.activeElement;
    layout();
    if (opened) {
      frame?.focus();
      toApp({ type: "parley:focus" });
      emit("opened");
    } else {
      toApp({ type: "parley:visibility", open: false });
      (launcher ?? (returnFocus as HTMLElement | null))?.focus?.();
      emit("closed");
    }
  }

  function drawLauncher(config: Launcher) {
    side = settings.position ?? config.position;
    host = document.createElement("div");
    host.setAttribute("role", "dialog");
    host.setAttribute("aria-label", config.name || "Chat");
    layout();
    phone.addEventListener("change", layout);
    viewport?.addEventListener("resize", layout);
    viewport?.addEventListener("scroll", layout);
    document.body.appendChild(host);
    if (settings.hideLauncher) return;
    launcher = document.createElement("button");
    launcher.type = "button";
    // Named by its text when it has one (the badge is hidden from that name), else by this label.
    if (!config.launcher.text) launcher.setAttribute("aria-label", "Open chat");
    launcher.setAttribute("aria-expanded", "false");
    launcher.style.cssText = `position:fixed;${side}:20px;bottom:20px;z-index:2147483000;height:56px;min-width:56px;padding:0 18px;border:0;border-radius:28px;cursor:pointer;font:600 15px system-ui,sans-serif;box-shadow:0 4px 14px rgba(0,0,0,.25);background:${config.colors.primary};color:${config.colors.text};display:flex;align-items:center;justify-content:center;gap:8px`;
    launcher.innerHTML =
      '<svg width="24" height="24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2"><path d="M4 5h16v11H9l-5 4z"/></svg>';
    if (config.launcher.text) launcher.append(config.launcher.text);
    badge = document.createElement("span");
    // The count is said by the unread preview; the launcher's name stays its visible text.
    badge.setAttribute("aria-hidden", "true");
    badge.style.cssText =
      "position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;border-radius:10px;background:#e02424;color:#fff;font:600 12px/20px system-ui;display:none";
    launcher.appendChild(badge);
    launcher.addEventListener("click", () => setOpened(!opened));
    document.body.appendChild(launcher);
  }

  // ---- ongoing campaigns: checked on load and on single-page navigation, shown after time on page
  let campaignTimer: ReturnType<typeof setTimeout> | undefined;
  let bubble: HTMLButtonElement | null = null;
  const shownKey = (id: number) => `parley:campaign:${token}:${id}`;
  const activeKey = `parley:active:${token}`;
  const recentlyShown = (id: number) => Date.now() - Number(localStorage.getItem(shownKey(id)) ?? 0) < CAMPAIGN_QUIET_MS;

  let campaignCheck = 0;
  async function checkCampaigns(websiteToken: string) {
    clearTimeout(campaignTimer);
    // Only the latest check counts: an answer for a page the visitor has since left starts nothing.
    const check = ++campaignCheck;
    const res = await fetch(`${origin}/api/v1/widget/campaigns?website_token=${encodeURIComponent(websiteToken)}&url=${encodeURIComponent(location.href)}`);
    const campaign = res.ok ? ((await res.json()) as Campaign[]).find((c) => !recentlyShown(c.id)) : undefined;
    if (campaign && check === campaignCheck) campaignTimer = setTimeout(() => showCampaign(campaign), campaign.trigger_rules.time_on_page * 1000);
  }

  /** A message above the closed launcher (a campaign, or the unread preview): a button that opens the chat. */
  function showBubble(label: string, text: string, onOpen?: () => void) {
    bubble?.remove();
    bubble = document.createElement("button");
    bubble.type = "button";
    bubble.setAttribute("aria-label", label);
    bubble.style.cssText = `position:fixed;${side}:20px;bottom:90px;z-index:2147483000;max-width:300px;padding:12px 14px;border:0;border-radius:12px;background:#fff;color:#1f2933;text-align:left;font:14px/1.4 system-ui,sans-serif;box-shadow:0 4px 20px rgba(0,0,0,.2);cursor:pointer`;
    bubble.textContent = text;
    bubble.addEventListener("click", () => {
      setOpened(true);
      onOpen?.();
    });
    document.body.appendChild(bubble);
  }

  function showCampaign(campaign: Campaign) {
    if (opened || !host) return;
    localStorage.setItem(shownKey(campaign.id), String(Date.now()));
    showBubble(`${campaign.sender?.name ?? "Message"}: ${campaign.message}`, campaign.message, () =>
      toApp({ type: "parley:command", name: "campaign", args: [campaign] }),
    );
  }

  let unreadCount = 0;
  /** Chatwoot's unread messages dialog: the latest unread message and the count, unless the site turned it off; a sound for each new one. */
  function showUnread(preview: UnreadPreview) {
    if (preview.count > unreadCount && settings.sound !== false) ding();
    unreadCount = preview.count;
    if (opened || !host || settings.showUnreadMessagesDialog === false) return;
    if (!preview.text) return bubble?.remove();
    showBubble(preview.label, preview.text);
  }

  /** A short chime made on the spot (no sound file to fetch). */
  function ding() {
    try {
      const audio = new AudioContext();
      const gain = audio.createGain();
      const tone = audio.createOscillator();
      gain.gain.value = 0.08;
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
      tone.frequency.value = 880;
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.4);
    } catch {
      // no audio here: the preview still shows
    }
  }

  function watchNavigation(websiteToken: string) {
    for (const method of ["pushState", "replaceState"] as const) {
      const original = history[method].bind(history);
      history[method] = (...args: Parameters<History["pushState"]>) => {
        original(...args);
        void checkCampaigns(websiteToken);
      };
    }
    window.addEventListener("popstate", () => void checkCampaigns(websiteToken));
  }

  function onAppMessage(event: MessageEvent) {
    if (event.origin !== origin || event.source !== frame?.contentWindow) return;
    const message = event.data as FromApp;
    if (message?.type === "parley:app-ready") {
      appReady = true;
      for (const waiting of pending.splice(0)) frame?.contentWindow?.postMessage(waiting, origin);
    } else if (message?.type === "parley:unread") {
      showUnread(message.preview);
    } else if (message?.type === "parley:event") {
      if (message.event === "unread-count" && badge) {
        const count = Number(message.detail) || 0;
        badge.textContent = String(count);
        badge.style.display = count > 0 && !opened ? "block" : "none";
      }
      if (message.event === "close") return setOpened(false);
      // A visitor with a conversation gets the app at once on their next pages, so its messages reach them while it is closed.
      if (message.event === "session") localStorage.setItem(activeKey, "1");
      emit(message.event as WidgetEvent, message.detail);
    }
  }

  const api: Record<string, (...args: unknown[]) => unknown> = {
    open: () => setOpened(true),
    close: () => setOpened(false),
    toggle: () => setOpened(!opened),
  };
  for (const name of [
    "setPredefinedMessage",
    "setUser",
    "setCustomAttributes",
    "deleteCustomAttribute",
    "setConversationCustomAttributes",
    "deleteConversationCustomAttribute",
    "setLabel",
    "removeLabel",
    "setLocale",
    "setTheme",
    "reset",
  ]) {
    api[name] = (...args: unknown[]) => {
      // Identifying is done at once, as Chatwoot does: the app loads (hidden) to carry it out.
      if (name === "setUser" && host && !frame) createFrame(host);
      toApp({ type: "parley:command", name, args });
    };
  }
  const extras: Record<string, (...args: unknown[]) => unknown> = {};
  for (const name of ["showFakeAgentMessage", "sendClientMessage"])
    extras[name] = (...args: unknown[]) => toApp({ type: "parley:command", name: `api.${name}`, args });
  const parley: Parley = { ...api, isOpened: () => opened, api: extras };

  function replay([name, args]: QueuedCall) {
    const target = name.startsWith("api.") ? (parley.api as Record<string, unknown>)[name.slice(4)] : parley[name];
    if (typeof target === "function") (target as (...a: unknown[]) => unknown)(...args);
  }

  async function start() {
    window.addEventListener("message", onAppMessage);
    window.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && opened) setOpened(false);
    });
    let config: Launcher;
    try {
      const res = await fetch(`${origin}/api/v1/widget/config?widget_token=${encodeURIComponent(token as string)}`);
      if (!res.ok) throw new Error(`widget config: ${res.status}`);
      config = ((await res.json()) as { widget: Launcher }).widget;
    } catch (error) {
      emit("error", { message: String(error) });
      return;
    }
    if (settings.embedded) {
      const container = settings.container ? document.querySelector<HTMLElement>(settings.container) : null;
      if (container) createFrame(container);
    } else {
      drawLauncher(config);
      if (host && localStorage.getItem(activeKey)) createFrame(host);
    }
    window.parley = parley;
    for (const call of queued) replay(call);
    emit("ready");
    const websiteToken = config.channels.live_chat?.website_token;
    if (websiteToken && !settings.embedded) {
      watchNavigation(websiteToken);
      void checkCampaigns(websiteToken).catch(() => undefined);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => void start());
  else void start();
})();
