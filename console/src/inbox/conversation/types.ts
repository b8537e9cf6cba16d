/** The Chatwoot-shaped objects the conversation pane reads (see /api/docs): only the fields it uses. */

export type Item = Record<string, unknown>;

export type Attachment = {
  id: number;
  file_type: string;
  data_url: string;
  thumb_url?: string;
  file_name: string;
  file_size?: number;
};

export type Sender = {
  id: number;
  name?: string;
  available_name?: string;
  type?: "contact" | "user" | string;
};

/** 0 incoming, 1 outgoing, 2 activity, 3 template (Chatwoot's message_type). */
export type MessageType = 0 | 1 | 2 | 3;

export type Message = {
  id: number;
  content: string | null;
  message_type: MessageType;
  content_type: "text" | "input_select" | "form" | "cards" | "article" | string;
  content_attributes: { items?: Item[]; submitted_values?: Item[] } & Item;
  created_at: number;
  private: boolean;
  echo_id?: string | null;
  conversation_id: number;
  sender_type?: "Contact" | "User" | null;
  sender?: Sender | null;
  attachments?: Attachment[];
};

/** A reply not yet stored by the server: shown at once, replaced by the server's copy (same echo_id). */
export type OutgoingDraft = {
  echoId: string;
  content: string;
  isPrivate: boolean;
  files: File[];
  createdAt: number;
  /** 0..1 while uploading files. */
  progress: number | null;
  error: string | null;
};

export type Contact = {
  id: number;
  name: string;
  email: string | null;
  phone_number: string | null;
  identifier: string | null;
  thumbnail?: string;
  custom_attributes: Item;
  additional_attributes: Item;
};

export type AppliedSla = {
  sla_name: string;
  sla_status: "active" | "active_with_misses" | "hit" | "missed" | string;
  frt_due_at: number | null;
  nrt_due_at: number | null;
  rt_due_at: number | null;
};

export type SlaEvent = { id: number; event_type: "frt" | "nrt" | "rt" | string; created_at: number };

export type Priority = "low" | "medium" | "high" | "urgent";
export type Status = "open" | "resolved" | "pending" | "snoozed";

export type Conversation = {
  id: number;
  inbox_id: number;
  /** Whether the channel takes a free-form reply now (Chatwoot's messaging window); false: only templates on WhatsApp. */
  can_reply?: boolean;
  status: Status;
  priority: Priority | null;
  labels: string[];
  custom_attributes: Item;
  additional_attributes: Item;
  snoozed_until: number | null;
  contact_last_seen_at: number | null;
  agent_last_seen_at?: number | null;
  assignee_id: number | null;
  team_id: number | null;
  created_at: number;
  applied_sla: AppliedSla | null;
  sla_events?: SlaEvent[];
  meta: {
    sender: Contact;
    assignee: { id: number; name: string; available_name?: string } | null;
    team: { id: number; name: string } | null;
    hmac_verified?: boolean;
    channel?: string;
  };
};

export type Agent = { id: number; name: string; available_name?: string; email: string; role: string; availability_status: string };
export type Team = { id: number; name: string };
export type Label = { id: number; title: string; color: string; description?: string | null };
export type Inbox = { id: number; name: string; channel_type?: string };
export type Macro = { id: number; name: string; visibility: string };
export type MacroResult = { action_name: string; status: "done" | "unchanged" | "failed"; message?: string };
export type CannedResponse = { id: number; short_code: string; content: string };
export type AttributeDefinition = {
  id: number;
  attribute_key: string;
  attribute_display_name: string;
  attribute_display_type: "text" | "number" | "currency" | "percent" | "link" | "date" | "list" | "checkbox";
  attribute_values: string[];
  attribute_model: "contact_attribute" | "conversation_attribute";
};
