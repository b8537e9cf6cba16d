/**
 * Inboxes: the sub-account's inboxes of every channel. Add one (AddInbox.tsx: the channel, its fields,
 * then what to paste at the provider and the members), edit one (EditInbox.tsx), delete one after a
 * confirm dialog.
 */
import { useEffect, useState } from "preact/hooks";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { accountPath, api } from "../../core/api";
import { t } from "../../core/i18n";
import { Icon } from "../../core/icons";
import { ListState } from "../ListState";
import { RowButton } from "../RowButton";
import { SettingsHead } from "../SettingsHead";
import { useList } from "../useList";
import { AddInbox } from "./AddInbox";
import { EditInbox } from "./EditInbox";
import { type Agent, addressOf, CHANNELS, type Inbox, kindOf, verifiesIdentity } from "./model";

export function InboxesScreen() {
  const [agents, setAgents] = useState<Agent[]>([]);
  const {
    items: inboxes,
    error,
    reload: load,
  } = useList(async () => {
    const [list, people] = await Promise.all([api.get<{ payload: Inbox[] }>(accountPath("/inboxes")), api.get<Agent[]>(accountPath("/agents"))]);
    setAgents([...people].sort((a, b) => a.name.localeCompare(b.name)));
    return [...list.payload].sort((a, b) => a.name.localeCompare(b.name));
  });
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Inbox | null>(null);
  const [deleting, setDeleting] = useState<Inbox | null>(null);
  const [announce, setAnnounce] = useState("");
  useEffect(() => {
    document.title = `${t("settings.inboxes.title")} · ${t("common.appName")}`;
  }, []);
  return (
    <div class="settings-screen">
      <SettingsHead
        title={t("settings.inboxes.title")}
        lead={t("settingsInboxes.lead")}
        add={{ label: t("settingsInboxes.add"), onAdd: () => setCreating(true) }}
      />
      <ListState
        items={inboxes}
        error={error && t("settings.loadFailed", { message: error })}
        announce={announce}
        label={t("settings.inboxes.title")}
        empty={t("settingsInboxes.empty")}
        columns={[t("settingsInboxes.fields.name"), t("settingsInboxes.type"), t("settingsInboxes.verification"), t("settingsInboxes.actions")]}
      >
        {(inboxes) =>
          inboxes.map((inbox) => {
            const kind = kindOf(inbox);
            return (
              <tr key={inbox.id}>
                <th scope="row">
                  {inbox.name}
                  <span class="muted block team-description">{addressOf(inbox)}</span>
                </th>
                <td>
                  <span class="inbox-kind">
                    <Icon name={CHANNELS.find((channel) => channel.kind === kind)?.icon ?? "inbox"} />
                    {t(`settingsInboxes.types.${kind}`)}
                  </span>
                </td>
                <td>
                  {!verifiesIdentity(kind)
                    ? t("settingsInboxes.notApplicable")
                    : inbox.hmac_mandatory
                      ? t("settingsInboxes.verified")
                      : t("settingsInboxes.notRequired")}
                </td>
                <td>
                  <span class="row-actions">
                    <RowButton label={t("settingsInboxes.edit")} row={inbox.name} onClick={() => setEditing(inbox)} />
                    <RowButton label={t("settingsInboxes.delete")} row={inbox.name} danger onClick={() => setDeleting(inbox)} />
                  </span>
                </td>
              </tr>
            );
          })
        }
      </ListState>
      {creating && (
        <AddInbox
          agents={agents}
          onClose={() => setCreating(false)}
          onCreated={(inbox) => {
            setAnnounce(t("settingsInboxes.created", { name: inbox.name }));
            void load();
          }}
          onFinished={(inbox) => {
            setCreating(false);
            setAnnounce(t("settingsInboxes.saved", { name: inbox.name }));
          }}
          onMoreSettings={(inbox) => {
            setCreating(false);
            setEditing(inbox);
          }}
        />
      )}
      {editing && (
        <EditInbox
          inbox={editing}
          agents={agents}
          onClose={() => setEditing(null)}
          onSaved={(name) => {
            setEditing(null);
            setAnnounce(t("settingsInboxes.saved", { name }));
            void load();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t("settingsInboxes.confirmDeleteTitle")}
          description={t("settingsInboxes.confirmDelete", { name: deleting.name })}
          confirmLabel={t("settingsInboxes.deleteConfirm", { name: deleting.name })}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await api.del(accountPath(`/inboxes/${deleting.id}`));
            setAnnounce(t("settingsInboxes.deleted", { name: deleting.name }));
            setDeleting(null);
            void load();
          }}
        />
      )}
    </div>
  );
}
