/**
 * Chatwoot's website SDK (`/packs/js/sdk.js`), a second front door to the same widget as
 * `window.parley`: Chatwoot's snippet calls `window.chatwootSDK.run({websiteToken, baseUrl})`; this
 * asks the Widget API which widget the website inbox shows (GET /api/v1/widget/sdk), turns
 * `window.chatwootSettings` into `window.parleySettings`, loads the Parley loader (/widget.js) for
 * that widget, and exposes `window.$chatwoot` over `window.parley`, firing Chatwoot's `chatwoot:*`
 * window events from the loader's `parley:*` ones. What the loader has no setting for (the launcher's
 * text, its visibility, the flat style) is done here, on the loader's elements; the pop-out window
 * (`popoutChatWindow`) is opened here too, from the page, and takes the session from the chat app.
 */

import { browserLocale } from "./app/i18n";
import { POPOUT_FEATURES, popoutName, popoutUrl } from "./app/popout";

/** Chatwoot's `window.chatwootSettings` (app/javascript/entrypoints/sdk.js reads these). */
type ChatwootSettings = {
  position?: string;
  type?: string;
  launcherTitle?: string;
  hideMessageBubble?: boolean;
  locale?: string;
  useBrowserLanguage?: boolean;
  darkMode?: string;
  showPopoutButton?: boolean;
  showUnreadMessagesDialog?: boolean;
  widgetStyle?: string;
};
type Call = (...args: unknown[]) => unknown;
type ParleyObject = Record<string, unknown> & { q?: [string, unknown[]][] };
type Chatwoot = Record<string, unknown>;

declare global {
  interface Window {
    chatwootSDK?: { run: (options: { websiteToken: string; baseUrl: string }) => void };
    chatwootSettings?: ChatwootSettings;
    $chatwoot?: Chatwoot;
  }
}

/** Chatwoot's unread-count event, named as its SDK names it. */
const EVENTS: Record<string, string> = {
  ready: "ready",
  opened: "opened",
  closed: "closed",
  "on-message": "on-message",
  "unread-count": "on-unread-message-count-changed",
  error: "error",
  postback: "postback",
  "start-conversation": "on-start-conversation",
};

/** Chatwoot's `darkMode` values; anything else is `light`, as Chatwoot's getDarkMode has it. */
const colorScheme = (value: unknown): "light" | "dark" | "auto" => (value === "dark" || value === "auto" ? value : "light");

