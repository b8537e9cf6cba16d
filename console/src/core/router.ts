/**
 * The console's routes (Chatwoot's paths under /app) as one signal, driven by the History API.
 * Areas (sign-in, inbox, profile; settings and the Agency View later) are picked by `route.name`.
 */
import { h, type ComponentChildren, type JSX } from "preact";
import { signal } from "@preact/signals";

export type RouteName =
  | "root"
  | "login"
  | "forgot"
  | "password_edit"
  | "conversations"
  | "conversation"
  | "profile"
  // The administration screens and the Agency View: routed here, built in their own area later.
  | "settings"
  | "agency"
  | "not_found";

export type Route = { name: RouteName; params: Record<string, string>; query: Record<string, string>; path: string };

const patterns: [RouteName, RegExp, string[]][] = [
  ["root", /^\/app\/?$/, []],
  ["login", /^\/app\/login\/?$/, []],
  ["forgot", /^\/app\/auth\/forgot\/?$/, []],
  ["password_edit", /^\/app\/auth\/password\/edit\/?$/, []],
  ["conversations", /^\/app\/accounts\/(\d+)\/conversations\/?$/, ["accountId"]],
  ["conversation", /^\/app\/accounts\/(\d+)\/conversations\/(\d+)\/?$/, ["accountId", "displayId"]],
  ["profile", /^\/app\/accounts\/(\d+)\/profile(?:\/.*)?$/, ["accountId"]],
  ["settings", /^\/app\/accounts\/(\d+)\/settings(?:\/.*)?$/, ["accountId"]],
  ["agency", /^\/app\/agency(?:\/.*)?$/, []],
];

export function matchRoute(pathname: string, search: string): Route {
  const query: Record<string, string> = {};
  new URLSearchParams(search).forEach((value, key) => (query[key] = value));
  for (const [name, pattern, keys] of patterns) {
    const found = pattern.exec(pathname);
    if (!found) continue;
    const params: Record<string, string> = {};
    keys.forEach((key, i) => (params[key] = found[i + 1] ?? ""));
    return { name, params, query, path: pathname };
  }
  return { name: "not_found", params: {}, query, path: pathname };
}

/** The current route; changes on navigate() and on the browser's back and forward. */
export const route = signal<Route>(matchRoute(location.pathname, location.search));

/** Goes to `path` (may carry a query) inside the console; `replace` replaces the history entry. */
export function navigate(path: string, options: { replace?: boolean } = {}) {
  const url = new URL(path, location.origin);
  if (url.pathname + url.search === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, "", url.pathname + url.search);
  else history.pushState(null, "", url.pathname + url.search);
  route.value = matchRoute(url.pathname, url.search);
}

/** `path` with `query` as its search string; empty values are left out. */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

addEventListener("popstate", () => {
  route.value = matchRoute(location.pathname, location.search);
});

type LinkProps = Omit<JSX.HTMLAttributes<HTMLAnchorElement>, "href"> & { href: string; replace?: boolean; children?: ComponentChildren };

/** An ordinary link that navigates inside the console without a reload (modified clicks open as usual). */
export function Link({ href, replace, onClick, ...rest }: LinkProps) {
  return h("a", {
    ...rest,
    href,
    onClick: (event: JSX.TargetedMouseEvent<HTMLAnchorElement>) => {
      if (typeof onClick === "function") onClick(event);
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      navigate(href, { replace });
    },
  });
}
