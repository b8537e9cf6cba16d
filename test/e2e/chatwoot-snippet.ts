// Chatwoot's website snippet, as Chatwoot's documentation gives it to paste into a page, kept verbatim
// apart from its two placeholders (`<your-installation-url>`, `<your-website-token>`), which a test
// fills with the local platform's URL and the website inbox's token: a Chatwoot user switching to
// Parley changes the base URL only.
//
// Source: chatwoot/docs, docs/product/channels/live-chat/integrations/nextjs.md ("Integrate Chatwoot
// with Next.js": `window.chatwootSettings` and "the script from inbox settings"), read 2026-12-07.
// The event listeners below quote docs/product/channels/live-chat/sdk/setup.md of the same repository
// ("Sending information to Chatwoot": `chatwoot:ready`, `chatwoot:on-message`, `chatwoot:error`).

/** `window.chatwootSettings` as the Next.js guide sets it. */
export const CHATWOOT_SETTINGS = `window.chatwootSettings = {
      hideMessageBubble: false,
      position: 'right', // This can be left or right
      locale: 'en', // Language to be set
      type: 'standard', // [standard, expanded_bubble]
    };`;

/** The script from the inbox settings, as the guide quotes it. */
export const CHATWOOT_SCRIPT = `(function(d,t) {
      var BASE_URL="<your-installation-url>";
      var g=d.createElement(t),s=d.getElementsByTagName(t)[0];
      g.src=BASE_URL+"/packs/js/sdk.js";
      s.parentNode.insertBefore(g,s);
      g.async=!0;
      g.onload=function(){
        window.chatwootSDK.run({
          websiteToken: '<your-website-token>',
          baseUrl: BASE_URL
        })
      }
    })(document,"script");`;

/** The SDK setup page's listeners. */
export const CHATWOOT_LISTENERS = `window.addEventListener("chatwoot:ready", function () {
  // Use window.$chatwoot here
  // ...
});
window.addEventListener("chatwoot:on-message", function (e) {
  console.log("chatwoot:on-message", e.detail);
});
window.addEventListener("chatwoot:error", function () {
  // ...
});`;

/**
 * The snippet for a page: the settings (the guide's, or a site's own `window.chatwootSettings = {...};`)
 * and the script with the base URL and website token filled in.
 */
export function chatwootSnippet(baseUrl: string, websiteToken: string, settings = CHATWOOT_SETTINGS): string {
  const script = CHATWOOT_SCRIPT.replace("<your-installation-url>", baseUrl).replace("<your-website-token>", websiteToken);
  return `<script>
    ${settings}
    ${script}
    ${CHATWOOT_LISTENERS}
</script>`;
}
