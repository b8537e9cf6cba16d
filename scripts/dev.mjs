// `npm run dev`: the whole platform on this machine (PORT, default 8787), with an idempotent demo
// seeded through the public APIs and its URLs and tokens printed.
import { join } from "node:path";
import { root, startPlatform } from "./platform.mjs";
import { seedDemo } from "./seed-demo.mjs";

const port = Number(process.env.PORT ?? 8787);
// PARLEY_STATE_DIR keeps a second local installation apart from the default one (.wrangler/state).
const stateDir = process.env.PARLEY_STATE_DIR ? join(root, process.env.PARLEY_STATE_DIR) : join(root, ".wrangler/state");

let platform;
try {
  platform = await startPlatform({ port, cron: true, persistTo: process.env.PARLEY_STATE_DIR ? stateDir : undefined });
} catch (error) {
  console.error(`\n${error.message}`);
  process.exit(1);
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => platform.child.kill(signal));
platform.exited.then(({ code, signal }) => process.exit(code ?? (signal ? 0 : 1)));

try {
  const demo = await seedDemo({
    baseUrl: platform.baseUrl,
    platformToken: platform.vars.PLATFORM_TOKEN,
    stateDir,
    assetsDir: join(root, "dist/assets"),
  });
  printBanner(platform.baseUrl, platform.vars.PLATFORM_TOKEN, demo);
} catch (error) {
  console.error("\nThe platform started, but seeding the demo failed:", error);
}

function printBanner(url, platformToken, demo) {
  console.log(
    [
      "",
      "Parley is running.",
      "",
      `  Home            ${url}/`,
      `  API reference   ${url}/api/docs`,
      `  OpenAPI         ${url}/api/openapi.json`,
      `  Health          ${url}/health`,
      "",
      `  Platform token  ${platformToken}`,
      `  Agency          ${demo.agency.name} (id ${demo.agency.id})`,
      `    token         ${demo.agency.token}`,
      `  Sub-account     ${demo.account.name} (id ${demo.account.id})`,
      `  Website inbox   ${demo.inbox.name} (id ${demo.inbox.id}), website_token ${demo.inbox.website_token}`,
      `  Chat widget     ${demo.widget.name} (id ${demo.widget.id}), widget_token ${demo.widget.token}`,
      `  Demo page       ${url}/demo/`,
      `  SMS inbox       ${demo.sms.inbox.name} (id ${demo.sms.inbox.id}), ${demo.sms.inbox.phone_number}, sends to the local sink`,
      `  SMS label       ${demo.sms.label.title} (id ${demo.sms.label.id}), on ${demo.sms.contacts} demo contacts`,
      `  SMS sink        ${demo.sms.sink}  (what one-off campaigns would have sent)`,
      `  Administrator   ${demo.admin.email}`,
      `    token         ${demo.admin.token}`,
      `  Agent           ${demo.agent.email}`,
      `    token         ${demo.agent.token}`,
      "",
      "  Try it:",
      `    curl -H 'api_access_token: ${demo.admin.token}' ${url}/api/v1/profile`,
      `    curl -H 'Authorization: Bearer ${demo.agency.token}' ${url}/api/v1/agency/accounts`,
      `    curl -X POST -H 'content-type: application/json' -d '{"name":"Vera"}' ${url}/public/api/v1/inboxes/${demo.inbox.website_token}/contacts`,
      `    realtime: ${url.replace(/^http/, "ws")}/cable (ActionCable, RoomChannel; see README)`,
      "",
    ].join("\n"),
  );
}
