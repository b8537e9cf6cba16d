/** One message as agents see it: author, time, text, attachments, interactive content and what the visitor answered. */
import { formatDateTime } from "../../core/i18n";
import { t } from "../../core/i18n";
import { Icon } from "../../core/icons";
import { webLink } from "../../../../src/domain/web-url";
import type { Attachment, Item, Message } from "./types";

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
export const timeOf = (seconds: number) => timeFormat.format(new Date(seconds * 1000));

const MENTION = /\[@([^\]]*)\]\(mention:\/\/(?:user|team)\/\d+\/[^)]*\)/g;
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"')\]]+/g;

/** Text with mentions as "@Name" and web addresses as links; never HTML from the message. */
export function RichText({ text }: { text: string }) {
  const parts: (string | preact.JSX.Element)[] = [];
  const pattern = new RegExp(`${MENTION.source}|${URL_PATTERN.source}`, "g");
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const at = match.index ?? 0;
    if (at > last) parts.push(text.slice(last, at));
    if (match[1] !== undefined) parts.push(<span class="cv-mention">@{match[1]}</span>);
    else
      parts.push(
        <a href={match[0]} target="_blank" rel="noopener noreferrer">
          {match[0]}
        </a>,
      );
    last = at + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}

function sizeOf(bytes: number | undefined) {
  if (!bytes) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function Attachments({ list }: { list: Attachment[] }) {
  return (
    <div class="cv-files">
      {list.map((file) =>
        file.file_type === "image" ? (
          <a key={file.id} href={file.data_url} target="_blank" rel="noopener noreferrer" class="cv-image">
            <img src={file.thumb_url || file.data_url} alt={file.file_name} loading="lazy" />
          </a>
        ) : (
          <a key={file.id} href={file.data_url} target="_blank" rel="noopener noreferrer" class="cv-file" download={file.file_name}>
            <Icon name="file" />
            <span>{file.file_name}</span>
            <span class="cv-hint">{sizeOf(file.file_size)}</span>
          </a>
        ),
      )}
    </div>
  );
}

const text = (value: unknown) => (value === undefined || value === null ? "" : String(value));

/** input_select, form, cards and article messages, with the visitor's submitted values. */
function Interactive({ message }: { message: Message }) {
  const items = message.content_attributes.items ?? [];
  const submitted = message.content_attributes.submitted_values;
  const answered = <p class="cv-answer">{submitted ? t("conversation.message.answered") : t("conversation.message.not_answered")}</p>;
  switch (message.content_type) {
    case "input_select":
      return (
        <div class="cv-interactive">
          <ul class="cv-options" aria-label={t("conversation.message.options")}>
            {items.map((item) => {
              const chosen = submitted?.some((v) => v.value === item.value);
              return (
                <li key={text(item.value)} class={chosen ? "cv-chosen" : undefined}>
                  {chosen && <Icon name="check" size={14} />}
                  {text(item.title)}
                  {chosen && <span class="cv-visually-hidden"> ({t("conversation.message.chosen")})</span>}
                </li>
              );
            })}
          </ul>
          {answered}
        </div>
      );
    case "form":
      return (
        <div class="cv-interactive">
          <dl class="cv-form">
            {items.map((item: Item) => {
              const value = submitted?.find((v) => v.name === item.name)?.value;
              return (
                <div key={text(item.name)}>
                  <dt>{text(item.label ?? item.name)}</dt>
                  <dd>{submitted ? text(value) || "—" : <span class="cv-hint">{text(item.placeholder) || t("conversation.message.no_answer")}</span>}</dd>
                </div>
              );
            })}
          </dl>
          {answered}
        </div>
      );
    case "cards":
      return (
        <div class="cv-interactive cv-cards">
          {items.map((card, index) => (
            <div class="cv-card" key={index}>
              {webLink(card.media_url) && <img src={webLink(card.media_url) ?? undefined} alt={text(card.title)} loading="lazy" />}
              <strong>{text(card.title)}</strong>
              {card.description !== undefined && <p>{text(card.description)}</p>}
              {((card.actions as Item[] | undefined) ?? []).map((action, i) =>
                action.type === "link" ? (
                  <a key={i} href={webLink(action.uri) ?? undefined} target="_blank" rel="noopener noreferrer">
                    {text(action.text)}
                  </a>
                ) : (
                  <span key={i} class={submitted?.some((v) => v.value === action.payload) ? "cv-chosen" : "cv-postback"}>
                    {text(action.text)}
                  </span>
                ),
              )}
            </div>
          ))}
          {submitted && <p class="cv-answer">{t("conversation.message.clicked", { title: text(submitted[0]?.title ?? submitted[0]?.value) })}</p>}
        </div>
      );
    case "article":
      return (
        <ul class="cv-interactive cv-articles">
          {items.map((item, index) => (
            <li key={index}>
              <a href={webLink(item.link) ?? undefined} target="_blank" rel="noopener noreferrer">
                {text(item.title)}
              </a>
              {item.description !== undefined && <p>{text(item.description)}</p>}
            </li>
          ))}
        </ul>
      );
    default:
      return null;
  }
}

export function authorOf(message: Message, contactName: string): string {
  if (message.message_type === 0) return message.sender?.name || contactName || t("common.visitor");
  return message.sender?.available_name || message.sender?.name || t("conversation.message.bot");
}

export function MessageItem({ message, contactName, seen }: { message: Message; contactName: string; seen: boolean }) {
  if (message.message_type === 2) {
    return (
      <li class="cv-activity">
        <span>{message.content}</span> <time dateTime={new Date(message.created_at * 1000).toISOString()}>{timeOf(message.created_at)}</time>
      </li>
    );
  }
  const incoming = message.message_type === 0;
  const kind = message.private ? "cv-note" : incoming ? "cv-in" : "cv-out";
  return (
    <li class={`cv-msg ${kind}`}>
      <div class="cv-bubble">
        <p class="cv-meta">
          <span class="cv-author">{authorOf(message, contactName)}</span>
          {message.private && (
            <span class="cv-note-tag">
              <Icon name="lock" size={14} />
              {t("conversation.message.private_note")}
            </span>
          )}
          <time dateTime={new Date(message.created_at * 1000).toISOString()} title={formatDateTime(message.created_at)}>
            {timeOf(message.created_at)}
          </time>
        </p>
        {message.content && (
          <div class="cv-text">
            <RichText text={message.content} />
          </div>
        )}
        {message.attachments && message.attachments.length > 0 && <Attachments list={message.attachments} />}
        {message.content_type !== "text" && <Interactive message={message} />}
      </div>
      {seen && <p class="cv-seen">{t("conversation.message.seen")}</p>}
    </li>
  );
}
