/**
 * The console's service worker (served as /app/assets/sw.js): shows the notifications Parley pushes
 * (Chatwoot's push message: `title`, `tag`, `url`) and opens their conversation when clicked, in a
 * console tab that is already open when there is one.
 */

type PushMessage = { title?: unknown; tag?: unknown; url?: unknown };
type ExtendableEvent = Event & { waitUntil(promise: Promise<unknown>): void };
type PushEvent = ExtendableEvent & { data: { json(): unknown } | null };
type NotificationEvent = ExtendableEvent & { notification: Notification & { data: { url?: string } | null } };
type WindowClient = { url: string; focus(): Promise<unknown>; navigate(url: string): Promise<unknown> };
type ServiceWorkerScope = {
  registration: { showNotification(title: string, options: NotificationOptions & { data?: unknown }): Promise<void> };
  clients: { matchAll(options: { type: "window"; includeUncontrolled: boolean }): Promise<WindowClient[]>; openWindow(url: string): Promise<unknown> };
  location: Location;
  addEventListener(type: "push", listener: (event: PushEvent) => void): void;
  addEventListener(type: "notificationclick", listener: (event: NotificationEvent) => void): void;
};

const worker = self as unknown as ServiceWorkerScope;

function messageOf(event: PushEvent): { title: string; tag?: string; url?: string } {
  let data: PushMessage = {};
  try {
    data = (event.data?.json() ?? {}) as PushMessage;
  } catch {
    // A push without JSON still tells the agent something happened.
  }
  return {
    title: typeof data.title === "string" && data.title !== "" ? data.title : "Parley",
    ...(typeof data.tag === "string" ? { tag: data.tag } : {}),
    ...(typeof data.url === "string" ? { url: data.url } : {}),
  };
}

worker.addEventListener("push", (event) => {
  const message = messageOf(event);
  event.waitUntil(worker.registration.showNotification(message.title, { tag: message.tag, data: { url: message.url } }));
});

worker.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const wanted = event.notification.data?.url;
  // Only the console's own pages: a push names a conversation on this installation.
  const url = wanted && new URL(wanted, worker.location.origin).origin === worker.location.origin ? wanted : "/app";
  event.waitUntil(
    worker.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => new URL(client.url).pathname.startsWith("/app"));
      return open ? open.navigate(url).then(() => open.focus()) : worker.clients.openWindow(url);
    }),
  );
});
