/**
 * The URL pattern tester of an ongoing campaign: type a page address and Test asks the API
 * (`POST .../campaigns/url_test`) whether the pattern being edited matches it, so the answer is the
 * one the widget's campaign selection will give. A refused pattern is said beside its own field.
 */
import { useState } from "preact/hooks";
import { accountPath, api, errorsOf } from "../../core/api";
import { t } from "../../core/i18n";

type UrlTesterProps = {
  pattern: string;
  /** Called with the API's refusal of the pattern (null once it is accepted). */
  onPatternError: (message: string | null) => void;
};

type Answer = { url: string; matches: boolean } | { error: string } | null;

export function UrlTester({ pattern, onPatternError }: UrlTesterProps) {
  const [url, setUrl] = useState("");
  const [answer, setAnswer] = useState<Answer>(null);
  const [busy, setBusy] = useState(false);
  const test = async () => {
    if (pattern.trim() === "") {
      setAnswer({ error: t("settingsCampaigns.tester.needPattern") });
      return;
    }
    setBusy(true);
    try {
      const result = await api.post<{ matches: boolean }>(accountPath("/campaigns/url_test"), { url_pattern: pattern.trim(), url: url.trim() });
      onPatternError(null);
      setAnswer({ url: url.trim(), matches: result.matches });
    } catch (failure) {
      const errors = errorsOf(failure);
      const refused = errors.fields.url_pattern;
      if (refused) onPatternError(refused);
      setAnswer({ error: refused ?? errors.message ?? Object.values(errors.fields).join(" ") });
    } finally {
      setBusy(false);
    }
  };
  return (
    <fieldset class="url-tester">
      <legend>{t("settingsCampaigns.tester.title")}</legend>
      <p class="field-hint">{t("settingsCampaigns.tester.lead")}</p>
      <div class="field">
        <label for="campaign-test-url">{t("settingsCampaigns.tester.url")}</label>
        <div class="url-tester-row">
          <input
            id="campaign-test-url"
            type="url"
            inputMode="url"
            placeholder="https://"
            value={url}
            onInput={(event) => setUrl(event.currentTarget.value)}
            onKeyDown={(event) => {
              // Enter tests the address instead of submitting the campaign.
              if (event.key === "Enter") {
                event.preventDefault();
                void test();
              }
            }}
          />
          <button type="button" class="button" disabled={busy} onClick={() => void test()}>
            {t("settingsCampaigns.tester.test")}
          </button>
        </div>
      </div>
      <p
        role="status"
        class={
          answer === null
            ? "url-tester-answer"
            : "error" in answer
              ? "url-tester-answer field-error"
              : answer.matches
                ? "url-tester-answer url-tester-yes"
                : "url-tester-answer url-tester-no"
        }
      >
        {answer === null
          ? ""
          : "error" in answer
            ? answer.error
            : t(answer.matches ? "settingsCampaigns.tester.yes" : "settingsCampaigns.tester.no", { url: answer.url })}
      </p>
    </fieldset>
  );
}
