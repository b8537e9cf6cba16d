/**
 * What a WhatsApp message template asks the agent for, read from its Graph API components: the
 * body's variables (positional `{{1}}` or NAMED `{{name}}`, with Meta's examples), a text header's
 * variable or a media header's link; the preview with the values filled in; and Chatwoot's
 * `template_params` that the messages endpoint takes.
 */
import type { WhatsappTemplate } from "../../../../src/domain/whatsapp-cloud";

export type { WhatsappTemplate };

export type TemplateField = { key: string; part: "body" | "header_text" | "header_media"; example: string | null; mediaType?: "image" | "video" | "document" };

const VARIABLE = /\{\{\s*([\w.]+)\s*\}\}/g;

const componentOf = (template: WhatsappTemplate, type: string) => template.components.find((c) => String(c.type).toUpperCase() === type);
const textOf = (component: Record<string, unknown> | undefined) => (typeof component?.text === "string" ? component.text : "");

function variablesIn(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((match) => match[1] ?? ""))].filter(Boolean);
}

/** Meta's example for a variable: `body_text_named_params` by name, else `body_text[0]` by position. */
function exampleFor(component: Record<string, unknown> | undefined, key: string, index: number, positionalKey: string, namedKey: string): string | null {
  const example = (component?.example ?? {}) as Record<string, unknown>;
  const named = example[namedKey];
  if (Array.isArray(named)) {
    const found = named.find((entry) => (entry as { param_name?: string }).param_name === key) as { example?: unknown } | undefined;
    if (typeof found?.example === "string") return found.example;
  }
  const positional = example[positionalKey];
  const row = Array.isArray(positional) ? (Array.isArray(positional[0]) ? positional[0] : positional) : null;
  const value = row?.[index];
  return typeof value === "string" ? value : null;
}

export function templateFields(template: WhatsappTemplate): TemplateField[] {
  const fields: TemplateField[] = [];
  const header = componentOf(template, "HEADER");
  const format = String(header?.format ?? "").toUpperCase();
  if (format === "IMAGE" || format === "VIDEO" || format === "DOCUMENT") {
    fields.push({ key: "header_media", part: "header_media", example: null, mediaType: format.toLowerCase() as "image" | "video" | "document" });
  } else if (format === "TEXT") {
    const [key] = variablesIn(textOf(header));
    if (key) fields.push({ key, part: "header_text", example: exampleFor(header, key, 0, "header_text", "header_text_named_params") });
  }
  const body = componentOf(template, "BODY");
  variablesIn(textOf(body)).forEach((key, index) => {
    fields.push({ key, part: "body", example: exampleFor(body, key, index, "body_text", "body_text_named_params") });
  });
  return fields;
}

/** The body as the contact will read it, each variable shown with its value or left as it is. */
export function templatePreview(template: WhatsappTemplate, values: Record<string, string>): string {
  return textOf(componentOf(template, "BODY")).replace(VARIABLE, (whole, key: string) => values[`body:${key}`]?.trim() || whole);
}

export const valueKey = (field: TemplateField) => `${field.part === "body" ? "body" : field.part}:${field.key}`;

/** Chatwoot's `template_params` for the messages endpoint. */
export function templateParams(template: WhatsappTemplate, fields: TemplateField[], values: Record<string, string>) {
  const body: Record<string, string> = {};
  let header: { media_url?: string; media_type?: string; text?: string } | undefined;
  for (const field of fields) {
    const value = values[valueKey(field)]?.trim() ?? "";
    if (field.part === "body") body[field.key] = value;
    else if (field.part === "header_text") header = { text: value };
    else header = { media_url: value, media_type: field.mediaType ?? "image" };
  }
  return {
    name: template.name,
    category: template.category ?? undefined,
    language: template.language,
    processed_params: { body, ...(header ? { header } : {}) },
  };
}
