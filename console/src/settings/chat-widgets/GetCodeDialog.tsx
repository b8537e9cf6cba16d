/** Get Code: the widget's snippet (GET .../embed_code), a copy button, and how to install it. */
import { useState } from "preact/hooks";
import { Dialog } from "../../components/Dialog";
import { t } from "../../core/i18n";
import { Icon } from "../../core/icons";

export function GetCodeDialog({ html, onClose }: { html: string; onClose: () => void }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(html);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  };
  return (
    <Dialog title={t("settings.widgets.code.title")} onClose={onClose} class="dialog-wide">
      <ol class="install-steps">
        <li>{t("settings.widgets.code.step1")}</li>
        <li>{t("settings.widgets.code.step2")}</li>
        <li>{t("settings.widgets.code.step3")}</li>
      </ol>
      <div class="form-actions">
        <button type="button" class="button button-primary" autoFocus onClick={() => void copy()}>
          <Icon name="copy" /> {t("settings.widgets.code.copy")}
        </button>
        <span role="status" class="muted">
          {copied === "yes" ? t("settings.widgets.code.copied") : copied === "failed" ? t("settings.widgets.code.copyFailed") : ""}
        </span>
      </div>
      <label for="widget-snippet" class="snippet-label">
        {t("settings.widgets.code.snippet")}
      </label>
      <textarea id="widget-snippet" class="snippet" readOnly rows={10} value={html} />
    </Dialog>
  );
}
