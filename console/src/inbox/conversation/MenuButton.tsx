/**
 * A menu button as the WAI-ARIA Authoring Practices describe it: the button opens a `menu` and
 * focus moves into it; arrows, Home, End and typing a letter move between items; Enter or Space
 * chooses; Escape closes and returns focus to the button; Tab closes. Items may be radio or
 * checkbox items (menuitemradio / menuitemcheckbox).
 */
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useId, useLayoutEffect, useRef, useState } from "preact/hooks";
import { Icon } from "../../core/icons";

export type MenuItem = {
  key: string;
  label: string;
  hint?: string;
  kind?: "radio" | "checkbox";
  checked?: boolean;
  disabled?: boolean;
  /** Checkbox items keep the menu open so several can be toggled. */
  keepOpen?: boolean;
  onSelect: () => void;
};

type Props = {
  /** The button's accessible name. */
  label: string;
  children: ComponentChildren;
  items: MenuItem[];
  /** Shown as the only (disabled) item while the list loads or when it failed. */
  status?: string | null;
  onOpen?: () => void;
  shortcut?: string;
  class?: string;
  buttonRef?: { current: HTMLButtonElement | null };
  align?: "start" | "end";
};

export function MenuButton({ label, children, items, status, onOpen, shortcut, class: className, buttonRef, align = "start" }: Props) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  const ownButton = useRef<HTMLButtonElement>(null);
  const button = buttonRef ?? ownButton;
  const menu = useRef<HTMLUListElement>(null);
  const count = status ? 1 : items.length;

  // Focus moves with the active item before the next key arrives.
  useLayoutEffect(() => {
    if (!open) return;
    const entries = menu.current?.querySelectorAll<HTMLElement>("[role^=menuitem]");
    entries?.[Math.min(active, (entries?.length ?? 1) - 1)]?.focus();
  }, [open, active, count]);

  useEffect(() => {
    if (!open) return;
    const outside = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [open]);

  function show(index: number) {
    onOpen?.();
    setActive(index);
    setOpen(true);
  }

  function close(refocus = true) {
    setOpen(false);
    if (refocus) button.current?.focus();
  }

  function choose(item: MenuItem) {
    if (item.disabled) return;
    if (!item.keepOpen) close();
    item.onSelect();
  }

  function onButtonKey(event: JSX.TargetedKeyboardEvent<HTMLButtonElement>) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      show(event.key === "ArrowDown" ? 0 : Math.max(0, count - 1));
    }
  }

  function onMenuKey(event: JSX.TargetedKeyboardEvent<HTMLUListElement>) {
    const last = count - 1;
    switch (event.key) {
      case "ArrowDown":
        setActive(active >= last ? 0 : active + 1);
        break;
      case "ArrowUp":
        setActive(active <= 0 ? last : active - 1);
        break;
      case "Home":
        setActive(0);
        break;
      case "End":
        setActive(last);
        break;
      case "Escape":
        close();
        break;
      case "Tab":
        setOpen(false);
        return;
      case "Enter":
      case " ": {
        const item = items[active];
        if (item && !status) choose(item);
        break;
      }
      default: {
        if (event.key.length !== 1 || event.altKey || event.ctrlKey || event.metaKey) return;
        const letter = event.key.toLowerCase();
        const order = [...items.slice(active + 1), ...items.slice(0, active + 1)];
        const next = order.find((item) => item.label.toLowerCase().startsWith(letter));
        if (next) setActive(items.indexOf(next));
      }
    }
    event.preventDefault();
  }

  const roleOf = (item: MenuItem) => (item.kind === "radio" ? "menuitemradio" : item.kind === "checkbox" ? "menuitemcheckbox" : "menuitem");

  return (
    <div class={`cv-menu ${className ?? ""}`} ref={root}>
      <button
        type="button"
        ref={button}
        class="cv-btn"
        aria-label={label}
        title={shortcut ? `${label} (${shortcut})` : label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        aria-keyshortcuts={shortcut}
        onClick={() => (open ? close(false) : show(0))}
        onKeyDown={onButtonKey}
      >
        {children}
      </button>
      {open && (
        <ul id={id} role="menu" aria-label={label} class={`cv-menu-list cv-${align}`} ref={menu} onKeyDown={onMenuKey}>
          {status ? (
            <li role="menuitem" tabIndex={-1} aria-disabled="true" class="cv-menu-status">
              {status}
            </li>
          ) : (
            items.map((item, index) => (
              <li
                key={item.key}
                role={roleOf(item)}
                tabIndex={-1}
                aria-checked={item.kind ? item.checked === true : undefined}
                aria-disabled={item.disabled ? "true" : undefined}
                class={index === active ? "cv-active" : undefined}
                onClick={() => choose(item)}
                onPointerMove={() => index !== active && setActive(index)}
              >
                {item.kind && <span class="cv-check">{item.checked && <Icon name="check" size={14} />}</span>}
                <span>{item.label}</span>
                {item.hint && <span class="cv-hint">{item.hint}</span>}
              </li>
            ))
          )}
        </ul>
      )}
    </div>
  );
}
