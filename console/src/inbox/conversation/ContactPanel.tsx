/**
 * The contact panel beside the messages: who the contact is (and whether the widget verified
 * them), their custom attributes and labels, the conversation's attributes, the page and browser
 * the widget reported, and their previous conversations.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useId, useState } from "preact/hooks";
import { accountPath, api } from "../../core/api";
import { formatDateTime, formatShortTime, t } from "../../core/i18n";
import { contactName } from "../../core/names";
import { Icon } from "../../core/icons";
import { Link } from "../../core/router";
import { accountId } from "../../core/session";
import { errorText } from "./errors";
import { attributeDefinitions, labels } from "./lookups";
import { MenuButton } from "./MenuButton";
import type { ConversationStore } from "./store";
import { webUrl } from "../../../../src/domain/web-url";
import type { AttributeDefinition, Contact, Conversation, Item } from "./types";

type Value = string | number | boolean | null;

function Section({ title, children, action }: { title: string; children: ComponentChildren; action?: ComponentChildren }) {
  return (
    <section class="cv-section">
      <div class="cv-section-head">
        <h3>{title}</h3>
        {action}
      </div>
      {children}
    </section>
  );
}

function shown(value: unknown, type: AttributeDefinition["attribute_display_type"] | undefined) {
  if (value === null || value === undefined || value === "") return <span class="cv-hint">{t("conversation.contact.empty")}</span>;
  if (type === "checkbox" || typeof value === "boolean") return value === true || value === "true" ? t("common.yes") : t("common.no");
  if (type === "link")
    return (
      <a href={webUrl(value) ?? undefined} target="_blank" rel="noopener noreferrer">
        {String(value)}
      </a>
    );
  if (type === "date" && !Number.isNaN(Date.parse(String(value)))) return formatDateTime(String(value));
  return String(value);
}

/** One attribute, shown; Edit turns it into a field that saves on Enter (Escape cancels). */
function Attribute({
  name,
  type,
  options,
  value,
  save,
}: {
  name: string;
  type?: AttributeDefinition["attribute_display_type"];
  options?: string[];
  value: unknown;
  save: (value: Value) => Promise<string | null>;
}) {
  const id = useId();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function commit(next: Value) {
    setBusy(true);
    const problem = await save(next);
    setBusy(false);
    setError(problem);
    if (!problem) setEditing(false);
  }

  function parse(text: string): Value {
    if (text.trim() === "") return null;
    if (type === "number" || type === "currency" || type === "percent") return Number.isNaN(Number(text)) ? text : Number(text);
    return text;
  }

  if (type === "checkbox") {
    return (
      <div class="cv-attr">
        <dt>
          <label for={id}>{name}</label>
        </dt>
        <dd>
          <input id={id} type="checkbox" checked={value === true || value === "true"} disabled={busy} onChange={(e) => void commit(e.currentTarget.checked)} />
          {error && (
            <p class="cv-problem" role="alert">
              {error}
            </p>
          )}
        </dd>
      </div>
    );
  }

  return (
    <div class="cv-attr">
      <dt>{editing ? <label for={id}>{name}</label> : name}</dt>
      <dd>
        {editing ? (
          <form
            class="cv-attr-form"
            onSubmit={(event) => {
              event.preventDefault();
              void commit(parse(draft));
            }}
            onKeyDown={(event) => {
              if (event.key === "Escape") {
                event.preventDefault();
                setEditing(false);
                setError(null);
              }
            }}
          >
            {type === "list" ? (
              <select id={id} value={draft} onChange={(e) => setDraft(e.currentTarget.value)}>
                <option value="">{t("common.none")}</option>
                {(options ?? []).map((option) => (
                  <option key={option} value={option}>
                    {option}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                ref={(el) => el?.focus()}
                type={type === "number" || type === "currency" || type === "percent" ? "number" : type === "link" ? "url" : type === "date" ? "date" : "text"}
                step="any"
                value={draft}
                onInput={(e) => setDraft(e.currentTarget.value)}
              />
            )}
            <button type="submit" class="cv-btn cv-primary" disabled={busy}>
              {busy ? t("common.saving") : t("common.save")}
            </button>
            <button type="button" class="cv-btn cv-quiet" onClick={() => (setEditing(false), setError(null))}>
              {t("common.cancel")}
            </button>
          </form>
        ) : (
          <>
            <span class="cv-attr-value">{shown(value, type)}</span>
            <button
              type="button"
              class="cv-icon-btn"
              aria-label={t("conversation.contact.edit", { name })}
              onClick={() => {
                setDraft(value === null || value === undefined ? "" : String(value));
                setEditing(true);
              }}
            >
              <Icon name="edit" size={14} />
            </button>
          </>
        )}
        {error && (
          <p class="cv-problem" role="alert">
            {error}
          </p>
        )}
      </dd>
    </div>
  );
}

/** Attributes by their definitions, then any other keys the record carries. */
function Attributes({
  definitions,
  values,
  save,
}: {
  definitions: AttributeDefinition[] | null;
  values: Item;
  save: (key: string, value: Value) => Promise<string | null>;
}) {
  if (definitions === null) return <p class="cv-hint">{t("conversation.menu.loading")}</p>;
  const defined = definitions;
  const keys = new Set(defined.map((d) => d.attribute_key));
  const others = Object.keys(values).filter((key) => !keys.has(key));
  if (defined.length === 0 && others.length === 0) return <p class="cv-hint">{t("conversation.contact.no_attributes")}</p>;
  return (
    <dl class="cv-attrs">
      {defined.map((d) => (
        <Attribute
          key={d.attribute_key}
          name={d.attribute_display_name}
          type={d.attribute_display_type}
          options={d.attribute_values}
          value={values[d.attribute_key]}
          save={(v) => save(d.attribute_key, v)}
        />
      ))}
      {others.map((key) => (
        <Attribute key={key} name={key} value={values[key]} save={(v) => save(key, v)} />
      ))}
    </dl>
  );
}

/** What the widget reported about the visitor's page and browser (the conversation's additional_attributes). */
function Visit({ about }: { about: Item }) {
  const browser = (about.browser ?? {}) as Item;
  const initiated = (about.initiated_at as { timestamp?: string } | undefined)?.timestamp;
  const rows: [string, ComponentChildren][] = [];
  if (typeof about.referer === "string" && about.referer)
    rows.push([
      t("conversation.visit.page"),
      <a href={webUrl(about.referer) ?? undefined} target="_blank" rel="noopener noreferrer">
        {about.referer}
      </a>,
    ]);
  if (initiated) rows.push([t("conversation.visit.started"), formatDateTime(initiated)]);
  const browserName = [browser.browser_name, browser.browser_version].filter(Boolean).join(" ");
  if (browserName) rows.push([t("conversation.visit.browser"), browserName]);
  const platform = [browser.platform_name, browser.platform_version].filter(Boolean).join(" ");
  if (platform) rows.push([t("conversation.visit.platform"), platform]);
  if (typeof about.browser_language === "string" && about.browser_language && about.browser_language !== "*")
    rows.push([t("conversation.visit.language"), about.browser_language]);
  if (typeof about.widget_type === "string") rows.push([t("conversation.visit.widget"), about.widget_type.replace(/_/g, " ")]);
  if (rows.length === 0) return <p class="cv-hint">{t("conversation.visit.none")}</p>;
  return (
    <dl class="cv-attrs">
      {rows.map(([name, value]) => (
        <div class="cv-attr" key={name}>
          <dt>{name}</dt>
          <dd class="cv-break">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function ContactLabels({ contact }: { contact: Contact }) {
  const [list, setList] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const all = labels();
  const path = accountPath(`/contacts/${contact.id}/labels`);

  useEffect(() => {
    api
      .get<{ payload: string[] }>(path)
      .then((answer) => setList(answer.payload))
      .catch((e: unknown) => setError(errorText(e)));
  }, [contact.id]);

  async function toggle(title: string) {
    const current = list ?? [];
    try {
      const answer = await api.post<{ payload: string[] }>(path, {
        labels: current.includes(title) ? current.filter((l) => l !== title) : [...current, title],
      });
      setList(answer.payload);
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  }

  const items = (all.data.value ?? []).map((label) => ({
    key: label.title,
    label: label.title,
    kind: "checkbox" as const,
    checked: list?.includes(label.title) ?? false,
    keepOpen: true,
    onSelect: () => void toggle(label.title),
  }));

  return (
    <Section
      title={t("conversation.contact.labels")}
      action={
        <MenuButton
          label={t("conversation.contact.edit_labels")}
          items={items}
          status={
            all.error.value
              ? t("conversation.menu.failed", { reason: all.error.value })
              : all.data.value === null
                ? t("conversation.menu.loading")
                : items.length === 0
                  ? t("conversation.labels.empty")
                  : null
          }
          onOpen={() => void all.load(true)}
          align="end"
        >
          <Icon name="tag" size={14} />
        </MenuButton>
      }
    >
      {error && (
        <p class="cv-problem" role="alert">
          {error}
        </p>
      )}
      {list && list.length === 0 && <p class="cv-hint">{t("conversation.contact.no_labels")}</p>}
      {list && list.length > 0 && (
        <ul class="cv-labels">
          {list.map((title) => (
            <li key={title} class="cv-label">
              {title}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function PreviousConversations({ contact, currentId }: { contact: Contact; currentId: number }) {
  const [list, setList] = useState<(Conversation & { messages?: { content: string | null }[]; last_activity_at?: number })[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .get<{ payload: NonNullable<typeof list> }>(accountPath(`/contacts/${contact.id}/conversations`))
      .then((answer) => setList(answer.payload.filter((c) => c.id !== currentId)))
      .catch((e: unknown) => setError(errorText(e)));
  }, [contact.id, currentId]);
  return (
    <Section title={t("conversation.contact.previous")}>
      {error && (
        <p class="cv-problem" role="alert">
          {error}
        </p>
      )}
      {!list && !error && <p class="cv-hint">{t("conversation.menu.loading")}</p>}
      {list && list.length === 0 && <p class="cv-hint">{t("conversation.contact.no_previous")}</p>}
      {list && list.length > 0 && (
        <ul class="cv-previous">
          {list.map((c) => (
            <li key={c.id}>
              <Link href={`/app/accounts/${accountId.value ?? 0}/conversations/${c.id}`}>
                <span>
                  #{c.id} · {t(`conversation.status.${c.status}`)}
                </span>
                <span class="cv-hint">{formatShortTime(c.last_activity_at ?? c.created_at)}</span>
                {c.messages?.[0]?.content && <span class="cv-excerpt">{c.messages[0].content}</span>}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

type Props = { store: ConversationStore; conversation: Conversation; id: string; onClose: () => void };

export function ContactPanel({ store, conversation, id, onClose }: Props) {
  const contact = conversation.meta.sender;
  const contactDefs = attributeDefinitions("contact_attribute");
  const conversationDefs = attributeDefinitions("conversation_attribute");

  useEffect(() => {
    void contactDefs.load();
    void conversationDefs.load();
  }, []);

  async function saveContactAttribute(key: string, value: Value): Promise<string | null> {
    try {
      const answer = await api.put<{ payload: Contact }>(accountPath(`/contacts/${contact.id}`), { custom_attributes: { [key]: value } });
      const current = store.conversation.peek();
      if (current) store.conversation.value = { ...current, meta: { ...current.meta, sender: { ...current.meta.sender, ...answer.payload } } };
      return null;
    } catch (error) {
      return errorText(error);
    }
  }

  async function saveConversationAttribute(key: string, value: Value): Promise<string | null> {
    try {
      const attributes = { ...conversation.custom_attributes, [key]: value };
      const answer = await api.post<{ custom_attributes: Item }>(store.path("/custom_attributes"), { custom_attributes: attributes });
      const current = store.conversation.peek();
      if (current) store.conversation.value = { ...current, custom_attributes: answer.custom_attributes };
      return null;
    } catch (error) {
      return errorText(error);
    }
  }

  const verified = conversation.meta.hmac_verified === true;
  const loadProblem = contactDefs.error.value ?? conversationDefs.error.value;

  return (
    <aside
      id={id}
      class="cv-panel"
      aria-label={t("conversation.contact.panel")}
      onKeyDown={(event) => {
        if (event.key === "Escape" && !event.defaultPrevented && (event.target as HTMLElement).closest("form, [role=menu]") === null) onClose();
      }}
    >
      <Section
        title={t("conversation.contact.title")}
        action={
          <button type="button" class="cv-icon-btn" aria-label={t("conversation.contact.close")} aria-keyshortcuts="Alt+O" onClick={onClose}>
            <Icon name="x" size={16} />
          </button>
        }
      >
        <p class="cv-contact-name">{contactName(contact)}</p>
        <dl class="cv-attrs">
          <div class="cv-attr">
            <dt>{t("conversation.contact.email")}</dt>
            <dd>{contact.email ? <EmailLink email={contact.email} /> : <span class="cv-hint">{t("conversation.contact.empty")}</span>}</dd>
          </div>
          <div class="cv-attr">
            <dt>{t("conversation.contact.phone")}</dt>
            <dd>
              {contact.phone_number ? (
                <a href={`tel:${contact.phone_number}`}>{contact.phone_number}</a>
              ) : (
                <span class="cv-hint">{t("conversation.contact.empty")}</span>
              )}
            </dd>
          </div>
          <div class="cv-attr">
            <dt>{t("conversation.contact.identifier")}</dt>
            <dd class="cv-break">
              {contact.identifier ?? <span class="cv-hint">{t("conversation.contact.empty")}</span>}
              <span class={`cv-chip ${verified ? "cv-verified" : ""}`}>
                <Icon name={verified ? "shield" : "alert"} size={14} />
                {verified ? t("conversation.contact.verified") : t("conversation.contact.unverified")}
              </span>
            </dd>
          </div>
        </dl>
      </Section>
      {loadProblem && (
        <p class="cv-problem" role="alert">
          {loadProblem}
        </p>
      )}
      <Section title={t("conversation.contact.attributes")}>
        <Attributes definitions={contactDefs.data.value} values={contact.custom_attributes ?? {}} save={saveContactAttribute} />
      </Section>
      <ContactLabels contact={contact} />
      <Section title={t("conversation.contact.conversation_attributes")}>
        <Attributes definitions={conversationDefs.data.value} values={conversation.custom_attributes ?? {}} save={saveConversationAttribute} />
      </Section>
      <Section title={t("conversation.visit.title")}>
        <Visit about={conversation.additional_attributes ?? {}} />
      </Section>
      <PreviousConversations contact={contact} currentId={conversation.id} />
    </aside>
  );
}

/**
 * An email address that breaks before its "@" when the panel is narrow, never inside a word; a part
 * longer than the column ends with an ellipsis, and the whole address is the link's name and title.
 */
function EmailLink({ email }: { email: string }) {
  const at = email.lastIndexOf("@");
  const parts = at > 0 ? [email.slice(0, at), email.slice(at)] : [email];
  return (
    <a class="cv-email" href={`mailto:${email}`} title={email} aria-label={email}>
      {parts.map((part, i) => (
        <>
          {i > 0 && <wbr />}
          <span>{part}</span>
        </>
      ))}
    </a>
  );
}
