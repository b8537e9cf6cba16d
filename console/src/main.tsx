/** The console's entry: styles, the theme, the strings the core needs, and the app. */
import { render } from "preact";
import "./styles/app.css";
import { setNetworkErrorMessage } from "./core/api";
import { t } from "./core/i18n";
import { applyStoredTheme } from "./core/theme";
import { App } from "./app";

applyStoredTheme();
setNetworkErrorMessage(t("common.errors.network"));
const root = document.getElementById("app");
if (root) {
  root.textContent = "";
  render(<App />, root);
}
