/**
 * The rule builder: name, event, conditions (attribute, operator, value; AND/OR between rows) and
 * actions with their parameters. A refused save shows the API's words beside the row and field it
 * concerns. Every control's accessible name says which row it belongs to.
 */
import { useEffect, useState } from "preact/hooks";
import { accountPath, api, errorsOf, type FormErrors } from "../../core/api";
import { t } from "../../core/i18n";
import { Icon } from "../../core/icons";
import { ActionRow, errorsUnder, type Problem, RowProblems } from "../ActionRow";
import { FormActions } from "../FormActions";
import {
  ACTIONS,
  type Action,
  type AutomationEvent,
  attributesOf,
  type Condition,
  CONVERSATION_STATUSES,
  type CustomAttribute,
  customOperatorsOf,
  type Directory,
  EVENTS,
  type FilterOperator,
  loadDirectory,
  MESSAGE_TYPES,
  PRIORITIES,
  type Rule,
  type StandardAttributeChoice,
  takesValue,
} from "./model";

const firstCondition = (event: AutomationEvent): Condition => {
  const attribute = attributesOf(event)[0];
  return { attribute_key: attribute?.key ?? "", filter_operator: attribute?.operators[0] ?? "equal_to", values: [], query_operator: null };
};

export function RuleBuilder({ rule, onCancel, onSaved }: { rule: Rule | null; onCancel: () => void; onSaved: (rule: Rule) => void }) {
  const [name, setName] = useState(rule?.name ?? "");
  const [description, setDescription] = useState(rule?.description ?? "");
  const [event, setEvent] = useState<AutomationEvent>(rule?.event_name ?? "message_created");
  const [conditions, setConditions] = useState<Condition[]>(rule?.conditions ?? [firstCondition("message_created")]);
  const [actions, setActions] = useState<Action[]>(rule?.actions ?? [{ action_name: "add_label", action_params: [] }]);
  const [directory, setDirectory] = useState<Directory | null>(null);
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, message: null });
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    loadDirectory()
      .then(setDirectory)
      .catch((failure: unknown) => setErrors({ fields: {}, message: errorsOf(failure).message }));
  }, []);
  const attributes = attributesOf(event);

  const changeEvent = (next: AutomationEvent) => {
    setEvent(next);
    const allowed = attributesOf(next).map((attribute) => attribute.key);
    setConditions(
      conditions.map((condition) =>
        condition.custom_attribute_type || allowed.includes(condition.attribute_key)
          ? condition
          : { ...firstCondition(next), query_operator: condition.query_operator },
      ),
    );
  };
  /** A row's refusal goes once the row is changed. */
  const forget = (prefix: string) => {
    const fields = Object.fromEntries(Object.entries(errors.fields).filter(([field]) => !field.startsWith(prefix)));
    // The notice above the form points at marked rows; it goes with the last of them.
    const message = Object.keys(fields).length === 0 && errors.message === t("settings.automation.checkRows") ? null : errors.message;
    setErrors({ fields, message });
  };
  const setCondition = (index: number, patch: Partial<Condition>) => {
    setConditions(conditions.map((each, at) => (at === index ? { ...each, ...patch } : each)));
    forget(`conditions.${index}.`);
  };
  const setAction = (index: number, patch: Partial<Action>) => {
    setActions(actions.map((each, at) => (at === index ? { ...each, ...patch } : each)));
    forget(`actions.${index}.`);
  };

  const submit = async (submitEvent: Event) => {
    submitEvent.preventDefault();
    setBusy(true);
    const body = {
      name: name.trim(),
      description: description.trim() === "" ? null : description.trim(),
      event_name: event,
      conditions: conditions.map((condition, index) => ({
        ...condition,
        values: takesValue(condition.filter_operator) ? condition.values : [],
        query_operator: index === conditions.length - 1 ? null : (condition.query_operator ?? "AND"),
      })),
      actions,
    };
    try {
      const saved = rule
        ? (await api.patch<{ payload: Rule }>(accountPath(`/automation_rules/${rule.id}`), body)).payload
        : await api.post<Rule>(accountPath("/automation_rules"), body);
      onSaved(saved);
    } catch (failure) {
      const found = errorsOf(failure);
      setErrors(Object.keys(found.fields).length > 0 ? { fields: found.fields, message: t("settings.automation.checkRows") } : found);
    } finally {
      setBusy(false);
    }
  };

  const title = rule ? t("settings.automation.editTitle", { name: rule.name }) : t("settings.automation.newTitle");
  return (
    <form class="settings-screen rule-builder" onSubmit={submit} noValidate aria-label={title}>
      <div class="settings-head">
        <h1 class="page-title">{title}</h1>
      </div>
      {errors.message && (
        <div class="notice notice-error" role="alert">
          <p>{errors.message}</p>
        </div>
      )}
      <fieldset class="builder-section">
        <legend>{t("settings.automation.about")}</legend>
        <div class="field">
          <label for="rule-name">{t("settings.automation.name")}</label>
          <input
            id="rule-name"
            value={name}
            aria-invalid={errors.fields.name ? "true" : undefined}
            aria-describedby={errors.fields.name ? "rule-name-error" : undefined}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          {errors.fields.name && (
            <span id="rule-name-error" class="field-error">
              {errors.fields.name}
            </span>
          )}
        </div>
        <div class="field">
          <label for="rule-description">
            {t("settings.automation.description")} <span class="muted">{t("settings.optional")}</span>
          </label>
          <textarea id="rule-description" rows={2} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="rule-event">{t("settings.automation.event")}</label>
          <select id="rule-event" class="select" value={event} onChange={(e) => changeEvent(e.currentTarget.value as AutomationEvent)}>
            {EVENTS.map((each) => (
              <option key={each} value={each}>
                {t(`settings.automation.events.${each}`)}
              </option>
            ))}
          </select>
        </div>
      </fieldset>

      <fieldset class="builder-section">
        <legend>{t("settings.automation.conditions")}</legend>
        <ol class="rule-rows">
          {conditions.map((condition, index) => (
            <ConditionRow
              key={index}
              index={index}
              condition={condition}
              attributes={attributes}
              directory={directory}
              last={index === conditions.length - 1}
              only={conditions.length === 1}
              problems={errorsUnder(errors, `conditions.${index}.`)}
              onChange={(patch) => setCondition(index, patch)}
              onRemove={() => setConditions(conditions.filter((_, at) => at !== index))}
            />
          ))}
        </ol>
        <button
          type="button"
          class="button"
          onClick={() => setConditions([...conditions.map((each) => ({ ...each, query_operator: each.query_operator ?? "AND" })), firstCondition(event)])}
        >
          <Icon name="plus" /> {t("settings.automation.addCondition")}
        </button>
      </fieldset>

      <fieldset class="builder-section">
        <legend>{t("settings.automation.actionsTitle")}</legend>
        <ol class="rule-rows">
          {actions.map((action, index) => (
            <ActionRow
              key={index}
              index={index}
              action={action}
              choices={ACTIONS}
              directory={directory}
              only={actions.length === 1}
              problems={errorsUnder(errors, `actions.${index}.`)}
              onChange={(patch) => setAction(index, patch)}
              onRemove={() => setActions(actions.filter((_, at) => at !== index))}
            />
          ))}
        </ol>
        <button type="button" class="button" onClick={() => setActions([...actions, { action_name: "add_label", action_params: [] }])}>
          <Icon name="plus" /> {t("settings.automation.addAction")}
        </button>
      </fieldset>

      <FormActions submit={t("settings.automation.save")} busy={busy} onCancel={onCancel} />
    </form>
  );
}

