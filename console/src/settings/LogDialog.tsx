/**
 * A dialog that shows a log (a rule's runs, a webhook's deliveries): a Refresh button, why the log
 * could not be loaded in words, a line when it is empty, then its table with its column headers
 * and the rows the caller renders.
 */
import type { ComponentChildren } from "preact";
import { Dialog } from "../components/Dialog";
import { SettingsTable } from "./SettingsTable";
import type { LoadedList } from "./useList";

type LogDialogProps<T> = {
  title: string;
  log: LoadedList<T>;
  refresh: string;
  /** The table's name. */
  label: string;
  empty: string;
  /** The column headers, in order. */
  columns: ComponentChildren[];
  onClose: () => void;
  /** The table's rows. */
  children: (entries: T[]) => ComponentChildren;
};

export function LogDialog<T>({ title, log, refresh, label, empty, columns, onClose, children }: LogDialogProps<T>) {
  return (
    <Dialog title={title} onClose={onClose} class="dialog-wide">
      <div class="form-actions">
        <button type="button" class="button" onClick={() => void log.reload()}>
          {refresh}
        </button>
      </div>
      {log.error && (
        <p class="notice notice-error" role="alert">
          {log.error}
        </p>
      )}
      {log.items !== null && log.items.length === 0 && <p class="muted">{empty}</p>}
      {log.items !== null && log.items.length > 0 && (
        <SettingsTable label={label} columns={columns} class="delivery-log">
          {children(log.items)}
        </SettingsTable>
      )}
    </Dialog>
  );
}
