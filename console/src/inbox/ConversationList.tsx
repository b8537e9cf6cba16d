/**
 * The conversation list: assignee tabs with the server's counts, status, sort and filters (inbox,
 * team, label), search, and the rows as a WAI-ARIA listbox. Only the rows in view are in the DOM
 * (fixed-height rows, windowed), so thousands of conversations stay responsive; the next page
 * loads as the end comes into view. Alt+J / Alt+K open the next / previous conversation.
 */
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { onCableEvent } from "../core/cable";
import { t } from "../core/i18n";
import { Icon } from "../core/icons";
import { contactName } from "../core/names";
import { navigate, withQuery } from "../core/router";
import { accountId, conversationsPath } from "../core/session";
import {
  ASSIGNEE_TABS,
  counts,
  filters,
  hasMore,
  listError,
  listLoading,
  loadMore,
  queryOf,
  reloadFirstPage,
  rows,
  SORTS,
  STATUSES,
  type AssigneeTab,
  type ListFilters,
} from "../stores/conversations";
import { inboxes, labels, teams } from "../stores/lookups";
import { isAltKey, isTyping } from "../shell/keys";
import { ConversationRow, ROW_HEIGHT } from "./ConversationRow";

const OVERSCAN = 6;
const optionId = (id: number) => `conv-option-${id}`;

