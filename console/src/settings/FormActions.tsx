/** The end of a settings form: its submit button (disabled while the request runs), then Cancel. */
import { t } from "../core/i18n";

export function FormActions({ submit, busy, onCancel }: { submit: string; busy: boolean; onCancel: () => void }) {
  return (
    <div class="form-actions">
      <button type="submit" class="button button-primary" disabled={busy}>
        {submit}
      </button>
      <button type="button" class="button" onClick={onCancel}>
        {t("common.cancel")}
      </button>
    </div>
  );
}
