/**
 * The controls inside a message: Chatwoot's interactive messages (input_select options, forms,
 * cards, articles) and its templates (the input_email box, the input_csat rating). Answers go back
 * through `submit` (the Client API's message update); what was answered shows in place after.
 */
import { EMAIL_PATTERN } from "../../../src/domain/message-templates";
import { webLink } from "../../../src/domain/web-url";
import { t } from "./i18n";
import { icon } from "./icons";
import { el } from "./thread";
import type { Item, Message } from "./types";

export type Submit = (message: Message, values: unknown) => Promise<void>;
export type Postback = (message: Message, action: Item) => void;

let sequence = 0;
const uid = (prefix: string) => `${prefix}-${++sequence}`;

export function interactive(message: Message, submit: Submit, postback: Postback): HTMLElement[] {
  const items = message.content_attributes?.items ?? [];
  const done = message.content_attributes?.submitted_values;
  switch (message.content_type) {
    case "input_select": {
      const group = el("div", { class: "options", role: "group", "aria-label": message.content ?? "" });
      for (const item of items) {
        const button = el("button", { type: "button" }, String(item.title));
        if (done) button.setAttribute("disabled", "");
        if (Array.isArray(done) && done.some((v) => v.value === item.value)) button.classList.add("chosen");
        button.addEventListener("click", () => void submit(message, [{ title: item.title, value: item.value }]));
        group.append(button);
      }
      return [group];
    }
    case "form":
      return [formOf(message, items, Array.isArray(done) ? done : undefined, submit)];
    case "cards":
      return items.map((item) => {
        const card = el("div", { class: "card" });
        const media = webLink(item.media_url);
        if (media) card.append(el("img", { src: media, alt: "" }));
        card.append(el("strong", {}, String(item.title)), el("p", {}, String(item.description ?? "")));
        for (const action of (item.actions as Item[] | undefined) ?? []) {
          const uri = webLink(action.uri);
          if (action.type === "link") {
            card.append(
              uri
                ? el("a", { href: uri, target: "_blank", rel: "noopener noreferrer", class: "action" }, String(action.text))
                : el("span", { class: "action" }, String(action.text)),
            );
          } else {
            const button = el("button", { type: "button", class: "action" }, String(action.text));
            button.addEventListener("click", () => postback(message, action));
            card.append(button);
          }
        }
        return card;
      });
    case "article": {
      const list = el("ul", { class: "articles" });
      for (const item of items) {
        const entry = el("li");
        const link = webLink(item.link);
        entry.append(link ? el("a", { href: link, target: "_blank", rel: "noopener noreferrer" }, String(item.title)) : el("span", {}, String(item.title)));
        if (item.description) entry.append(el("p", {}, String(item.description)));
        list.append(entry);
      }
      return [list];
    }
    case "input_email":
      return [emailBox(message, submit)];
    case "input_csat":
      return [csatBox(message, submit)];
    default:
      return [];
  }
}

function formOf(message: Message, items: Item[], done: Item[] | undefined, submit: Submit): HTMLElement {
  const form = el("form", { class: "interactive-form" });
  for (const item of items) {
    const id = `f${message.id}-${String(item.name)}`;
    form.append(el("label", { for: id }, String(item.label ?? item.name)));
    const value = String(done?.find((v) => v.name === item.name)?.value ?? item.default ?? "");
    let field: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
    if (item.type === "select") {
      field = el("select", { id, name: String(item.name) });
      for (const option of (item.options as Item[] | undefined) ?? []) field.append(el("option", { value: String(option.value) }, String(option.label)));
    } else if (item.type === "text_area") field = el("textarea", { id, name: String(item.name) });
    else field = el("input", { id, name: String(item.name), type: String(item.type ?? "text") });
    field.value = value;
    if (field instanceof HTMLInputElement && item.type === "checkbox") field.checked = value === "true";
    if (item.required) field.required = true;
    if (item.placeholder) field.setAttribute("placeholder", String(item.placeholder));
    if (done) field.setAttribute("disabled", "");
    form.append(field);
  }
  if (!done) form.append(el("button", { type: "submit" }, t("submit")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const values = items.map((item) => {
      const field = form.elements.namedItem(String(item.name)) as HTMLInputElement | null;
      return { name: item.name, value: item.type === "checkbox" ? !!field?.checked : (field?.value ?? "") };
    });
    void submit(message, values);
  });
  return form;
}