function ConditionRow(props: {
  index: number;
  condition: Condition;
  attributes: StandardAttributeChoice[];
  directory: Directory | null;
  last: boolean;
  only: boolean;
  problems: Problem[];
  onChange: (patch: Partial<Condition>) => void;
  onRemove: () => void;
}) {
  const { index, condition, attributes, directory, last, only, problems, onChange, onRemove } = props;
  const number = index + 1;
  const row = t("settings.automation.conditionRow", { number });
  const custom = condition.custom_attribute_type
    ? directory?.customAttributes.find((each) => each.key === condition.attribute_key && each.model === condition.custom_attribute_type)
    : undefined;
  const attribute = custom ? undefined : (attributes.find((each) => each.key === condition.attribute_key) ?? attributes[0]);
  const operators = custom ? customOperatorsOf(custom.displayType) : (attribute?.operators ?? []);
  const customValue = (each: CustomAttribute) => `custom:${each.model}:${each.key}`;
  const errorId = `condition-${index}-errors`;
  const invalid = (field: string) => (problems.some((problem) => problem.field.startsWith(field)) ? "true" : undefined);
  const describedBy = problems.length > 0 ? errorId : undefined;
  return (
    <li class="rule-row">
      <div class="rule-row-fields">
        <span class="rule-row-number" aria-hidden="true">
          {number}
        </span>
        <select
          class="select"
          aria-label={t("settings.automation.conditionAttribute", { number })}
          aria-invalid={invalid("attribute_key")}
          aria-describedby={describedBy}
          value={custom ? customValue(custom) : condition.attribute_key}
          onChange={(e) => {
            const chosen = e.currentTarget.value;
            const nextCustom = directory?.customAttributes.find((each) => customValue(each) === chosen);
            if (nextCustom) {
              onChange({
                attribute_key: nextCustom.key,
                custom_attribute_type: nextCustom.model,
                filter_operator: customOperatorsOf(nextCustom.displayType)[0] ?? "equal_to",
                values: [],
              });
              return;
            }
            const next = attributes.find((each) => each.key === chosen);
            onChange({ attribute_key: chosen, custom_attribute_type: undefined, filter_operator: next?.operators[0] ?? "equal_to", values: [] });
          }}
        >
          {attributes.map((each) => (
            <option key={each.key} value={each.key}>
              {t(`settings.automation.attributes.${each.key}`)}
            </option>
          ))}
          {(directory?.customAttributes ?? []).length > 0 && (
            <optgroup label={t("settings.automation.customAttributes")}>
              {(directory?.customAttributes ?? []).map((each) => (
                <option key={customValue(each)} value={customValue(each)}>
                  {t(`settings.automation.customAttribute.${each.model}`, { name: each.name })}
                </option>
              ))}
            </optgroup>
          )}
        </select>
        <select
          class="select"
          aria-label={t("settings.automation.conditionOperator", { number })}
          aria-invalid={invalid("filter_operator")}
          aria-describedby={describedBy}
          value={condition.filter_operator}
          onChange={(e) => onChange({ filter_operator: e.currentTarget.value as FilterOperator })}
        >
          {operators.map((operator) => (
            <option key={operator} value={operator}>
              {t(`settings.automation.operators.${operator}`)}
            </option>
          ))}
        </select>
        {custom && takesValue(condition.filter_operator) && (
          <CustomValueInput
            label={t("settings.automation.conditionValue", { number })}
            attribute={custom}
            operator={condition.filter_operator}
            values={condition.values}
            invalid={invalid("values")}
            describedBy={describedBy}
            onChange={(values) => onChange({ values })}
          />
        )}
        {attribute && takesValue(condition.filter_operator) && (
          <ValueInput
            label={t("settings.automation.conditionValue", { number })}
            kind={attribute.values}
            attributeKey={attribute.key}
            values={condition.values}
            directory={directory}
            invalid={invalid("values")}
            describedBy={describedBy}
            onChange={(values) => onChange({ values })}
          />
        )}
        {!only && (
          <button type="button" class="button button-small" onClick={onRemove}>
            <Icon name="x" />
            <span class="visually-hidden">{t("settings.automation.removeCondition", { number })}</span>
          </button>
        )}
      </div>
      <RowProblems id={errorId} label={row} problems={problems} />
      {!last && (
        <div class="rule-join">
          <select
            class="select input-compact"
            aria-label={t("settings.automation.join", { number, next: number + 1 })}
            value={condition.query_operator ?? "AND"}
            onChange={(e) => onChange({ query_operator: e.currentTarget.value === "OR" ? "OR" : "AND" })}
          >
            <option value="AND">{t("settings.automation.and")}</option>
            <option value="OR">{t("settings.automation.or")}</option>
          </select>
        </div>
      )}
    </li>
  );
}