export function ConversationList({ selectedId }: { selectedId: number | null }) {
  const f = filters.value;
  const account = accountId.value ?? 0;
  const list = rows.value;
  const scrollRef = useRef<HTMLDivElement>(null);
  const listboxRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 800 });
  const [activeId, setActiveId] = useState<number | null>(selectedId);
  const [showFilters, setShowFilters] = useState(f.inbox !== null || f.team !== null || f.label !== null);
  const [search, setSearch] = useState(f.q);
  const [now, setNow] = useState(() => Math.floor(Date.now() / 1000));
  const [announcement, setAnnouncement] = useState("");

  const go = (next: Partial<ListFilters>, replace = false) => {
    const merged = { ...f, ...next };
    const base = selectedId === null ? conversationsPath(account) : `${conversationsPath(account)}/${selectedId}`;
    navigate(withQuery(base, queryOf(merged)), { replace });
  };
  const open = (id: number) => {
    setActiveId(id);
    navigate(withQuery(`${conversationsPath(account)}/${id}`, queryOf(f)));
  };

  // The search box follows the route (back/forward) and updates it, debounced.
  useEffect(() => setSearch(f.q), [f.q]);
  useEffect(() => {
    if (search.trim() === f.q) return;
    const timer = setTimeout(() => go({ q: search.trim() }, true), 300);
    return () => clearTimeout(timer);
  }, [search]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Math.floor(Date.now() / 1000)), 30_000);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    if (selectedId !== null) setActiveId(selectedId);
  }, [selectedId]);

  // The viewport's size, for windowing.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setViewport({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Back to the top when the filters change.
  useEffect(() => {
    const el = scrollRef.current;
    if (el) el.scrollTop = 0;
  }, [f.assignee, f.status, f.inbox, f.team, f.label, f.sort, f.q]);

  const start = Math.max(0, Math.floor(viewport.top / ROW_HEIGHT) - OVERSCAN);
  const end = Math.min(list.length, Math.ceil((viewport.top + viewport.height) / ROW_HEIGHT) + OVERSCAN);

  // The next page, as the end comes into view.
  useEffect(() => {
    if (hasMore.value && !listLoading.value && !listError.value && end >= list.length - 3) void loadMore();
  }, [end, list.length, hasMore.value, listLoading.value]);

  // Alt+J / Alt+K (next / previous conversation), Alt+N (next tab), Alt+B (next status), / (search).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const ids = rows.value.map((r) => r.id);
      if (isAltKey(event, "j") || isAltKey(event, "k")) {
        event.preventDefault();
        if (ids.length === 0) return;
        const at = selectedId === null ? -1 : ids.indexOf(selectedId);
        const step = isAltKey(event, "j") ? 1 : -1;
        const next = at === -1 ? ids[0] : ids[Math.min(ids.length - 1, Math.max(0, at + step))];
        if (next !== undefined && next !== selectedId) open(next);
      } else if (isAltKey(event, "n")) {
        event.preventDefault();
        go({ assignee: ASSIGNEE_TABS[(ASSIGNEE_TABS.indexOf(f.assignee) + 1) % ASSIGNEE_TABS.length] });
      } else if (isAltKey(event, "b")) {
        event.preventDefault();
        go({ status: STATUSES[(STATUSES.indexOf(f.status) + 1) % STATUSES.length] });
      } else if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !isTyping(event)) {
        event.preventDefault();
        searchRef.current?.focus();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [selectedId, f, account]);

  // New incoming messages in other conversations are announced (politely).
  useEffect(
    () =>
      onCableEvent((event, data) => {
        if (event !== "message.created") return;
        const m = data as {
          message_type?: number;
          private?: boolean;
          conversation_id?: number;
          sender?: { name?: string | null; email?: string | null; phone_number?: string | null } | null;
        } | null;
        if (!m || m.message_type !== 0 || m.conversation_id === selectedId) return;
        if (!rows.peek().some((r) => r.id === m.conversation_id)) return;
        setAnnouncement(t("inbox.announce.message", { name: contactName(m.sender), id: m.conversation_id ?? "" }));
      }),
    [selectedId],
  );

  const activeIndex = activeId === null ? -1 : list.findIndex((r) => r.id === activeId);
  const scrollIntoView = (index: number) => {
    const el = scrollRef.current;
    if (!el) return;
    const top = index * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  };
  const moveTo = (index: number) => {
    const row = list[Math.max(0, Math.min(list.length - 1, index))];
    if (!row) return;
    setActiveId(row.id);
    scrollIntoView(list.indexOf(row));
  };
  const onListKey = (event: KeyboardEvent) => {
    const page = Math.max(1, Math.floor(viewport.height / ROW_HEIGHT) - 1);
    const from = activeIndex === -1 ? -1 : activeIndex;
    switch (event.key) {
      case "ArrowDown":
        moveTo(from + 1);
        break;
      case "ArrowUp":
        moveTo(from === -1 ? 0 : from - 1);
        break;
      case "Home":
        moveTo(0);
        break;
      case "End":
        moveTo(list.length - 1);
        break;
      case "PageDown":
        moveTo(from + page);
        break;
      case "PageUp":
        moveTo(from - page);
        break;
      case "Enter":
      case " ":
        if (activeIndex >= 0 && list[activeIndex]) open(list[activeIndex].id);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const c = counts.value;
  const countOf = (tab: AssigneeTab) => (c ? (tab === "mine" ? c.mine_count : tab === "unassigned" ? c.unassigned_count : c.all_count) : null);
  const activeFilters = (f.inbox !== null ? 1 : 0) + (f.team !== null ? 1 : 0) + (f.label !== null ? 1 : 0);
  const onTabKey = (event: KeyboardEvent, index: number) => {
    const delta = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!delta && event.key !== "Home" && event.key !== "End") return;
    event.preventDefault();
    const next = event.key === "Home" ? 0 : event.key === "End" ? ASSIGNEE_TABS.length - 1 : (index + delta + ASSIGNEE_TABS.length) % ASSIGNEE_TABS.length;
    go({ assignee: ASSIGNEE_TABS[next] });
    (document.getElementById(`conv-tab-${ASSIGNEE_TABS[next]}`) as HTMLElement | null)?.focus();
  };

  return (
    <section class="conv-list" aria-labelledby="conv-list-title">
      <header class="conv-list-header">
        <div class="conv-list-title-row">
          <h1 id="conv-list-title" class="conv-list-title">
            {t("inbox.title")}
          </h1>
          <label class="visually-hidden" for="conv-status">
            {t("inbox.filters.status")}
          </label>
          <select
            id="conv-status"
            class="select select-small"
            value={f.status}
            onChange={(e) => go({ status: e.currentTarget.value as ListFilters["status"] })}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`inbox.status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="search-field">
          <Icon name="search" size={16} class="search-field-icon" />
          <label class="visually-hidden" for="conv-search">
            {t("inbox.search.label")}
          </label>
          <input
            ref={searchRef}
            id="conv-search"
            type="search"
            placeholder={t("inbox.search.placeholder")}
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape" && search) {
                e.preventDefault();
                setSearch("");
              } else if (e.key === "ArrowDown") {
                e.preventDefault();
                listboxRef.current?.focus();
              }
            }}
          />
        </div>
        <div class="conv-toolbar">
          <div role="tablist" aria-label={t("inbox.tabs.label")} class="tabs">
            {ASSIGNEE_TABS.map((tab, index) => {
              const n = countOf(tab);
              const selected = f.assignee === tab;
              return (
                <button
                  key={tab}
                  id={`conv-tab-${tab}`}
                  type="button"
                  role="tab"
                  aria-selected={selected}
                  aria-controls="conv-listbox"
                  tabIndex={selected ? 0 : -1}
                  class="tab"
                  onClick={() => go({ assignee: tab })}
                  onKeyDown={(e) => onTabKey(e, index)}
                >
                  {t(`inbox.tabs.${tab}`)}
                  {n !== null && <span class="tab-count">{n}</span>}
                </button>
              );
            })}
          </div>
          <button
            type="button"
            class={`icon-button${activeFilters > 0 ? " is-on" : ""}`}
            aria-expanded={showFilters}
            aria-controls="conv-filters"
            aria-label={activeFilters > 0 ? t("inbox.filters.toggleActive", { count: activeFilters }) : t("inbox.filters.toggle")}
            title={t("inbox.filters.toggle")}
            onClick={() => setShowFilters(!showFilters)}
          >
            <Icon name="filter" />
            {activeFilters > 0 && <span class="icon-button-count">{activeFilters}</span>}
          </button>
        </div>
        <div id="conv-filters" class="conv-filters" hidden={!showFilters}>
          <div class="field field-inline">
            <label for="conv-sort">{t("inbox.filters.sort")}</label>
            <select id="conv-sort" class="select select-small" value={f.sort} onChange={(e) => go({ sort: e.currentTarget.value as ListFilters["sort"] })}>
              {SORTS.map((s) => (
                <option key={s} value={s}>
                  {t(`inbox.sort.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <div class="field field-inline">
            <label for="conv-inbox">{t("inbox.filters.inbox")}</label>
            <select
              id="conv-inbox"
              class="select select-small"
              value={f.inbox ?? ""}
              onChange={(e) => go({ inbox: e.currentTarget.value ? Number(e.currentTarget.value) : null })}
            >
              <option value="">{t("inbox.filters.any")}</option>
              {inboxes.value.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field field-inline">
            <label for="conv-team">{t("inbox.filters.team")}</label>
            <select
              id="conv-team"
              class="select select-small"
              value={f.team ?? ""}
              onChange={(e) => go({ team: e.currentTarget.value ? Number(e.currentTarget.value) : null })}
            >
              <option value="">{t("inbox.filters.any")}</option>
              {teams.value.map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field field-inline">
            <label for="conv-label">{t("inbox.filters.label")}</label>
            <select id="conv-label" class="select select-small" value={f.label ?? ""} onChange={(e) => go({ label: e.currentTarget.value || null })}>
              <option value="">{t("inbox.filters.any")}</option>
              {labels.value.map((l) => (
                <option key={l.id} value={l.title}>
                  {l.title}
                </option>
              ))}
            </select>
          </div>
          {activeFilters > 0 && (
            <button type="button" class="button button-small button-ghost" onClick={() => go({ inbox: null, team: null, label: null })}>
              {t("inbox.filters.clear")}
            </button>
          )}
        </div>
      </header>

      {listError.value && (
        <div class="notice notice-error conv-list-error" role="alert">
          <span>{t("inbox.loadFailed", { message: listError.value })}</span>
          <button type="button" class="button button-small" onClick={() => (rows.value.length ? void loadMore() : void reloadFirstPage())}>
            {t("common.retry")}
          </button>
        </div>
      )}

      <div ref={scrollRef} class="conv-scroll" onScroll={(e) => setViewport({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}>
        <div
          ref={listboxRef}
          id="conv-listbox"
          role="listbox"
          tabIndex={0}
          aria-labelledby={`conv-tab-${f.assignee}`}
          aria-describedby="conv-list-help"
          aria-activedescendant={activeIndex >= 0 && activeIndex >= start && activeIndex < end ? optionId(list[activeIndex]!.id) : undefined}
          aria-busy={listLoading.value}
          class="conv-listbox"
          style={{ height: `${list.length * ROW_HEIGHT}px` }}
          onKeyDown={onListKey}
          onFocus={() => {
            if (activeIndex === -1 && list.length > 0) setActiveId(list[0]!.id);
          }}
        >
          {list.slice(start, end).map((row, i) => (
            <ConversationRow
              key={row.id}
              conversation={row}
              index={start + i}
              total={list.length}
              selected={row.id === selectedId}
              active={row.id === activeId}
              id={optionId(row.id)}
              now={now}
              onOpen={open}
            />
          ))}
        </div>
        {list.length === 0 && !listLoading.value && !listError.value && (
          <p class="conv-list-empty">{f.q ? t("inbox.noResults", { q: f.q }) : t("inbox.none")}</p>
        )}
        {listLoading.value && (
          <p class="conv-list-loading" aria-hidden="true">
            {t("common.loading")}
          </p>
        )}
      </div>
      <p id="conv-list-help" class="visually-hidden">
        {t("inbox.listHelp")}
      </p>
      <div class="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </div>
    </section>
  );
}
