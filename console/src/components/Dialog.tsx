/**
 * A modal dialog (WAI-ARIA APG): labelled by its title, focus moves in and is trapped, Escape and
 * the close button close it, focus returns to what opened it. Built on <dialog>.showModal(), which
 * makes the rest of the page inert.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { t } from "../core/i18n";
import { Icon } from "../core/icons";

type DialogProps = {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  /** Extra class for sizing, e.g. "dialog-wide". */
  class?: string;
  description?: string;
};

let nextId = 0;

export function Dialog({ title, onClose, children, class: className, description }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const ids = useRef({ title: `dialog-title-${++nextId}`, description: `dialog-description-${nextId}` });
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    const focusable =
      dialog.querySelector<HTMLElement>("[autofocus], input, select, textarea, button:not(.dialog-close), [href], [tabindex='0']") ??
      dialog.querySelector<HTMLElement>(".dialog-close");
    (focusable ?? dialog).focus();
    return () => {
      if (dialog.open) dialog.close();
      if (opener && opener.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class={className ? `dialog ${className}` : "dialog"}
      aria-labelledby={ids.current.title}
      aria-describedby={description ? ids.current.description : undefined}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        // A click on the backdrop (the dialog element itself, outside its box) closes it.
        const dialog = ref.current;
        if (dialog && event.target === dialog) {
          const box = dialog.getBoundingClientRect();
          const inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
          if (!inside) onClose();
        }
      }}
    >
      <header class="dialog-header">
        <h2 id={ids.current.title} class="dialog-title">
          {title}
        </h2>
        <button type="button" class="icon-button dialog-close" onClick={onClose} aria-label={t("common.close")}>
          <Icon name="x" />
        </button>
      </header>
      {description && (
        <p id={ids.current.description} class="dialog-description">
          {description}
        </p>
      )}
      <div class="dialog-body">{children}</div>
    </dialog>
  );
}
