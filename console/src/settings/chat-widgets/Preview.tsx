/**
 * The live preview: the real chat app in an iframe (its preview mode), fed the unsaved configuration
 * by postMessage. Both sides name the other's exact origin, Parley's own: the console posts to it
 * and listens only to this iframe's window from it, and the app accepts only its same-origin parent.
 */
import { useEffect, useRef } from "preact/hooks";
import { previewUrl } from "../../../../widget/src/app/preview";
import type { WidgetConfig } from "../../../../widget/src/app/types";
import { t } from "../../core/i18n";
import { Icon } from "../../core/icons";

export function Preview({ config, position, launcherText }: { config: WidgetConfig; position: "left" | "right"; launcherText: string | null }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const ready = useRef(false);
  const latest = useRef(config);
  latest.current = config;

  const send = () => {
    const target = frame.current?.contentWindow;
    if (target && ready.current) target.postMessage({ type: "parley:preview", config: latest.current }, location.origin);
  };

  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== location.origin || event.source !== frame.current?.contentWindow) return;
      if ((event.data as { type?: unknown } | null)?.type === "parley:app-ready") {
        ready.current = true;
        send();
      }
    };
    addEventListener("message", onMessage);
    return () => removeEventListener("message", onMessage);
  }, []);

  useEffect(send, [config]);

  return (
    <section class="widget-preview" aria-labelledby="widget-preview-title">
      <h2 id="widget-preview-title" class="widget-preview-title">
        {t("settings.widgets.preview.title")}
      </h2>
      <p class="muted widget-preview-lead">{t("settings.widgets.preview.lead")}</p>
      <div class={`widget-preview-stage widget-preview-${position}`}>
        <iframe
          ref={frame}
          class="widget-preview-frame"
          src={previewUrl(location.origin)}
          title={t("settings.widgets.preview.frame", { name: config.name || t("settings.widgets.untitled") })}
          data-testid="widget-preview"
        />
        <span class="widget-preview-launcher" style={{ background: config.colors.primary, color: config.colors.text }} aria-hidden="true">
          {launcherText || <Icon name="message" size={22} />}
        </span>
      </div>
    </section>
  );
}
