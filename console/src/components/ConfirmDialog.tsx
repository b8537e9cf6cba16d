/**
 * A confirmation before something that cannot be undone (APG alert dialog pattern on our Dialog):
 * the question is the dialog's description, Cancel comes first so focus lands on the safe choice,
 * the dangerous button last. While the action runs its button is disabled; if the action fails,
 * the dialog stays open and says why in words.
 */
import { useState } from "preact/hooks";
import { failureMessage } from "../core/api";
import { t } from "../core/i18n";
import { Dialog } from "./Dialog";

type ConfirmDialogProps = {
  title: string;
  /** What will happen, e.g. "Delete the label follow-up?". */
  description: string;
  /** The dangerous button's label. */
  confirmLabel: string;
  /** Does the thing; the caller closes the dialog when it is done (or at once). A throw is shown in the dialog. */
  onConfirm: () => Promise<void> | void;
  onClose: () => void;
};

export function ConfirmDialog({ title, description, confirmLabel, onConfirm, onClose }: ConfirmDialogProps) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } catch (failure) {
      setError(failureMessage(failure));
      setBusy(false);
    }
  };
  return (
    <Dialog title={title} description={description} onClose={onClose}>
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      <div class="form-actions">
        <button type="button" class="button" onClick={onClose}>
          {t("common.cancel")}
        </button>
        <button type="button" class="button button-danger" disabled={busy} onClick={() => void confirm()}>
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