/** A condition's value: a list to pick from when the attribute has one, else text. */
function ValueInput(props: {
  label: string;
  kind: StandardAttributeChoice["values"];
  attributeKey: string;
  values: Condition["values"];
  directory: Directory | null;
  invalid: "true" | undefined;
  describedBy: string | undefined;
  onChange: (values: Condition["values"]) => void;
}) {
  const { label, kind, attributeKey, values, directory, invalid, describedBy, onChange } = props;
  const current = values[0] === undefined || values[0] === null ? "" : String(values[0]);
  let options: { value: string; label: string }[] | null = null;
  if (kind === "status") options = CONVERSATION_STATUSES.map((value) => ({ value, label: t(`settings.automation.statuses.${value}`) }));
  if (kind === "priority")
    options = [
      ...PRIORITIES.map((value) => ({ value, label: t(`settings.automation.priorities.${value}`) })),
      { value: "nil", label: t("settings.automation.priorities.nil") },
    ];
  if (kind === "message_type") options = MESSAGE_TYPES.map((value) => ({ value, label: t(`settings.automation.messageTypes.${value}`) }));
  if (kind === "label") options = (directory?.labels ?? []).map((value) => ({ value, label: value }));
  if (kind === "id") {
    const named = attributeKey === "inbox_id" ? directory?.inboxes : attributeKey === "assignee_id" ? directory?.agents : directory?.teams;
    options = (named ?? []).map((each) => ({ value: String(each.id), label: each.name }));
  }
  if (options) {
    return (
      <select
        class="select"
        aria-label={label}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        value={current}
        onChange={(e) => onChange(e.currentTarget.value === "" ? [] : [kind === "id" ? Number(e.currentTarget.value) : e.currentTarget.value])}
      >
        <option value="">{t("settings.automation.choose")}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input
      class="input-compact"
      aria-label={label}
      aria-invalid={invalid}
      aria-describedby={describedBy}
      value={values.map((value) => String(value ?? "")).join(", ")}
      placeholder={t("settings.automation.valuesHint")}
      onInput={(e) =>
        onChange(
          e.currentTarget.value
            .split(",")
            .map((value) => value.trim())
            .filter((value) => value !== ""),
        )
      }
    />
  );
}

/** A custom attribute's value: its list's values, yes or no, a date, a number, or text. */
function CustomValueInput(props: {
  label: string;
  attribute: CustomAttribute;
  operator: FilterOperator;
  values: Condition["values"];
  invalid: "true" | undefined;
  describedBy: string | undefined;
  onChange: (values: Condition["values"]) => void;
}) {
  const { label, attribute, operator, values, invalid, describedBy, onChange } = props;
  const current = values[0] === undefined || values[0] === null ? "" : String(values[0]);
  const choices =
    attribute.displayType === "list"
      ? attribute.values.map((value) => ({ value, label: value }))
      : attribute.displayType === "checkbox"
        ? [
            { value: "true", label: t("settings.automation.yes") },
            { value: "false", label: t("settings.automation.no") },
          ]
        : null;
  if (choices) {
    return (
      <select
        class="select"
        aria-label={label}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        value={current}
        onChange={(e) =>
          onChange(e.currentTarget.value === "" ? [] : [attribute.displayType === "checkbox" ? e.currentTarget.value === "true" : e.currentTarget.value])
        }
      >
        <option value="">{t("settings.automation.choose")}</option>
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    );
  }
  const numeric = ["number", "currency", "percent"].includes(attribute.displayType) || operator === "days_before";
  const type = operator === "days_before" ? "number" : attribute.displayType === "date" ? "date" : numeric ? "number" : "text";
  return (
    <input
      class="input-compact"
      type={type}
      aria-label={label}
      aria-invalid={invalid}
      aria-describedby={describedBy}
      value={current}
      onInput={(e) => {
        const value = e.currentTarget.value.trim();
        onChange(value === "" ? [] : [numeric ? Number(value) : value]);
      }}
    />
  );
}
