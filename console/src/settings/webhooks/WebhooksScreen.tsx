/**
 * Webhooks: the account's subscriptions (URL, Chatwoot's events), the signing secret shown once when
 * created or rotated, a test ping, and each webhook's delivery log with its attempts.
 */
import { useEffect, useState } from "preact/hooks";
import { WEBHOOK_EVENTS } from "../../../../src/domain/events";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Dialog } from "../../components/Dialog";
import { accountPath, api, errorsOf, failureMessage, type FormErrors, NO_ERRORS } from "../../core/api";
import { t } from "../../core/i18n";
import { FormActions } from "../FormActions";
import { ListState } from "../ListState";
import { LogDialog } from "../LogDialog";
import { RowButton } from "../RowButton";
import { SettingsHead } from "../SettingsHead";
import { settingsPath } from "../paths";
import { useList } from "../useList";

export const webhooksPath = (accountId: number) => `${settingsPath(accountId)}/webhooks`;

type Webhook = { id: number; name: string | null; url: string; subscriptions: string[]; created_at: number | string };
type Delivery = {
  id: number;
  event: string;
  status: string;
  attempts: number;
  attempts_count: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number | string;
  delivered_at: number | string | null;
};
type DeliveryAttempt = {
  attempt: number;
  started_at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  response_excerpt: string | null;
};

const when = (value: number | string | null) => {
  if (value === null) return "";
  const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
  return date.toLocaleString();
};
const labelOf = (hook: Webhook) => hook.name || hook.url;
const eventName = (event: string) => (event === "ping" ? t("settings.webhooks.ping") : t(`settings.webhooks.eventNames.${event}`));
const deliveryName = (delivery: Delivery) => t("settings.webhooks.deliveryRow", { event: eventName(delivery.event), id: delivery.id });

export function WebhooksScreen() {
  const {
    items: hooks,
    error,
    setError,
    reload: load,
  } = useList(async () => (await api.get<{ payload: { webhooks: Webhook[] } }>(accountPath("/webhooks"))).payload.webhooks);
  const [editing, setEditing] = useState<Webhook | "new" | null>(null);
  const [secret, setSecret] = useState<{ hook: Webhook; secret: string } | null>(null);
  const [logOf, setLogOf] = useState<Webhook | null>(null);
  const [removing, setRemoving] = useState<Webhook | null>(null);
  const [announce, setAnnounce] = useState("");
  useEffect(() => {
    document.title = `${t("settings.webhooks.title")} · ${t("common.appName")}`;
  }, []);
  const act = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (failure) {
      setError(failureMessage(failure));
    }
  };
  return (
    <div class="settings-screen">
      <SettingsHead
        title={t("settings.webhooks.title")}
        lead={t("settings.webhooks.lead")}
        add={{ label: t("settings.webhooks.add"), onAdd: () => setEditing("new") }}
      />
      <ListState
        items={hooks}
        error={error}
        announce={announce}
        label={t("settings.webhooks.title")}
        empty={t("settings.webhooks.empty")}
        columns={[t("settings.webhooks.url"), t("settings.webhooks.events"), <span class="visually-hidden">{t("settings.webhooks.actions")}</span>]}
      >
        {(hooks) =>
          hooks.map((hook) => (
            <tr key={hook.id}>
              <th scope="row">
                {hook.name && <div>{hook.name}</div>}
                <code class="webhook-url">{hook.url}</code>
              </th>
              <td>{hook.subscriptions.map((event) => t(`settings.webhooks.eventNames.${event}`)).join(", ")}</td>
              <td>
                <span class="row-actions">
                  <RowButton label={t("settings.webhooks.deliveries")} row={labelOf(hook)} onClick={() => setLogOf(hook)} />
                  <RowButton
                    label={t("settings.webhooks.test")}
                    row={labelOf(hook)}
                    onClick={() =>
                      void act(async () => {
                        await api.post(accountPath(`/webhooks/${hook.id}/test`));
                        setAnnounce(t("settings.webhooks.pingQueued", { name: labelOf(hook) }));
                        setLogOf(hook);
                      })
                    }
                  />
                  <RowButton label={t("settings.webhooks.edit")} row={labelOf(hook)} onClick={() => setEditing(hook)} />
                  <RowButton
                    label={t("settings.webhooks.rotate")}
                    row={labelOf(hook)}
                    onClick={() =>
                      void act(async () => {
                        const answer = await api.post<{ payload: { webhook: Webhook & { secret: string } } }>(
                          accountPath(`/webhooks/${hook.id}/rotate_secret`),
                        );
                        setSecret({ hook, secret: answer.payload.webhook.secret });
                      })
                    }
                  />
                  <RowButton label={t("settings.webhooks.delete")} row={labelOf(hook)} danger onClick={() => setRemoving(hook)} />
                </span>
              </td>
            </tr>
          ))
        }
      </ListState>
      {editing && (
        <WebhookForm
          hook={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(hook, newSecret) => {
            setEditing(null);
            void load();
            if (newSecret) setSecret({ hook, secret: newSecret });
            setAnnounce(t("settings.webhooks.saved", { name: labelOf(hook) }));
          }}
        />
      )}
      {secret && (
        <Dialog title={t("settings.webhooks.secretTitle")} onClose={() => setSecret(null)}>
          <p>{t("settings.webhooks.secretLead", { name: labelOf(secret.hook) })}</p>
          <div class="field">
            <label for="webhook-secret">{t("settings.webhooks.secret")}</label>
            <input id="webhook-secret" class="webhook-secret" readOnly value={secret.secret} onFocus={(event) => event.currentTarget.select()} />
          </div>
          <div class="form-actions">
            <button type="button" class="button button-primary" onClick={() => setSecret(null)}>
              {t("settings.webhooks.secretDone")}
            </button>
          </div>
        </Dialog>
      )}
      {removing && (
        <ConfirmDialog
          title={t("settings.webhooks.confirmDeleteTitle")}
          description={t("settings.webhooks.confirmDelete", { name: labelOf(removing) })}
          confirmLabel={t("settings.webhooks.delete")}
          onClose={() => setRemoving(null)}
          onConfirm={() =>
            void act(async () => {
              const hook = removing;
              setRemoving(null);
              await api.del(accountPath(`/webhooks/${hook.id}`));
              setAnnounce(t("settings.webhooks.deleted", { name: labelOf(hook) }));
              await load();
            })
          }
        />
      )}
      {logOf && <DeliveryLog hook={logOf} onClose={() => setLogOf(null)} />}
    </div>
  );
}

