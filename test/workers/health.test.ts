import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("answers /health when D1 is reachable", async () => {
  const res = await exports.default.fetch("http://parley.test/health");
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: "ok" });
});
