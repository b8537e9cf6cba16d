import { describe, expect, it } from "vitest";
import { webLink, webUrl } from "../../src/domain/web-url";

describe("links that reach a browser", () => {
  it("keeps http and https URLs", () => {
    expect(webUrl("https://example.com/a?b=1")).toBe("https://example.com/a?b=1");
    expect(webUrl("http://shop.example.com:8080/")).toBe("http://shop.example.com:8080/");
  });

  it("drops javascript:, data:, vbscript:, file: and anything that is not a URL", () => {
    for (const value of [
      "javascript:alert(1)",
      "JAVASCRIPT:alert(1)",
      " javascript:alert(1)",
      "java\tscript:alert(1)",
      "data:text/html,<b>",
      "vbscript:x",
      "file:///etc/passwd",
      "not a url",
      "",
      42,
      null,
    ]) {
      expect(webUrl(value), String(value)).toBeNull();
      expect(webLink(value), String(value)).toBeNull();
    }
  });

  it("reads an interactive message's host-only link as https, as Chatwoot's example card writes it", () => {
    expect(webLink("google.com")).toBe("https://google.com/");
    expect(webLink("example.com/shoes?id=1")).toBe("https://example.com/shoes?id=1");
    expect(webLink("/relative")).toBeNull();
    expect(webLink("//evil.example/x")).toBeNull();
    expect(webLink("localhost")).toBeNull();
  });
});
