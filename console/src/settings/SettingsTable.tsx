/** A settings table: named (for screen readers) by its caption, its column headers, then its rows. */
import type { ComponentChildren } from "preact";

type SettingsTableProps = { label: string; columns: ComponentChildren[]; class?: string; children: ComponentChildren };

export function SettingsTable({ label, columns, class: className, children }: SettingsTableProps) {
  return (
    <table class={className ? `settings-table ${className}` : "settings-table"}>
      <caption class="visually-hidden">{label}</caption>
      <thead>
        <tr>
          {columns.map((column, index) => (
            <th key={index} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
