/**
 * Sites > Chat Widgets: the sub-account's widgets with their type, whether they are complete (and what
 * is missing), where they route, and the snapshot a widget came from; a new widget starts from a type.
 */
import { useEffect, useState } from "preact/hooks";
import { accountPath, api, errorsOf } from "../../core/api";
import { formatDateTime, t } from "../../core/i18n";
import { Icon } from "../../core/icons";
import { Link, navigate } from "../../core/router";
import { accountId } from "../../core/session";
import { inboxName, loadLookups } from "../../stores/lookups";
import { integrationLabel, integrations, loadIntegrations } from "../integrations/store";
import { widgetsPath } from "../paths";
import { KIND_OF } from "./DependencyPicker";
import { type ChatWidget, DEPENDENCY_FIELDS, dependenciesOf, WIDGET_TYPES } from "./model";

/** Where the widget sends visitors: its inbox, number, page, account or agent, by name. */
function routesTo(widget: ChatWidget): string[] {
  return dependenciesOf(widget.type).flatMap((dependency) => {
    const id = widget[DEPENDENCY_FIELDS[dependency]];
    if (id === null) return [];
    if (dependency === "inbox") return [t("settings.widgets.list.inbox", { name: inboxName(id) ?? `#${id}` })];
    const kind = KIND_OF[dependency];
    const row = integrations.value[kind].find((one) => one.id === id);
    return [row ? integrationLabel(kind, row) : `#${id}`];
  });
}

export function WidgetList() {
  const account = accountId.value;
  const [widgets, setWidgets] = useState<ChatWidget[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [type, setType] = useState("live_chat");
  useEffect(() => {
    if (account === null) return;
    document.title = `${t("settings.widgets.title")} · ${t("common.appName")}`;
    void loadLookups(account);
    void loadIntegrations().catch(() => undefined);
    api.get<{ payload: ChatWidget[] }>(accountPath("/chat_widgets")).then(
      (answer) => setWidgets(answer.payload),
      (failure: unknown) => setError(errorsOf(failure).message),
    );
  }, [account]);
  if (account === null) return null;
  return (
    <div class="settings-screen">
      <div class="settings-head">
        <div>
          <p class="eyebrow">{t("settings.widgets.sites")}</p>
          <h1 class="page-title">{t("settings.widgets.title")}</h1>
          <p class="muted">{t("settings.widgets.lead")}</p>
        </div>
        <form
          class="new-widget"
          onSubmit={(event) => {
            event.preventDefault();
            navigate(`${widgetsPath(account)}/new?type=${type}`);
          }}
        >
          <label for="new-widget-type">{t("settings.widgets.newType")}</label>
          <select id="new-widget-type" class="select" value={type} onChange={(event) => setType(event.currentTarget.value)}>
            {WIDGET_TYPES.map((one) => (
              <option key={one} value={one}>
                {t(`settings.widgets.types.${one}`)}
              </option>
            ))}
          </select>
          <button type="submit" class="button button-primary">
            <Icon name="plus" /> {t("settings.widgets.new")}
          </button>
        </form>
      </div>
      {error && (
        <p class="notice notice-error" role="alert">
          {t("settings.loadFailed", { message: error })}
        </p>
      )}
      {widgets === null && !error && <p class="page-loading">{t("common.loading")}</p>}
      {widgets?.length === 0 && <p class="empty-state">{t("settings.widgets.list.empty")}</p>}
      {widgets && widgets.length > 0 && (
        <div class="table-scroll" role="region" aria-label={t("settings.widgets.title")} tabIndex={0}>
          <table class="settings-table widget-table">
            <caption class="visually-hidden">{t("settings.widgets.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("settings.widgets.list.name")}</th>
                <th scope="col">{t("settings.widgets.list.type")}</th>
                <th scope="col">{t("settings.widgets.list.setup")}</th>
                <th scope="col">{t("settings.widgets.list.routes")}</th>
                <th scope="col">{t("settings.widgets.list.snapshot")}</th>
              </tr>
            </thead>
            <tbody>
              {widgets.map((widget) => {
                const targets = routesTo(widget);
                return (
                  <tr key={widget.id}>
                    <th scope="row">
                      <Link href={`${widgetsPath(account)}/${widget.id}`}>{widget.name}</Link>
                    </th>
                    <td>{t(`settings.widgets.types.${widget.type}`)}</td>
                    <td>
                      <span class={`chip ${widget.setup_status === "complete" ? "chip-success" : "chip-warning"}`}>
                        {t(`settings.widgets.status.${widget.setup_status}`)}
                      </span>
                      {widget.missing_dependencies.map((missing) => (
                        <span class="missing" key={missing.type}>
                          {t(`settings.widgets.missing.${missing.type}`)}
                        </span>
                      ))}
                    </td>
                    <td>{targets.length > 0 ? targets.join(", ") : <span class="muted">{t("settings.widgets.list.nowhere")}</span>}</td>
                    <td>
                      {widget.snapshot ? (
                        <span title={widget.snapshot.load_id === null ? undefined : t("settings.widgets.list.load", { id: widget.snapshot.load_id })}>
                          {widget.snapshot.snapshot_name ?? `#${widget.snapshot.snapshot_id}`}
                          <span class="muted block">{formatDateTime(widget.snapshot.loaded_at)}</span>
                        </span>
                      ) : (
                        <span class="muted">{t("settings.widgets.list.madeHere")}</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
