/**
 * Contact fields as Parley accepts them (Chatwoot's names): from the Client API and the Application
 * API, and from the rows of an imported contacts file. Both the routers and the import job parse with
 * these schemas and hand the Account object the same `ContactFields`.
 */
import { z } from "@hono/zod-openapi";
import { WebUrl } from "./field-schemas";
import type { ContactFields } from "../durable/account/contacts";

const AttributeValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
export const Attributes = z
  .record(
    z
      .string()
      .min(1)
      .max(100)
      .regex(/^[\w-]+$/, "Attribute keys are letters, digits, _ and -."),
    AttributeValue,
  )
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
