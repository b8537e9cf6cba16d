/**
 * Menu button (WAI-ARIA APG): a button with aria-haspopup opens a role=menu list; arrows, Home,
 * End and first letters move between items, Enter/Space choose, Escape and Tab close and return
 * focus to the button. Items may be menuitemradio (checked) for single choices.
 */
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { Icon } from "../core/icons";

export type MenuItem =
  | { kind?: "item"; label: string; icon?: ComponentChildren; onSelect: () => void; danger?: boolean; hint?: string }
  | { kind: "radio"; label: string; icon?: ComponentChildren; checked: boolean; onSelect: () => void; hint?: string }
  | { kind: "separator" }
  | { kind: "heading"; label: string };

type MenuProps = {
  /** The accessible name of the button (also its tooltip). */
  label: string;
  /** The button's content (an icon, an avatar, text). */
  button: ComponentChildren;
  buttonClass?: string;
  items: MenuItem[];
  /** Where the list opens, relative to the button. */
  placement?: "bottom-start" | "bottom-end" | "top-start" | "right-end" | "right-start";
  /** Shown to the right of the button content. */
  id?: string;
};

let nextId = 0;

export function Menu({ label, button, buttonClass = "icon-button", items, placement = "bottom-start", id }: MenuProps) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const menuId = useRef(id ?? `menu-${++nextId}`).current;
  const choosable = items.map((item, index) => ({ item, index })).filter(({ item }) => item.kind !== "separator" && item.kind !== "heading");

  const close = (returnFocus = true) => {
    setOpen(false);
    if (returnFocus) buttonRef.current?.focus();
  };
  const openAt = (which: "first" | "last") => {
    setOpen(true);
    setActive(which === "first" ? 0 : choosable.length - 1);
  };

  useEffect(() => {
    if (!open) return;
    const el = listRef.current?.querySelectorAll<HTMLElement>("[role^='menuitem']")[active];
    el?.focus();
  }, [open, active]);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!listRef.current?.contains(target) && !buttonRef.current?.contains(target)) close(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  const choose = (position: number) => {
    const entry = choosable[position];
    if (!entry) return;
    close();
    const item = entry.item as Extract<MenuItem, { onSelect: () => void }>;
    item.onSelect();
  };

  const onKeyDown = (event: JSX.TargetedKeyboardEvent<HTMLUListElement>) => {
    const count = choosable.length;
    switch (event.key) {
      case "ArrowDown":
        setActive((active + 1) % count);
        break;
      case "ArrowUp":
        setActive((active - 1 + count) % count);
        break;
      case "Home":
        setActive(0);
        break;
      case "End":
        setActive(count - 1);
        break;
      case "Escape":
        close();
        break;
      case "Tab":
        close(false);
        return;
      case "Enter":
      case " ":
        choose(active);
        break;
      default: {
        if (event.key.length !== 1 || event.altKey || event.ctrlKey || event.metaKey) return;
        const letter = event.key.toLowerCase();
        const order = [...choosable.slice(active + 1), ...choosable.slice(0, active + 1)];
        const found = order.find(({ item }) => "label" in item && item.label.toLowerCase().startsWith(letter));
        if (found) setActive(choosable.indexOf(found));
      }
    }
    event.preventDefault();
  };

  return (
    <div class={`menu menu-${placement}`}>
      <button
        ref={buttonRef}
        type="button"
        class={buttonClass}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={label}
        title={label}
        onClick={() => (open ? close(false) : openAt("first"))}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown") {
            event.preventDefault();
            openAt("first");
          } else if (event.key === "ArrowUp") {
            event.preventDefault();
            openAt("last");
          }
        }}
      >
        {button}
      </button>
      {open && (
        <ul ref={listRef} id={menuId} role="menu" aria-label={label} class="menu-list" onKeyDown={onKeyDown}>
          {items.map((item, index) => {
            if (item.kind === "separator") return <li key={index} role="separator" class="menu-separator" />;
            if (item.kind === "heading")
              return (
                <li key={index} role="presentation" class="menu-heading">
                  {item.label}
                </li>
              );
            const position = choosable.findIndex((c) => c.index === index);
            const radio = item.kind === "radio";
            return (
              <li
                key={index}
                role={radio ? "menuitemradio" : "menuitem"}
                aria-checked={radio ? item.checked : undefined}
                tabIndex={position === active ? 0 : -1}
                class={`menu-item${"danger" in item && item.danger ? " menu-item-danger" : ""}`}
                onClick={() => choose(position)}
                onMouseMove={() => position !== active && setActive(position)}
              >
                {item.icon && <span class="menu-item-icon">{item.icon}</span>}
                <span class="menu-item-label">{item.label}</span>
                {radio && item.checked && <Icon name="check" size={16} class="menu-item-check" />}
                {item.hint && <span class="menu-item-hint">{item.hint}</span>}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
