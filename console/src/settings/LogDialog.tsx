/**
 * A dialog that shows a log (a rule's runs, a webhook's deliveries): a Refresh button, why the log
 * could not be loaded in words, a line when it is empty, then its table (the caller renders the
 * table's head and rows).
 */
import type { ComponentChildren } from "preact";
import { Dialog } from "../components/Dialog";
import type { LoadedList } from "./useList";

type LogDialogProps<T> = {
  title: string;
  log: LoadedList<T>;
  refresh: string;
  /** The table's name. */
  label: string;
  empty: string;
  onClose: () => void;
  children: (entries: T[]) => ComponentChildren;
};

export function LogDialog<T>({ title, log, refresh, label, empty, onClose, children }: LogDialogProps<T>) {
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
        <table class="settings-table delivery-log">
          <caption class="visually-hidden">{label}</caption>
          {children(log.items)}
        </table>
      )}
    </Dialog>
  );
}
