/**
 * Profile > Browser notifications: subscribes this browser to Web Push with the installation's VAPID
 * key (Chatwoot's `browser_push` notification subscription), or unsubscribes it. The service worker
 * (/app/assets/sw.js, push/sw.ts) shows what arrives.
 */
import { useEffect, useState } from "preact/hooks";
import { api, failureMessage } from "../core/api";
import { t } from "../core/i18n";

const WORKER = "/app/assets/sw.js";

type State =
  | { kind: "loading" }
  | { kind: "unsupported" }
  | { kind: "unavailable" }
  | { kind: "denied" }
  | { kind: "ready"; subscribed: boolean; busy?: boolean; error?: string };

const supported = () => "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

/** The base64url VAPID key as the bytes pushManager.subscribe takes. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

async function registration() {
  return navigator.serviceWorker.register(WORKER, { scope: "/app/assets/" });
}

export function BrowserPush() {
  const [state, setState] = useState<State>({ kind: "loading" });

  useEffect(() => {
    if (!supported()) return setState({ kind: "unsupported" });
    if (Notification.permission === "denied") return setState({ kind: "denied" });
    registration()
      .then((worker) => worker.pushManager.getSubscription())
      .then(
        (subscription) => setState({ kind: "ready", subscribed: subscription !== null }),
        () => setState({ kind: "unsupported" }),
      );
  }, []);

  const turnOn = async () => {
    setState({ kind: "ready", subscribed: false, busy: true });
    try {
      const { vapid_public_key: key } = await api.get<{ vapid_public_key: string | null }>("/api/v1/notification_subscriptions/vapid_public_key");
      if (!key) return setState({ kind: "unavailable" });
      if ((await Notification.requestPermission()) !== "granted") return setState({ kind: "denied" });
      const worker = await registration();
      const subscription = await worker.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
      const { endpoint, keys } = subscription.toJSON();
      await api.post("/api/v1/notification_subscriptions", {
        notification_subscription: { subscription_type: "browser_push", subscription_attributes: { endpoint, p256dh: keys?.p256dh, auth: keys?.auth } },
      });
      setState({ kind: "ready", subscribed: true });
    } catch (failure) {
      setState({ kind: "ready", subscribed: false, error: failureMessage(failure) });
    }
  };

  const turnOff = async () => {
    setState({ kind: "ready", subscribed: true, busy: true });
    try {
      const subscription = await (await registration()).pushManager.getSubscription();
      if (subscription) {
        await api.del(`/api/v1/notification_subscriptions?endpoint=${encodeURIComponent(subscription.endpoint)}`);
        await subscription.unsubscribe();
      }
      setState({ kind: "ready", subscribed: false });
    } catch (failure) {
      setState({ kind: "ready", subscribed: true, error: failureMessage(failure) });
    }
  };

  return (
    <section class="card" aria-labelledby="profile-push">
      <h2 id="profile-push" class="card-title">
        {t("profilePush.title")}
      </h2>
      <p class="muted">{t("profilePush.lead")}</p>
      {state.kind === "loading" && <p class="page-loading">{t("common.loading")}</p>}
      {state.kind === "unsupported" && <p class="notice">{t("profilePush.unsupported")}</p>}
      {state.kind === "unavailable" && <p class="notice">{t("profilePush.unavailable")}</p>}
      {state.kind === "denied" && <p class="notice notice-error">{t("profilePush.denied")}</p>}
      {state.kind === "ready" && (
        <>
          <p role="status">{t(state.subscribed ? "profilePush.on" : "profilePush.off")}</p>
          {state.error && (
            <p class="notice notice-error" role="alert">
              {t("profilePush.failed", { message: state.error })}
            </p>
          )}
          <div class="form-actions">
            <button type="button" class="button" disabled={state.busy} onClick={state.subscribed ? turnOff : turnOn}>
              {t(state.subscribed ? "profilePush.turnOff" : "profilePush.turnOn")}
            </button>
          </div>
        </>
      )}
    </section>
  );
}
