/**
 * What the administrator gives the provider so a channel inbox receives messages: the callback URL
 * and verify token at Meta, the webhook URLs at Twilio, the receiving address for email, the widget
 * script or the Client API identifier; each with a copy button. Shown after creating an inbox and
 * again in its settings.
 */
import { t } from "../../core/i18n";
import { CopyField } from "./fields";
import { type Inbox, kindOf } from "./model";

export function ConnectInfo({ inbox, idPrefix }: { inbox: Inbox; idPrefix: string }) {
  const kind = kindOf(inbox);
  const id = (what: string) => `${idPrefix}-${what}`;
  const callback = inbox.callback_webhook_url;
  return (
    <div class="inbox-connect">
      <p class="field-hint">{t(`settingsInboxes.setup.${kind}`, { identifier: inbox.inbox_identifier })}</p>
      {kind === "whatsapp" && callback && (
        <>
          <CopyField id={id("callback")} label={t("settingsInboxes.setup.callbackUrl")} value={callback} />
          <CopyField id={id("verify-token")} label={t("settingsInboxes.setup.verifyToken")} value={inbox.provider_config?.webhook_verify_token ?? ""} />
        </>
      )}
      {kind === "sms" && callback && (
        <>
          <CopyField id={id("callback")} label={t("settingsInboxes.setup.incomingUrl")} value={callback} />
          <CopyField id={id("status")} label={t("settingsInboxes.setup.statusUrl")} value={new URL("/twilio/delivery_status", callback).href} />
        </>
      )}
      {(kind === "facebook_page" || kind === "instagram") && callback && (
        <CopyField id={id("callback")} label={t("settingsInboxes.setup.callbackUrl")} value={callback} />
      )}
      {kind === "email" && inbox.email && <CopyField id={id("address")} label={t("settingsInboxes.setup.forwardTo")} value={inbox.email} />}
      {kind === "web_widget" && inbox.web_widget_script && (
        <CopyField id={id("script")} label={t("settingsInboxes.setup.script")} value={inbox.web_widget_script} multiline />
      )}
      {kind === "api" && <CopyField id={id("identifier")} label={t("settingsInboxes.setup.identifier")} value={inbox.inbox_identifier} />}
    </div>
  );
}
