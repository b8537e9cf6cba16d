/** The list of keyboard shortcuts (Chatwoot's), opened with ? or Ctrl+/ . */
import { Dialog } from "../components/Dialog";
import { t } from "../core/i18n";

const groups: { title: string; rows: [string[], string][] }[] = [
  {
    title: "shell.shortcuts.general",
    rows: [
      [["?"], "shell.shortcuts.help"],
      [["Alt", "C"], "shell.shortcuts.goConversations"],
    ],
  },
  {
    title: "shell.shortcuts.list",
    rows: [
      [["Alt", "J"], "shell.shortcuts.next"],
      [["Alt", "K"], "shell.shortcuts.previous"],
      [["Alt", "N"], "shell.shortcuts.nextTab"],
      [["Alt", "B"], "shell.shortcuts.nextStatus"],
      [["/"], "shell.shortcuts.search"],
      [["shell.shortcuts.keys.up", "shell.shortcuts.keys.down"], "shell.shortcuts.move"],
    ],
  },
  {
    title: "shell.shortcuts.conversation",
    rows: [
      [["Alt", "E"], "shell.shortcuts.resolve"],
      [["Alt", "L"], "shell.shortcuts.reply"],
      [["Alt", "P"], "shell.shortcuts.note"],
      [["Alt", "A"], "shell.shortcuts.attach"],
      [["Alt", "M"], "shell.shortcuts.snooze"],
      [["Alt", "O"], "shell.shortcuts.sidebar"],
      [["Enter"], "shell.shortcuts.send"],
      [["Shift", "Enter"], "shell.shortcuts.newline"],
    ],
  },
];

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title={t("shell.shortcuts.title")} onClose={onClose} class="dialog-wide">
      <div class="shortcuts">
        {groups.map((group) => (
          <section key={group.title} aria-labelledby={`sc-${group.title}`}>
            <h3 id={`sc-${group.title}`} class="shortcuts-title">
              {t(group.title)}
            </h3>
            <dl class="shortcuts-list">
              {group.rows.map(([keys, label]) => (
                <div class="shortcuts-row" key={label}>
                  <dt>{t(label)}</dt>
                  <dd>
                    {keys.map((key, i) => (
                      <>
                        {i > 0 && <span class="shortcuts-plus">{keys[0]!.startsWith("shell.") ? " / " : " + "}</span>}
                        <kbd>{key.startsWith("shell.") ? t(key) : key}</kbd>
                      </>
                    ))}
                  </dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Dialog>
  );
}
