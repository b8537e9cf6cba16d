/**
 * The console's entry: styles, the theme, the strings the core needs, and the app. Who is signed in
 * is asked at once, and the chunks the route needs start loading beside that request.
 */
import { render } from "preact";
import "./styles/app.css";
import { setNetworkErrorMessage } from "./core/api";
import { startBoot } from "./core/boot";
import { t } from "./core/i18n";
import { applyStoredTheme } from "./core/theme";
import { App, preloadAreas } from "./app";

setNetworkErrorMessage(t("common.errors.network"));
startBoot();
preloadAreas();
applyStoredTheme();
const root = document.getElementById("app");
if (root) {
  root.textContent = "";
  render(<App />, root);
}