/** Chatwoot's input_email box: one field, checked here and again by the server. */
function emailBox(message: Message, submit: Submit): HTMLElement {
  const saved = (message.content_attributes?.submitted_values as { email?: string } | undefined)?.email;
  if (saved) return el("p", { class: "template-done" }, t("emailSaved", { email: saved }));
  const form = el("form", { class: "email-box", novalidate: "" });
  const id = uid("email");
  const error = el("span", { class: "error", id: `${id}-error`, "aria-live": "polite" });
  const input = el("input", { id, type: "email", name: "email", autocomplete: "email", placeholder: "you@example.com", "aria-describedby": error.id });
  const button = el("button", { type: "submit", class: "icon-button", "aria-label": t("submit") });
  button.append(icon("send"));
  const row = el("div", { class: "row" });
  row.append(input, button);
  form.append(el("label", { for: id }, t("emailLabel")), row, error);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const email = input.value.trim();
    const valid = EMAIL_PATTERN.test(email.toLowerCase());
    error.textContent = valid ? "" : t("emailInvalid");
    input.setAttribute("aria-invalid", String(!valid));
    if (valid) submit(message, { email }).catch(() => (error.textContent = t("emailInvalid")));
  });
  return form;
}

const SVG = "http://www.w3.org/2000/svg";

/** A face for rating `n` (1 frowns, 5 smiles), drawn rather than taken from an emoji font. */
function face(n: number): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "28");
  svg.setAttribute("height", "28");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon face");
  const curve = (n - 3) * 2.2;
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", `M12 2.5a9.5 9.5 0 1 0 0 19 9.5 9.5 0 0 0 0-19ZM8.5 9.5v.5M15.5 9.5v.5M7.5 ${15 - curve / 3}Q12 ${15 + curve} 16.5 ${15 - curve / 3}`);
  svg.append(path);
  return svg;
}

/** Chatwoot's input_csat: five ratings, each a button named like "5 of 5: very satisfied", then an optional comment. */
function csatBox(message: Message, submit: Submit): HTMLElement {
  const answered = (message.content_attributes?.submitted_values as { csat_survey_response?: { rating: number; feedback_message?: string | null } } | undefined)
    ?.csat_survey_response;
  const box = el("div", { class: "csat" });
  if (answered) {
    box.append(el("p", { class: "template-done" }, t("csatThanks")), el("p", { class: "csat-yours" }, t("csatYours", { n: answered.rating })));
    return box;
  }
  const labels = [t("csat1"), t("csat2"), t("csat3"), t("csat4"), t("csat5")];
  const heading = el("p", { class: "csat-title", id: uid("csat") }, t("csatTitle"));
  const group = el("div", { class: "ratings", role: "group", "aria-labelledby": heading.id });
  const form = el("form", { class: "csat-comment", hidden: "" });
  const commentId = uid("comment");
  const comment = el("textarea", { id: commentId, rows: "2", maxlength: "2000" });
  const send = el("button", { type: "submit" }, t("submit"));
  form.append(el("label", { for: commentId }, t("csatComment")), comment, send);
  let rating = 0;
  for (let n = 1; n <= 5; n++) {
    const button = el("button", {
      type: "button",
      class: `rating r${n}`,
      "aria-label": t("csatRating", { n, label: labels[n - 1] ?? "" }),
      "aria-pressed": "false",
    });
    button.append(face(n), el("span", { "aria-hidden": "true" }, String(n)));
    button.addEventListener("click", () => {
      rating = n;
      for (const other of group.querySelectorAll("button")) other.setAttribute("aria-pressed", String(other === button));
      form.hidden = false;
      comment.focus();
    });
    group.append(button);
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!rating) return;
    send.disabled = true;
    submit(message, { csat_survey_response: { rating, feedback_message: comment.value.trim() || null } }).catch(() => (send.disabled = false));
  });
  box.append(heading, group, form);
  return box;
}