function WebhookForm({ hook, onClose, onSaved }: { hook: Webhook | null; onClose: () => void; onSaved: (hook: Webhook, secret: string | null) => void }) {
  const [name, setName] = useState(hook?.name ?? "");
  const [url, setUrl] = useState(hook?.url ?? "");
  const [events, setEvents] = useState<string[]>(hook?.subscriptions ?? ["conversation_created", "message_created"]);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const body = { url: url.trim(), name: name.trim() === "" ? null : name.trim(), subscriptions: events };
    try {
      if (hook) {
        const answer = await api.patch<{ payload: { webhook: Webhook } }>(accountPath(`/webhooks/${hook.id}`), body);
        onSaved(answer.payload.webhook, null);
      } else {
        const answer = await api.post<{ payload: { webhook: Webhook & { secret: string } } }>(accountPath("/webhooks"), body);
        onSaved(answer.payload.webhook, answer.payload.webhook.secret);
      }
    } catch (failure) {
      setErrors(errorsOf(failure));
    } finally {
      setBusy(false);
    }
  };
  const eventsError = Object.entries(errors.fields).find(([field]) => field.startsWith("subscriptions"))?.[1];
  const nameError = errors.fields.name;
  const urlError = errors.fields.url;
  return (
    <Dialog title={hook ? t("settings.webhooks.editTitle", { name: labelOf(hook) }) : t("settings.webhooks.add")} onClose={onClose} class="dialog-wide">
      <form onSubmit={submit} noValidate class="webhook-form">
        <div class="field">
          <label for="webhook-url">{t("settings.webhooks.url")}</label>
          <input
            id="webhook-url"
            type="url"
            value={url}
            required
            aria-invalid={urlError ? "true" : undefined}
            aria-describedby="webhook-url-note"
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
          <span id="webhook-url-note" class={urlError ? "field-error" : "field-hint"}>
            {urlError ?? t("settings.webhooks.urlHint")}
          </span>
        </div>
        <div class="field">
          <label for="webhook-name">
            {t("settings.webhooks.name")} <span class="muted">{t("settings.optional")}</span>
          </label>
          <input id="webhook-name" value={name} aria-invalid={nameError ? "true" : undefined} onInput={(e) => setName(e.currentTarget.value)} />
          {nameError && <span class="field-error">{nameError}</span>}
        </div>
        <fieldset class="channel-toggles webhook-events" aria-describedby={eventsError ? "webhook-events-error" : undefined}>
          <legend>{t("settings.webhooks.events")}</legend>
          {WEBHOOK_EVENTS.map((name) => (
            <div class="field-inline" key={name}>
              <input
                type="checkbox"
                id={`webhook-event-${name}`}
                checked={events.includes(name)}
                onChange={(e) => setEvents(e.currentTarget.checked ? [...events, name] : events.filter((each) => each !== name))}
              />
              <label for={`webhook-event-${name}`}>{t(`settings.webhooks.eventNames.${name}`)}</label>
            </div>
          ))}
          {eventsError && (
            <span id="webhook-events-error" class="field-error">
              {eventsError}
            </span>
          )}
        </fieldset>
        {errors.message && (
          <p class="notice notice-error" role="alert">
            {errors.message}
          </p>
        )}
        <FormActions submit={hook ? t("settings.webhooks.save") : t("settings.webhooks.create")} busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

function DeliveryLog({ hook, onClose }: { hook: Webhook; onClose: () => void }) {
  const log = useList(
    async () => (await api.get<{ payload: Delivery[] }>(accountPath(`/webhooks/${hook.id}/deliveries`), { per_page: 50 })).payload,
    [hook.id],
  );
  const [opened, setOpened] = useState<Delivery | null>(null);
  return (
    <>
      <LogDialog
        title={t("settings.webhooks.logTitle", { name: labelOf(hook) })}
        log={log}
        refresh={t("settings.webhooks.refresh")}
        label={t("settings.webhooks.deliveries")}
        empty={t("settings.webhooks.noDeliveries")}
        onClose={onClose}
        columns={[
          t("settings.webhooks.event"),
          t("settings.webhooks.status"),
          t("settings.webhooks.attempts"),
          t("settings.webhooks.responseCode"),
          t("settings.webhooks.time"),
          <span class="visually-hidden">{t("settings.webhooks.deliveryActions")}</span>,
        ]}
      >
        {(rows) =>
          rows.map((row) => (
            <tr key={row.id}>
              <td>{eventName(row.event)}</td>
              <td>
                <span class={`chip ${row.status === "delivered" ? "chip-success" : "chip-neutral"}`}>{t(`settings.webhooks.statuses.${row.status}`)}</span>
                {row.last_error && <div class="field-hint">{row.last_error}</div>}
              </td>
              <td>{row.attempts}</td>
              <td>{row.last_status_code ?? "—"}</td>
              <td>{when(row.delivered_at ?? row.created_at)}</td>
              <td>
                <RowButton label={t("settings.webhooks.viewAttempts")} row={deliveryName(row)} onClick={() => setOpened(row)} />
              </td>
            </tr>
          ))
        }
      </LogDialog>
      {opened && <DeliveryAttempts hook={hook} delivery={opened} onClose={() => setOpened(null)} />}
    </>
  );
}

/** One delivery's attempts, oldest first: when, the receiver's status or the error in words, how long, the start of the answer. */
function DeliveryAttempts({ hook, delivery, onClose }: { hook: Webhook; delivery: Delivery; onClose: () => void }) {
  const log = useList(
    async () => (await api.get<{ payload: DeliveryAttempt[] }>(accountPath(`/webhooks/${hook.id}/deliveries/${delivery.id}/attempts`))).payload,
    [hook.id, delivery.id],
  );
  return (
    <LogDialog
      title={t("settings.webhooks.attemptsTitle", { event: eventName(delivery.event), id: delivery.id })}
      log={log}
      refresh={t("settings.webhooks.refresh")}
      label={t("settings.webhooks.attemptsLabel")}
      empty={t("settings.webhooks.noAttempts")}
      onClose={onClose}
      columns={[
        t("settings.webhooks.attempt"),
        t("settings.webhooks.started"),
        t("settings.webhooks.outcome"),
        t("settings.webhooks.duration"),
        t("settings.webhooks.response"),
      ]}
    >
      {(rows) =>
        rows.map((row) => (
          <tr key={row.attempt}>
            <th scope="row">{row.attempt}</th>
            <td>{when(row.started_at)}</td>
            <td>
              {row.status_code !== null && (
                <span class={`chip ${row.error === null ? "chip-success" : "chip-neutral"}`}>
                  {t("settings.webhooks.httpStatus", { code: row.status_code })}
                </span>
              )}
              {row.error && <div class="field-hint">{row.error}</div>}
            </td>
            <td>{t("settings.webhooks.durationMs", { ms: row.duration_ms })}</td>
            <td>{row.response_excerpt && <code class="attempt-excerpt">{row.response_excerpt}</code>}</td>
          </tr>
        ))
      }
    </LogDialog>
  );
}
