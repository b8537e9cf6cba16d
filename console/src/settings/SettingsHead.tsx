/** The top of a settings screen: its title and what it is for, and the button that adds one more. */
import { Icon } from "../core/icons";

type SettingsHeadProps = { title: string; lead: string; add?: { label: string; onAdd: () => void } };

export function SettingsHead({ title, lead, add }: SettingsHeadProps) {
  return (
    <div class="settings-head">
      <div>
        <h1 class="page-title">{title}</h1>
        <p class="muted">{lead}</p>
      </div>
      {add && (
        <button type="button" class="button button-primary" onClick={add.onAdd}>
          <Icon name="plus" /> {add.label}
        </button>
      )}
    </div>
  );
}
