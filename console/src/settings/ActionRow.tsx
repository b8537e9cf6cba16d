/**
 * One row of an action list (automation rules and macros): the action, then the editor its kind of
 * parameter needs (an agent, a team, labels, a text...), the row's number in every control's name, and
 * the API's refusal of the row in words beneath it.
 */
import type { ComponentChildren } from "preact";
import type { FormErrors } from "../core/api";
import { t } from "../core/i18n";
import { Icon } from "../core/icons";
import { type Action, type Directory, type ParamKind, PRIORITIES } from "./automation/model";

/** "custom": the list's own editor draws the parameters (`customParams`), e.g. a macro's files. */
export type ActionChoice = { name: string; params: ParamKind | "custom" };

/** What a list's own parameter editor gets: the row's action and the wiring its controls share. */
export type CustomParams = {
  action: Action;
  label: string;
  describedBy: string | undefined;
  invalid: "true" | undefined;
  onChange: (patch: Partial<Action>) => void;
};

/** The field errors under `prefix` (such as "conditions.0."), in words. */
export const errorsUnder = (errors: FormErrors, prefix: string) =>
  Object.entries(errors.fields)
    .filter(([field]) => field === prefix.slice(0, -1) || field.startsWith(prefix))
    .map(([field, message]) => ({ field: field.slice(prefix.length), message }));

export type Problem = { field: string; message: string };

export function RowProblems({ id, label, problems }: { id: string; label: string; problems: Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul id={id} class="field-error rule-row-errors">
      {problems.map((problem) => (
        <li key={problem.field}>
          {label}
          {problem.field ? ` (${t(`settings.automation.fields.${problem.field.split(".")[0]}`)})` : ""}: {problem.message}
        </li>
      ))}
    </ul>
  );
}

