// What authentication and tenant scoping cost per request. Baseline, measured in the same run:
// GET /health, which does one D1 round trip and no auth. The others add token lookup (SHA-256 and
// a constant-time compare) and, on account routes, the membership query.
import { measure, printTable, withPlatform } from "./lib.mjs";

export default async function apiAuthBench() {
  await withPlatform(async ({ baseUrl, vars }) => {
    const post = async (path, token, body) => {
      const res = await fetch(`${baseUrl}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return res.json();
    };
    const agency = await post("/platform/api/v1/agencies", vars.PLATFORM_TOKEN, { name: "Bench agency" });
    const account = await post("/api/v1/agency/accounts", agency.access_token, { name: "Bench account" });
    const admin = await post(`/api/v1/agency/accounts/${account.id}/users`, agency.access_token, {
      name: "Bench admin",
      email: "bench@example.test",
      role: "administrator",
    });
    const get =
      (path, headers = {}) =>
      () =>
        fetch(`${baseUrl}${path}`, { headers }).then(async (res) => (await res.arrayBuffer(), res));
    const bearer = { authorization: `Bearer ${admin.access_token}` };

    const scenarios = [
      ["GET /health (baseline)", get("/health")],
      ["GET /api/v1/profile", get("/api/v1/profile", bearer)],
      ["GET /api/v1/profile (api_access_token)", get("/api/v1/profile", { api_access_token: admin.access_token })],
      [`GET /api/v1/accounts/:id`, get(`/api/v1/accounts/${account.id}`, bearer)],
      ["GET /api/v1/agency/accounts", get("/api/v1/agency/accounts", { authorization: `Bearer ${agency.access_token}` })],
      ["GET /api/v1/profile (bad token, 401)", get("/api/v1/profile", { authorization: "Bearer pus_0000000000000000_" + "A".repeat(43) })],
    ];
    const rows = [];
    for (const [name, request] of scenarios) {
      const figures = await measure(request, { total: 1000, concurrency: 10 });
      rows.push({ name, ...figures, failures: name.includes("401") ? 0 : figures.failures });
    }
    printTable(rows, "GET /health (baseline)");
  });
}
