/** Contact fields as the Client API and the Application API accept them (Chatwoot's names). */
import { z } from "@hono/zod-openapi";
import type { ContactFields } from "../durable/account/contacts";
import { ApiError } from "./errors";
import { WebUrl } from "./schemas";

const AttributeValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
export const Attributes = z
  .record(z.string().min(1).max(100).regex(/^[\w-]+$/, "Attribute keys are letters, digits, _ and -."), AttributeValue)
  .refine((value) => Object.keys(value).length <= 100, "At most 100 attributes.");

export const ContactInput = z
  .object({
    name: z.string().trim().max(255).optional(),
    email: z.email().max(320).trim().toLowerCase().nullable().optional(),
    phone_number: z
      .string()
      .trim()
      .regex(/^\+[1-9]\d{1,14}$/, "Expected an E.164 phone number such as +14155550100.")
      .nullable()
      .optional(),
    identifier: z.string().trim().min(1).max(255).nullable().optional(),
    avatar_url: WebUrl.nullable().optional(),
    custom_attributes: Attributes.optional(),
    additional_attributes: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type ContactInput = z.infer<typeof ContactInput>;

export function contactFields(input: Omit<ContactInput, "identifier"> & { identifier?: string | null }): ContactFields {
  return {
    name: input.name,
    email: input.email,
    phone_number: input.phone_number,
    identifier: input.identifier,
    avatar_url: input.avatar_url,
    custom_attributes: input.custom_attributes,
    additional_attributes: input.additional_attributes,
  };
}

/** A uniqueness conflict reported by the Account object, as Chatwoot answers it: 422 on the field. */
export function contactConflict(field: string): ApiError {
  const label = field === "source_id" ? "Source" : field.charAt(0).toUpperCase() + field.slice(1).replace("_", " ");
  return new ApiError(422, "validation_failed", `${label} has already been taken.`, [
    { field, message: "has already been taken", code: "taken" },
  ]);
}
