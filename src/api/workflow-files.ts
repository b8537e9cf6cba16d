/**
 * Files automation rules and macros send (`send_attachment`): uploaded first, as with Chatwoot's
 * `.../automation_rules/attach_file` and `.../macros/attach_file`, stored in R2 the way message
 * attachments are and recorded in `workflow_files`; an action names them by `blob_id`.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteStoredFiles } from "../db/account-storage";
import { workflowFiles } from "../db/schema";
import { userOf } from "./auth";
import type { AppEnv } from "./context";
import { ApiError, validationError } from "./errors";
import { readForm, readJson, storeAttachments } from "./messages";

const UploadInput = z.object({ attachment: z.instanceof(File, { message: "Upload the file as multipart/form-data in the field attachment." }) }).strict();

export const WorkflowFileSchema = z
  .object({
    blob_id: z.number().int().openapi({ description: "What `send_attachment` names in its action_params" }),
    blob_key: z.string().openapi({ description: "Where the file is stored" }),
    file_name: z.string(),
    content_type: z.string(),
    file_size: z.number().int(),
    data_url: z.string().openapi({ description: "Where the file is served from" }),
  })
  .openapi("WorkflowFile");

/** The request body both attach_file routes document: one file in `attachment`. */
export const attachFileBody = {
  required: true,
  content: {
    "multipart/form-data": {
      schema: {
        type: "object" as const,
        properties: { attachment: { type: "string" as const, format: "binary" } },
        required: ["attachment"],
      },
    },
  },
};

export const ATTACH_FILE_DESCRIPTION =
  "multipart/form-data with one file in `attachment`, within the upload limit (413 beyond it). Answers the file's " +
  "`blob_id`, which a `send_attachment` action names (`action_params: [blob_id, ...]`); running the action sends " +
  "one outgoing message with those files.";

/** Stores the uploaded file of the caller's account and records it; 422 when there is no (non-empty) file. */
export async function attachWorkflowFile(c: Context<AppEnv>): Promise<z.infer<typeof WorkflowFileSchema>> {
  const multipart = /^multipart\/form-data/i.test(c.req.header("content-type") ?? "");
  // A JSON body can only be refused, with the reason.
  const raw = multipart ? Object.fromEntries((await readForm(c)).entries()) : await readJson(c);
  const parsed = UploadInput.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error, "json");
  const file = parsed.data.attachment;
  if (file.size === 0) {
    throw new ApiError(422, "validation_failed", "The request body is not valid.", [{ field: "attachment", message: "The file is empty.", code: "blank" }]);
  }
  const accountId = c.var.membership.accountId;
  const [stored] = await storeAttachments(c, accountId, [file]);
  if (!stored) throw new Error("storing a workflow file gave nothing");
  const { id: _perMessageId, ...attachment } = stored;
  let row: { id: number } | undefined;
  try {
    [row] = await c.var.db
      .insert(workflowFiles)
      .values({ accountId, attachment, createdById: userOf(c).id })
      .returning({ id: workflowFiles.id });
  } catch (error) {
    await deleteStoredFiles(c.env, accountId, [attachment]);
    throw error;
  }
  if (!row) throw new Error("workflow file insert returned no row");
  return {
    blob_id: row.id,
    blob_key: attachment.key,
    file_name: attachment.file_name,
    content_type: attachment.content_type,
    file_size: attachment.file_size,
    data_url: attachment.dataUrl,
  };
}
