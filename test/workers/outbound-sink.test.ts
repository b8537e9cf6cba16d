import { describe, expect, it } from "vitest";
import { programSink, sinkHost, sinkRequests } from "./outbound";

describe("the tests' outbound sink", () => {
  it("records what a sink host receives and answers as programmed", async () => {
    const host = sinkHost();
    await programSink(host, [{ status: 503 }]);
    const first = await fetch(`https://${host}/hook`, { method: "POST", body: "one", headers: { "x-test": "1" } });
    const second = await fetch(`https://${host}/hook`, { method: "POST", body: "two" });
    expect([first.status, second.status]).toEqual([503, 200]);
    const requests = await sinkRequests(host);
    expect(requests.map((request) => request.body)).toEqual(["one", "two"]);
    expect(requests[0]?.headers["x-test"]).toBe("1");
  });

  it("refuses hosts outside the sink", async () => {
    const response = await fetch("https://example.com/");
    expect(response.status).toBe(502);
  });
});