export function ActionRow(props: {
  index: number;
  action: Action;
  /** The actions this list may hold (automation rules and macros differ), with their kind of parameter. */
  choices: readonly ActionChoice[];
  /** An action's name in words. */
  actionLabel?: (name: string) => string;
  /** Choices of assign_agent besides the agents, e.g. "nil" (unassign) and, for macros, "self". */
  agentChoices?: { value: string; label: string }[];
  directory: Directory | null;
  only: boolean;
  /** The editor of a "custom" action's parameters. */
  customParams?: (params: CustomParams) => ComponentChildren;
  /** Controls of the row's own before its remove button (a macro's move up and down). */
  extra?: ComponentChildren;
  problems: Problem[];
  onChange: (patch: Partial<Action>) => void;
  onRemove: () => void;
}) {
  const { index, action, choices, directory, only, problems, onChange, onRemove } = props;
  const actionLabel = props.actionLabel ?? ((name: string) => t(`settings.automation.actions.${name}`));
  const number = index + 1;
  const kind = choices.find((each) => each.name === action.action_name)?.params ?? "none";
  const errorId = `action-${index}-errors`;
  const describedBy = problems.length > 0 ? errorId : undefined;
  const invalid = problems.some((problem) => problem.field.startsWith("action_params")) ? "true" : undefined;
  const paramLabel = t("settings.automation.actionParam", { number });
  const first = action.action_params[0];
  const pick = (named: { id: number; name: string }[], extra: { value: string; label: string }[] = []) => (
    <select
      class="select"
      aria-label={paramLabel}
      aria-invalid={invalid}
      aria-describedby={describedBy}
      value={first === undefined ? "" : String(first)}
      onChange={(e) => {
        const value = e.currentTarget.value;
        onChange({ action_params: value === "" ? [] : [/^\d+$/.test(value) ? Number(value) : value] });
      }}
    >
      <option value="">{t("settings.automation.choose")}</option>
      {extra.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
      {named.map((each) => (
        <option key={each.id} value={String(each.id)}>
          {each.name}
        </option>
      ))}
    </select>
  );
  let editor = null;
  switch (kind) {
    case "agent":
      editor = pick(directory?.agents ?? [], props.agentChoices ?? [{ value: "nil", label: t("settings.automation.unassign") }]);
      break;
    case "team":
      editor = pick(directory?.teams ?? []);
      break;
    case "sla":
      editor = pick(directory?.slaPolicies ?? []);
      break;
    case "priority":
      editor = (
        <select
          class="select"
          aria-label={paramLabel}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          value={first === null || first === undefined ? "nil" : String(first)}
          onChange={(e) => onChange({ action_params: [e.currentTarget.value === "nil" ? null : e.currentTarget.value] })}
        >
          {PRIORITIES.map((value) => (
            <option key={value} value={value}>
              {t(`settings.automation.priorities.${value}`)}
            </option>
          ))}
          <option value="nil">{t("settings.automation.priorities.nil")}</option>
        </select>
      );
      break;
    case "labels":
      editor = (
        <fieldset class="rule-labels" aria-describedby={describedBy}>
          <legend class="visually-hidden">{paramLabel}</legend>
          {(directory?.labels ?? []).length === 0 && <span class="muted">{t("settings.automation.noLabels")}</span>}
          {(directory?.labels ?? []).map((label) => (
            <span class="field-inline" key={label}>
              <input
                type="checkbox"
                id={`action-${index}-label-${label}`}
                checked={action.action_params.includes(label)}
                onChange={(e) =>
                  onChange({
                    action_params: e.currentTarget.checked ? [...action.action_params, label] : action.action_params.filter((each) => each !== label),
                  })
                }
              />
              <label for={`action-${index}-label-${label}`}>
                {label}
                <span class="visually-hidden"> ({paramLabel})</span>
              </label>
            </span>
          ))}
        </fieldset>
      );
      break;
    case "text":
      editor = (
        <textarea
          class="rule-message"
          rows={2}
          aria-label={paramLabel}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          value={typeof first === "string" ? first : ""}
          onInput={(e) => onChange({ action_params: [e.currentTarget.value] })}
        />
      );
      break;
    case "url":
    case "emails":
      editor = (
        <input
          class="input-compact rule-wide"
          type={kind === "url" ? "url" : "text"}
          aria-label={paramLabel}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          placeholder={t(`settings.automation.placeholders.${kind}`)}
          value={typeof first === "string" ? first : ""}
          onInput={(e) => onChange({ action_params: [e.currentTarget.value] })}
        />
      );
      break;
    case "team_message": {
      const params = (typeof first === "object" && first !== null ? first : { team_ids: [], message: "" }) as { team_ids: number[]; message: string };
      editor = (
        <span class="rule-team-message">
          <select
            class="select"
            aria-label={t("settings.automation.actionTeam", { number })}
            value={params.team_ids[0] === undefined ? "" : String(params.team_ids[0])}
            onChange={(e) => onChange({ action_params: [{ ...params, team_ids: e.currentTarget.value === "" ? [] : [Number(e.currentTarget.value)] }] })}
          >
            <option value="">{t("settings.automation.choose")}</option>
            {(directory?.teams ?? []).map((team) => (
              <option key={team.id} value={String(team.id)}>
                {team.name}
              </option>
            ))}
          </select>
          <textarea
            rows={2}
            aria-label={paramLabel}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            value={params.message}
            onInput={(e) => onChange({ action_params: [{ ...params, message: e.currentTarget.value }] })}
          />
        </span>
      );
      break;
    }
    case "custom":
      editor = props.customParams?.({ action, label: paramLabel, describedBy, invalid, onChange }) ?? null;
      break;
    case "none":
      editor = null;
  }
  return (
    <li class="rule-row">
      <div class="rule-row-fields">
        <span class="rule-row-number" aria-hidden="true">
          {number}
        </span>
        <select
          class="select"
          aria-label={t("settings.automation.actionName", { number })}
          aria-invalid={problems.some((problem) => problem.field === "action_name" || problem.field === "") ? "true" : undefined}
          aria-describedby={describedBy}
          value={action.action_name}
          onChange={(e) => onChange({ action_name: e.currentTarget.value, action_params: [] })}
        >
          {choices.map((each) => (
            <option key={each.name} value={each.name}>
              {actionLabel(each.name)}
            </option>
          ))}
        </select>
        {editor}
        {props.extra}
        {!only && (
          <button type="button" class="button button-small" onClick={onRemove}>
            <Icon name="x" />
            <span class="visually-hidden">{t("settings.automation.removeAction", { number })}</span>
          </button>
        )}
      </div>
      <RowProblems id={errorId} label={t("settings.automation.actionRow", { number })} problems={problems} />
    </li>
  );
}
