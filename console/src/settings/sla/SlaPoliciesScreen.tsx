/**
 * SLA policies: first response, next response and resolution targets with their units, and whether
 * only business hours count. A policy never changes once made (the API answers 405: conversations keep
 * the deadlines it gave them), so the screen creates, duplicates into a new policy, and deletes after a
 * confirmation. The API's refusals show beside the field they concern (a taken name beside the name).
 */
import { useEffect, useState } from "preact/hooks";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Dialog } from "../../components/Dialog";
import { accountPath, api, ApiError, errorsOf, type FormErrors, NO_ERRORS } from "../../core/api";
import { t } from "../../core/i18n";
import { fieldNote } from "../fieldNote";
import { FormActions } from "../FormActions";
import { FormNotice } from "../FormNotice";
import { ListState } from "../ListState";
import { RowButton } from "../RowButton";
import { SettingsHead } from "../SettingsHead";
import { useList } from "../useList";

export type SlaPolicy = {
  id: number;
  name: string;
  description: string | null;
  first_response_time_threshold: number | null;
  next_response_time_threshold: number | null;
  resolution_time_threshold: number | null;
  only_during_business_hours: boolean;
};

const THRESHOLDS = ["first_response_time_threshold", "next_response_time_threshold", "resolution_time_threshold"] as const;
type Threshold = (typeof THRESHOLDS)[number];
const UNITS = { minutes: 60, hours: 3600, days: 86_400 } as const;
type Unit = keyof typeof UNITS;
type Target = { amount: string; unit: Unit };
type Draft = { name: string; description: string; targets: Record<Threshold, Target>; businessHours: boolean };

/** Seconds as the largest unit that divides them: 7200 → 2 hours. */
function targetOf(seconds: number | null): Target {
  if (seconds === null) return { amount: "", unit: "minutes" };
  const unit = (["days", "hours", "minutes"] as const).find((each) => seconds % UNITS[each] === 0);
  return unit ? { amount: String(seconds / UNITS[unit]), unit } : { amount: String(seconds / 60), unit: "minutes" };
}

/** A threshold in words: "2 hours", "No target". */
function durationOf(seconds: number | null): string {
  if (seconds === null) return t("settingsSla.none");
  const unit = (["days", "hours", "minutes"] as const).find((each) => seconds % UNITS[each] === 0);
  return unit ? t(`settingsSla.duration.${unit}`, { count: seconds / UNITS[unit] }) : t("settingsSla.duration.seconds", { count: seconds });
}

const emptyDraft = (): Draft => ({
  name: "",
  description: "",
  targets: {
    first_response_time_threshold: { amount: "", unit: "minutes" },
    next_response_time_threshold: { amount: "", unit: "minutes" },
    resolution_time_threshold: { amount: "", unit: "hours" },
  },
  businessHours: false,
});

export function SlaPoliciesScreen() {
  const { items, error, reload } = useList(async () => (await api.get<{ payload: SlaPolicy[] }>(accountPath("/sla_policies"))).payload);
  const [creating, setCreating] = useState<Draft | null>(null);
  const [deleting, setDeleting] = useState<SlaPolicy | null>(null);
  const [announce, setAnnounce] = useState("");
  useEffect(() => {
    document.title = `${t("settingsSla.title")} · ${t("common.appName")}`;
  }, []);
  return (
    <div class="settings-screen">
      <SettingsHead title={t("settingsSla.title")} lead={t("settingsSla.lead")} add={{ label: t("settingsSla.add"), onAdd: () => setCreating(emptyDraft()) }} />
      <ListState
        items={items}
        error={error && t("settings.loadFailed", { message: error })}
        announce={announce}
        label={t("settingsSla.title")}
        empty={t("settingsSla.empty")}
        columns={[
          t("settingsSla.columns.name"),
          t("settingsSla.columns.first"),
          t("settingsSla.columns.next"),
          t("settingsSla.columns.resolution"),
          t("settingsSla.columns.hours"),
          t("settingsSla.columns.actions"),
        ]}
      >
        {(rows) =>
          rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">
                {row.name}
                {row.description && <span class="muted sla-description">{row.description}</span>}
              </th>
              {THRESHOLDS.map((threshold) => (
                <td key={threshold}>{durationOf(row[threshold])}</td>
              ))}
              <td>{row.only_during_business_hours ? t("settingsSla.businessHours") : t("settingsSla.allHours")}</td>
              <td>
                <span class="row-actions">
                  <RowButton
                    label={t("settingsSla.duplicate")}
                    row={row.name}
                    onClick={() =>
                      setCreating({
                        name: t("settingsSla.copyName", { name: row.name }),
                        description: row.description ?? "",
                        targets: {
                          first_response_time_threshold: targetOf(row.first_response_time_threshold),
                          next_response_time_threshold: targetOf(row.next_response_time_threshold),
                          resolution_time_threshold: targetOf(row.resolution_time_threshold),
                        },
                        businessHours: row.only_during_business_hours,
                      })
                    }
                  />
                  <RowButton label={t("settingsSla.delete")} row={row.name} danger onClick={() => setDeleting(row)} />
                </span>
              </td>
            </tr>
          ))
        }
      </ListState>
      {creating && (
        <SlaDialog
          initial={creating}
          onClose={() => setCreating(null)}
          onCreated={(policy) => {
            setCreating(null);
            setAnnounce(t("settingsSla.created", { name: policy.name }));
            void reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t("settingsSla.confirmDeleteTitle")}
          description={t("settingsSla.confirmDelete", { name: deleting.name })}
          confirmLabel={t("settingsSla.deleteConfirm", { name: deleting.name })}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await api.del(accountPath(`/sla_policies/${deleting.id}`));
            setAnnounce(t("settingsSla.deleted", { name: deleting.name }));
            setDeleting(null);
            void reload();
          }}
        />
      )}
    </div>
  );
}

