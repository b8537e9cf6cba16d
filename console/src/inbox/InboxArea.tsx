/**
 * The agent inbox: the conversation list beside the open conversation. On narrow screens
 * (< 768px) they take turns: the route decides which shows, and the pane gets a back button.
 */
import { useEffect } from "preact/hooks";
import { t } from "../core/i18n";
import { Icon } from "../core/icons";
import { navigate, route, withQuery } from "../core/router";
import { accountId, conversationsPath } from "../core/session";
import { clearList, filtersFromQuery, queryOf, showFilters, startConversationList } from "../stores/conversations";
import { loadLookups } from "../stores/lookups";
import { ConversationList } from "./ConversationList";
import { ConversationPane } from "./conversation/ConversationPane";

export function InboxArea() {
  const current = route.value;
  const account = accountId.value;
  const displayId = current.name === "conversation" ? Number(current.params.displayId) : null;
  const f = filtersFromQuery(current.query);

  useEffect(() => {
    if (account === null) return;
    clearList();
    void loadLookups(account);
    return startConversationList();
  }, [account]);

  useEffect(() => {
    if (account !== null) void showFilters(f);
  }, [account, f.assignee, f.status, f.inbox, f.team, f.label, f.sort, f.q]);

  if (account === null) return null;
  const listHref = withQuery(conversationsPath(account), queryOf(f));
  const back = () => {
    navigate(listHref);
    // On narrow screens the list comes back in place of the conversation: focus goes to it.
    requestAnimationFrame(() => document.getElementById("conv-listbox")?.focus());
  };

  return (
    <main id="main" tabIndex={-1} class={displayId === null ? "inbox inbox-list-only" : "inbox inbox-has-conversation"}>
      <ConversationList selectedId={displayId} />
      <div class="inbox-main">
        {/* On a phone the list (and its heading) gives way to the conversation: this heading stands in. */}
        {displayId !== null && <h1 class="visually-hidden inbox-narrow-heading">{t("inbox.conversationHeading", { id: displayId })}</h1>}
        {displayId === null ? (
          <div class="inbox-empty">
            <Icon name="message" size={40} strokeWidth={1.5} />
            <h2>{t("inbox.empty.title")}</h2>
            <p>{t("inbox.empty.body")}</p>
            <p class="muted">{t("inbox.empty.hint")}</p>
          </div>
        ) : (
          <ConversationPane key={displayId} displayId={displayId} onBack={back} />
        )}
      </div>
    </main>
  );
}
