/**
 * Where a settings screen's list goes: the failure to load it in words, the announcement of what
 * just changed, "Loading…" until it arrives, the empty state, then the table in a scrollable region
 * named after the screen, with its column headers and the rows the caller renders.
 */
import type { ComponentChildren } from "preact";
import { t } from "../core/i18n";
import { SettingsTable } from "./SettingsTable";

type ListStateProps<T> = {
  items: readonly T[] | null;
  /** Why the list (or the last change to it) failed, in words; null when nothing failed. */
  error: string | null;
  /** Said by the polite live region after a change, e.g. "Label follow-up saved". */
  announce: string;
  /** The table's and the region's name. */
  label: string;
  empty: string;
  /** The column headers, in order. */
  columns: ComponentChildren[];
  /** The table's rows. */
  children: (items: readonly T[]) => ComponentChildren;
};

export function ListState<T>({ items, error, announce, label, empty, columns, children }: ListStateProps<T>) {
  return (
    <>
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      <p role="status" class="visually-hidden">
        {announce}
      </p>
      {items === null && !error && <p class="page-loading">{t("common.loading")}</p>}
      {items?.length === 0 && <p class="empty-state">{empty}</p>}
      {items && items.length > 0 && (
        <div class="table-scroll" role="region" aria-label={label} tabIndex={0}>
          <SettingsTable label={label} columns={columns}>
            {children(items)}
          </SettingsTable>
        </div>
      )}
    </>
  );
}