function run({ websiteToken, baseUrl }: { websiteToken: string; baseUrl: string }) {
  if (window.$chatwoot) return;
  const settings: ChatwootSettings = window.chatwootSettings ?? {};
  const origin = new URL(baseUrl).origin;
  const fire = (name: string, detail?: unknown) => window.dispatchEvent(new CustomEvent(`chatwoot:${name}`, { detail }));
  // Calls made before the loader is up wait in its queue, which it replays when it starts.
  const parley = (window.parley ??= { q: [], api: {} }) as ParleyObject;
  const call = (name: string, ...args: unknown[]) => {
    const target = (window.parley as ParleyObject)[name];
    if (typeof target === "function") return (target as Call)(...args);
    parley.q?.push([name, args]);
  };
  const expanded = settings.type === "expanded_bubble";
  const flat = settings.widgetStyle === "flat";
  const useBrowserLanguage = !!settings.useBrowserLanguage;
  let widgetToken = "";
  let launcher: HTMLElement | null = null;
  let panel: HTMLElement | null = null;

  const sdk: Chatwoot = {
    baseUrl,
    websiteToken,
    hasLoaded: false,
    isOpen: false,
    position: settings.position === "left" ? "left" : "right",
    locale: settings.locale,
    useBrowserLanguage,
    type: expanded ? "expanded_bubble" : "standard",
    launcherTitle: settings.launcherTitle ?? "",
    hideMessageBubble: !!settings.hideMessageBubble,
    showPopoutButton: !!settings.showPopoutButton,
    showUnreadMessagesDialog: settings.showUnreadMessagesDialog ?? true,
    widgetStyle: flat ? "flat" : "standard",
    darkMode: colorScheme(settings.darkMode),
    toggle(state?: unknown) {
      call(state === "open" ? "open" : state === "close" ? "close" : "toggle");
    },
    /** Chatwoot's 'hide' and 'show' of the launcher; the chat itself stays as it is. */
    toggleBubbleVisibility(visibility?: unknown) {
      if (visibility !== "hide" && visibility !== "show") return;
      sdk.hideMessageBubble = visibility === "hide";
      launcher?.style.setProperty("visibility", visibility === "hide" ? "hidden" : "visible");
    },
    /**
     * The chat in a window of its own, in the site's locale and colour scheme; it takes the visitor's
     * session from the chat app on this page (app/popout.ts), so the conversation continues there.
     * The chat closes here, as Chatwoot's does.
     */
    popoutChatWindow() {
      if (!widgetToken) return;
      const url = popoutUrl(origin, widgetToken, location.href, { locale: window.parleySettings?.locale, theme: window.parleySettings?.theme });
      window.open(url, popoutName(widgetToken), POPOUT_FEATURES)?.focus();
      if (sdk.isOpen) call("close");
    },
    setUser(identifier: unknown, user: unknown) {
      if (typeof identifier !== "string" && typeof identifier !== "number") throw new Error("Identifier should be a string or a number");
      const fields = (user ?? {}) as Record<string, unknown>;
      if (!["avatar_url", "email", "name"].some((key) => key in fields)) {
        throw new Error("User object should have one of the keys [avatar_url, email, name]");
      }
      sdk.identifier = identifier;
      sdk.user = fields;
      call("setUser", String(identifier), fields);
    },
    setCustomAttributes(attributes: unknown) {
      if (!attributes || typeof attributes !== "object" || Object.keys(attributes).length === 0) {
        throw new Error("Custom attributes should have atleast one key");
      }
      call("setCustomAttributes", attributes);
    },
    deleteCustomAttribute(key: unknown) {
      if (!key) throw new Error("Custom attribute is required");
      call("deleteCustomAttribute", key);
    },
    setConversationCustomAttributes(attributes: unknown) {
      if (!attributes || typeof attributes !== "object" || Object.keys(attributes).length === 0) {
        throw new Error("Custom attributes should have atleast one key");
      }
      call("setConversationCustomAttributes", attributes);
    },
    deleteConversationCustomAttribute(key: unknown) {
      if (!key) throw new Error("Custom attribute is required");
      call("deleteConversationCustomAttribute", key);
    },
    setLabel(label: unknown = "") {
      call("setLabel", label);
    },
    removeLabel(label: unknown = "") {
      call("removeLabel", label);
    },
    setLocale(locale: unknown = "en") {
      sdk.locale = locale;
      // A chat app or pop-out that starts later starts in it too.
      if (window.parleySettings && typeof locale === "string") window.parleySettings.locale = locale;
      call("setLocale", locale);
    },
    /** Chatwoot's `darkMode` for the chat app, at once: `light`, `dark` or `auto` (the visitor's system setting). */
    setColorScheme(darkMode: unknown = "light") {
      const theme = colorScheme(darkMode);
      sdk.darkMode = theme;
      if (window.parleySettings) window.parleySettings.theme = theme;
      call("setTheme", theme);
    },
    /** The visitor is forgotten (a new session next time), and an open chat closes, as Chatwoot's reset does. */
    reset() {
      if (sdk.isOpen) call("close");
      sdk.identifier = undefined;
      sdk.user = undefined;
      call("reset");
    },
  };
  window.$chatwoot = sdk;

  for (const [from, to] of Object.entries(EVENTS)) {
    window.addEventListener(`parley:${from}`, (event) => {
      const detail = (event as CustomEvent).detail;
      if (from === "ready") {
        sdk.hasLoaded = true;
        adjustLauncher();
      }
      if (from === "opened" || from === "closed") sdk.isOpen = from === "opened";
      fire(to, from === "unread-count" ? { unreadMessageCount: Number(detail) || 0 } : detail);
    });
  }

  // The loader appends its panel, then its launcher (unless hidden), to the body and fires parley:ready
  // in the same task, so when it is ready they are the body's last children.
  function adjustLauncher() {
    const last = document.body.lastElementChild as HTMLElement | null;
    const button = settings.hideMessageBubble ? null : last;
    launcher = button?.tagName === "BUTTON" && button.hasAttribute("aria-expanded") ? button : null;
    const host = (launcher ? launcher.previousElementSibling : last) as HTMLElement | null;
    panel = host?.getAttribute("role") === "dialog" ? host : null;
    if (launcher && expanded) {
      const title = settings.launcherTitle || launcher.textContent?.trim() || "Chat with us";
      for (const node of Array.from(launcher.childNodes)) if (node.nodeType === Node.TEXT_NODE) node.remove();
      launcher.querySelector("svg")?.after(title);
      launcher.removeAttribute("aria-label");
    }
    if (flat) {
      // A constructed style sheet, not a <style> element: sites whose CSP has no 'unsafe-inline' allow it too.
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(
        "[data-chatwoot-flat]{border-radius:0!important;box-shadow:none!important}[data-chatwoot-flat][role=dialog]{border:1px solid #f2f3f7!important}",
      );
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
      for (const node of [launcher, panel]) node?.setAttribute("data-chatwoot-flat", "");
    }
  }

  const parleySettings = window.parleySettings ?? {};
  parleySettings.position ??= sdk.position as "left" | "right";
  if (settings.hideMessageBubble) parleySettings.hideLauncher = true;
  // Chatwoot's rule: the browser's language when the widget ships it (the app's own catalog says), else `locale`, else the widget's.
  const locale = (useBrowserLanguage ? browserLocale(navigator.languages) : null) ?? settings.locale;
  if (locale) parleySettings.locale = locale;
  parleySettings.theme ??= sdk.darkMode as "light" | "dark" | "auto";
  if (settings.showUnreadMessagesDialog === false) parleySettings.showUnreadMessagesDialog = false;
  if (settings.showPopoutButton) parleySettings.showPopoutButton = true;
  window.parleySettings = parleySettings;

  void (async () => {
    try {
      const res = await fetch(`${origin}/api/v1/widget/sdk?website_token=${encodeURIComponent(websiteToken)}`);
      const body = (await res.json().catch(() => ({}))) as { widget_token?: string; error?: { message?: string } };
      if (!res.ok || !body.widget_token) throw new Error(body.error?.message ?? `widget for website token: ${res.status}`);
      widgetToken = body.widget_token;
    } catch (error) {
      fire("error", { message: error instanceof Error ? error.message : String(error) });
      return;
    }
    const script = document.createElement("script");
    script.src = `${origin}/widget.js`;
    script.async = true;
    script.setAttribute("data-parley-widget", widgetToken);
    script.setAttribute("data-parley-origin", origin);
    document.head.appendChild(script);
  })();
}

window.chatwootSDK = { run };
