/**
 * A button that setup can hold back (Save, Get Code): while a dependency is missing it stays
 * focusable with `aria-disabled`, its helper tooltip (WAI-ARIA APG tooltip: on hover and on focus,
 * Escape hides it) says what is missing and links to where it is fixed, and the same words are the
 * button's accessible description.
 */
import { signal } from "@preact/signals";
import type { ComponentChildren } from "preact";

/** The one helper tooltip showing (APG: one at a time), by its button's id. */
const openTip = signal<string | null>(null);

/** Where a missing dependency is fixed: the id of the builder's control for it, and the words of the link. */
export type Fix = { label: string; target: string };

type GatedButtonProps = {
  id: string;
  children: ComponentChildren;
  /** Why the action is off, in words; null when it is on. */
  reason: string | null;
  fix: Fix | null;
  primary?: boolean;
  busy?: boolean;
  onClick: () => void;
};

export function GatedButton({ id, children, reason, fix, primary, busy, onClick }: GatedButtonProps) {
  const off = reason !== null;
  const tipId = `${id}-tip`;
  const shown = off && openTip.value === id;
  const hide = () => {
    if (openTip.value === id) openTip.value = null;
  };
  return (
    <span
      class={`gated${shown ? " gated-open" : ""}`}
      onKeyDown={(event) => {
        if (event.key === "Escape" && shown) {
          event.stopPropagation();
          hide();
        }
      }}
      onMouseEnter={() => (openTip.value = id)}
      onMouseLeave={(event) => {
        if (!event.currentTarget.contains(document.activeElement)) hide();
      }}
      onFocusCapture={() => (openTip.value = id)}
      onBlurCapture={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) hide();
      }}
    >
      <button
        id={id}
        type="button"
        class={`button${primary ? " button-primary" : ""}`}
        aria-disabled={off || busy ? "true" : undefined}
        aria-describedby={off ? tipId : undefined}
        onClick={() => {
          if (!off && !busy) onClick();
        }}
      >
        {children}
      </button>
      {off && (
        <span role="tooltip" id={tipId} class="tooltip">
          {reason}
          {fix && (
            <>
              {" "}
              <a
                href={`#${fix.target}`}
                class="tooltip-link"
                onClick={(event) => {
                  event.preventDefault();
                  const control = document.getElementById(fix.target);
                  control?.scrollIntoView({ block: "center" });
                  control?.focus();
                }}
              >
                {fix.label}
              </a>
            </>
          )}
        </span>
      )}
    </span>
  );
}
