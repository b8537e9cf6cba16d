/**
 * A button in a settings table row: its action in words, and, for screen readers, the row it acts
 * on ("Edit" is read "Edit Billing").
 */
type RowButtonProps = { label: string; row: string; danger?: boolean; onClick: () => void };

export function RowButton({ label, row, danger = false, onClick }: RowButtonProps) {
  return (
    <button type="button" class={danger ? "button button-small button-danger" : "button button-small"} onClick={onClick}>
      {label}
      <span class="visually-hidden"> {row}</span>
    </button>
  );
}
