/** Shapes the chat app reads from Parley's APIs (see /api/docs): the public widget config and Chatwoot's messages. */

export type PreChatField = {
  field_type: "standard" | "contact_attribute" | "conversation_attribute";
  name: string;
  type: "text" | "email" | "phone" | "number" | "date" | "link" | "list" | "checkbox";
  label: string;
  placeholder?: string | null;
  required: boolean;
  values?: string[];
  regex_pattern?: string | null;
};

export type WidgetConfig = {
  token: string;
  type: "live_chat" | "email_sms" | "whatsapp" | "facebook" | "instagram" | "voice_ai" | "all_in_one";
  name: string;
  locale: string;
  colors: { primary: string; text: string };
  greeting: { title: string | null; tagline: string | null };
  avatar_url: string | null;
  logo_url: string | null;
  business: { name: string | null; address: string | null; phone: string | null; email: string | null } | null;
  away_message: string | null;
  /** light, dark or auto (the visitor's system setting); absent in configurations from before themes. */
  theme?: "light" | "dark" | "auto";
  online: boolean;
  pre_chat_form: { enabled: boolean; message: string | null; fields: PreChatField[] };
  unavailable: { channel: string; message: string }[];
  channels: {
    live_chat?: { website_token: string };
    email_sms?: { website_token?: string; inbox_channel: "web_widget" | "email" | "sms" };
    whatsapp?: { url: string };
    facebook?: { url: string };
    instagram?: { url: string };
    voice_ai?: { agent_name: string; phone_number: string | null; call_url: string | null };
  };
};

export type Item = Record<string, unknown>;

export type Message = {
  id: number;
  content: string | null;
  message_type: 0 | 1 | 2 | 3;
  content_type: "text" | "input_select" | "form" | "cards" | "article" | "input_email" | "input_csat";
  content_attributes: { items?: Item[]; submitted_values?: Item[] } & Record<string, unknown>;
  created_at: number;
  private?: boolean;
  echo_id?: string | null;
  attachments?: Attachment[];
  sender?: { name?: string; available_name?: string; type?: string; avatar_url?: string; thumbnail?: string } | null;
  conversation_id?: number;
  /** Chatwoot's delivery status of channel messages; the widget's own: sending and failed, until the server answers. */
  status?: string;
};

export type Attachment = { data_url: string; thumb_url?: string; file_name: string; file_type: string; file_size?: number };

/** A conversation as the Client API lists it to its contact. */
export type PublicConversation = { id: number; status: string; agent_last_seen_at: number; messages: Message[]; created_at?: number };

/** The team as the widget shows it (GET /api/v1/widget/availability). */
export type Availability = {
  online: boolean;
  open_now: boolean;
  next_change_at: number | null;
  working_hours_enabled: boolean;
  timezone: string;
  reply_time: "in_a_few_minutes" | "in_a_few_hours" | "in_a_day";
  out_of_office_message: string | null;
  greeting: { enabled: boolean; message: string | null };
  enable_email_collect: boolean;
  csat_survey_enabled: boolean;
  allow_messages_after_resolved: boolean;
  lock_to_single_conversation: boolean;
  agents: { id: number; name: string; avatar_url: string; availability_status: "online" | "busy" | "offline" }[];
};

export type Session = { sourceId: string; pubsubToken: string; contactId: number; conversationId: number | null };
