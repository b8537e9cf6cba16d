/** The snippet a website pastes to load a chat widget: a `window.parley` stub that queues calls until /widget.js runs. */

export function widgetEmbedCode(origin: string, widgetToken: string): string {
  return `<script>
  (function (w, d, t, u) {
    var p = (w.parley = w.parley || { q: [], api: {} });
    "open close toggle setPredefinedMessage setUser setCustomAttributes deleteCustomAttribute setConversationCustomAttributes deleteConversationCustomAttribute setLabel removeLabel setLocale setTheme reset".split(" ").forEach(function (m) { p[m] = p[m] || function () { p.q.push([m, [].slice.call(arguments)]); }; });
    "showFakeAgentMessage sendClientMessage".split(" ").forEach(function (m) { p.api[m] = p.api[m] || function () { p.q.push(["api." + m, [].slice.call(arguments)]); }; });
    p.isOpened = p.isOpened || function () { return false; };
    var s = d.createElement("script"); s.async = true; s.src = u + "/widget.js"; s.setAttribute("data-parley-widget", t); s.setAttribute("data-parley-origin", u); d.head.appendChild(s);
  })(window, document, ${JSON.stringify(widgetToken)}, ${JSON.stringify(origin)});
</script>`;
}
