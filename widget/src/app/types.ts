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
  online: boolean;
  pre_chat_form: { enabled: boolean; message: string | null; fields: PreChatField[] };
  unavailable: { channel: string; message: string }[];
  channels: {
    live_chat?: { website_token: string };
    email_sms?: { website_token: string };
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
  content_type: "text" | "input_select" | "form" | "cards" | "article";
  content_attributes: { items?: Item[]; submitted_values?: Item[] } & Record<string, unknown>;
  created_at: number;
  private?: boolean;
  echo_id?: string | null;
  attachments?: { data_url: string; file_name: string; file_type: string }[];
  sender?: { name?: string; available_name?: string; type?: string } | null;
  conversation_id?: number;
};

export type Session = { sourceId: string; pubsubToken: string; contactId: number; conversationId: number | null };
