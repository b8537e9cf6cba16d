/**
 * The list of keyboard shortcuts (Chatwoot's), opened with ? or Ctrl+/ : every key the console
 * handles (Shell.tsx, ConversationList.tsx, ConversationPane.tsx, ReplyBox.tsx).
 */
import { Dialog } from "../components/Dialog";
import { t } from "../core/i18n";

/** Keys pressed together; a row with several combinations lists them with "or". */
type Keys = string[] | string[][];
const groups: { title: string; rows: [Keys, string][] }[] = [
  {
    title: "shell.shortcuts.general",
    rows: [
      [[["?"], ["Ctrl", "/"]], "shell.shortcuts.help"],
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
      [[["shell.shortcuts.keys.up"], ["shell.shortcuts.keys.down"]], "shell.shortcuts.move"],
      [[["Home"], ["End"]], "shell.shortcuts.firstLast"],
      [["Enter"], "shell.shortcuts.openActive"],
    ],
  },
  {
    title: "shell.shortcuts.conversation",
    rows: [
      [["Alt", "E"], "shell.shortcuts.resolve"],
      [["Alt", "L"], "shell.shortcuts.reply"],
      [["Alt", "P"], "shell.shortcuts.note"],
      [["Alt", "A"], "shell.shortcuts.attach"],
      [["Alt", "Shift", "A"], "shell.shortcuts.assign"],
      [["Alt", "M"], "shell.shortcuts.snooze"],
      [["Alt", "O"], "shell.shortcuts.sidebar"],
      [["Enter"], "shell.shortcuts.send"],
      [["Shift", "Enter"], "shell.shortcuts.newline"],
      [["/"], "shell.shortcuts.canned"],
      [["@"], "shell.shortcuts.mention"],
    ],
  },
];

const combinations = (keys: Keys): string[][] => (keys.every((k) => Array.isArray(k)) ? (keys as string[][]) : [keys as string[]]);

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
                    {combinations(keys).map((combo, c) => (
                      <>
                        {c > 0 && <span class="shortcuts-plus"> {t("shell.shortcuts.or")} </span>}
                        {combo.map((key, i) => (
                          <>
                            {i > 0 && <span class="shortcuts-plus"> + </span>}
                            <kbd>{key.startsWith("shell.") ? t(key) : key}</kbd>
                          </>
                        ))}
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