function SlaDialog({ initial, onClose, onCreated }: { initial: Draft; onClose: () => void; onCreated: (policy: SlaPolicy) => void }) {
  const [draft, setDraft] = useState<Draft>(initial);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const forget = (field: string) => {
    if (errors.fields[field])
      setErrors((current) => ({ ...current, fields: Object.fromEntries(Object.entries(current.fields).filter(([name]) => name !== field)) }));
  };
  const setTarget = (threshold: Threshold, patch: Partial<Target>) => {
    setDraft((current) => ({ ...current, targets: { ...current.targets, [threshold]: { ...current.targets[threshold], ...patch } } }));
    forget(threshold);
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const seconds = (target: Target) => (target.amount.trim() === "" ? null : Math.round(Number(target.amount) * UNITS[target.unit]));
    const body = {
      name: draft.name.trim(),
      description: draft.description.trim() === "" ? null : draft.description.trim(),
      first_response_time_threshold: seconds(draft.targets.first_response_time_threshold),
      next_response_time_threshold: seconds(draft.targets.next_response_time_threshold),
      resolution_time_threshold: seconds(draft.targets.resolution_time_threshold),
      only_during_business_hours: draft.businessHours,
    };
    try {
      onCreated((await api.post<{ payload: SlaPolicy }>(accountPath("/sla_policies"), body)).payload);
    } catch (failure) {
      // A taken name answers 409 without a field: it is the name's problem, so it is said beside the name.
      setErrors(failure instanceof ApiError && failure.status === 409 ? { fields: { name: failure.message }, message: null } : errorsOf(failure));
    } finally {
      setBusy(false);
    }
  };
  const name = fieldNote("sla", "name", errors, t("settingsSla.hints.name"));
  const description = fieldNote("sla", "description", errors, null);
  return (
    <Dialog title={t("settingsSla.add")} onClose={onClose} class="dialog-wide">
      <form class="form" onSubmit={submit} noValidate>
        <div class="field">
          <label for={name.id}>{t("settingsSla.fields.name")}</label>
          <input
            {...name.props}
            type="text"
            required
            value={draft.name}
            onInput={(event) => {
              const value = event.currentTarget.value;
              setDraft((current) => ({ ...current, name: value }));
              forget("name");
            }}
          />
          {name.note}
        </div>
        <div class="field">
          <label for={description.id}>
            {t("settingsSla.fields.description")} <span class="muted">{t("settings.optional")}</span>
          </label>
          <textarea
            {...description.props}
            rows={2}
            value={draft.description}
            onInput={(event) => {
              const value = event.currentTarget.value;
              setDraft((current) => ({ ...current, description: value }));
            }}
          />
          {description.note}
        </div>
        {THRESHOLDS.map((threshold) => {
          const field = fieldNote("sla", threshold, errors, t("settingsSla.hints.threshold"));
          const label = t(`settingsSla.fields.${threshold}`);
          return (
            <div class="field" key={threshold}>
              <label for={field.id}>{label}</label>
              <span class="sla-target">
                <input
                  {...field.props}
                  type="number"
                  min={1}
                  step="any"
                  inputMode="decimal"
                  value={draft.targets[threshold].amount}
                  onInput={(event) => setTarget(threshold, { amount: event.currentTarget.value })}
                />
                <select
                  class="select"
                  aria-label={t("settingsSla.unit", { field: label })}
                  value={draft.targets[threshold].unit}
                  onChange={(event) => setTarget(threshold, { unit: event.currentTarget.value as Unit })}
                >
                  {(Object.keys(UNITS) as Unit[]).map((unit) => (
                    <option key={unit} value={unit}>
                      {t(`settingsSla.units.${unit}`)}
                    </option>
                  ))}
                </select>
              </span>
              {field.note}
            </div>
          );
        })}
        <div class="field-inline">
          <input
            id="sla-business-hours"
            type="checkbox"
            checked={draft.businessHours}
            aria-describedby="sla-business-hours-hint"
            onChange={(event) => {
              const checked = event.currentTarget.checked;
              setDraft((current) => ({ ...current, businessHours: checked }));
            }}
          />
          <label for="sla-business-hours">{t("settingsSla.fields.only_during_business_hours")}</label>
        </div>
        <span id="sla-business-hours-hint" class="field-hint">
          {t("settingsSla.hints.only_during_business_hours")}
        </span>
        <FormNotice errors={errors} checkFields={t("settingsSla.checkFields")} />
        <FormActions submit={t("settingsSla.create")} busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
