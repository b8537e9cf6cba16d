import { describe, expect, it } from "vitest";
import { campaignUrlMatches, validCampaignUrlPattern } from "../../src/domain/url-patterns";

// Every example of Chatwoot's "Wildcard URL support in website live-chat campaigns", one per test.
describe("the exact URL (the seed's examples)", () => {
  it("matches https://chatwoot.com/app with https://chatwoot.com/app/", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app", "https://chatwoot.com/app/")).toBe(true);
  });

  it("matches https://chatwoot.com/app with https://chatwoot.com/app?test_param=1", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app", "https://chatwoot.com/app?test_param=1")).toBe(true);
  });

  it("does not match https://chatwoot.com/app?test_param=test_value with https://chatwoot.com/app", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app?test_param=test_value", "https://chatwoot.com/app")).toBe(false);
  });

  it("does not match https://chatwoot.com/app?test_param=test_value with https://chatwoot.com/app#test_hash_param", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app?test_param=test_value", "https://chatwoot.com/app#test_hash_param")).toBe(false);
  });
});

describe("a trailing slash ignores the URL parameters (the seed's examples)", () => {
  it("matches https://chatwoot.com/app/ with https://chatwoot.com/app/", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app/", "https://chatwoot.com/app/")).toBe(true);
  });

  it("matches https://chatwoot.com/app/ with https://chatwoot.com/app", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app/", "https://chatwoot.com/app")).toBe(true);
  });

  it("matches https://chatwoot.com/app/ with https://chatwoot.com/app/?test=1", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app/", "https://chatwoot.com/app/?test=1")).toBe(true);
  });

  it("matches https://chatwoot.com/app/ with https://chatwoot.com/app/#test", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app/", "https://chatwoot.com/app/#test")).toBe(true);
  });
});

describe("* matches all sub-directories (the seed's examples)", () => {
  it("matches https://chatwoot.com/* with https://chatwoot.com/", () => {
    expect(campaignUrlMatches("https://chatwoot.com/*", "https://chatwoot.com/")).toBe(true);
  });

  it("matches https://chatwoot.com/* with https://chatwoot.com/app", () => {
    expect(campaignUrlMatches("https://chatwoot.com/*", "https://chatwoot.com/app")).toBe(true);
  });

  it("matches https://chatwoot.com/* with https://chatwoot.com/app/subdirectory", () => {
    expect(campaignUrlMatches("https://chatwoot.com/*", "https://chatwoot.com/app/subdirectory")).toBe(true);
  });
});

describe("{*.}? matches the domain and its subdomains (the seed's examples)", () => {
  it("matches https://{*.}?chatwoot.com/ with https://chatwoot.com", () => {
    expect(campaignUrlMatches("https://{*.}?chatwoot.com/", "https://chatwoot.com")).toBe(true);
  });

  it("matches https://{*.}?chatwoot.com/ with https://app.chatwoot.com", () => {
    expect(campaignUrlMatches("https://{*.}?chatwoot.com/", "https://app.chatwoot.com")).toBe(true);
  });

  it("matches https://{*.}?chatwoot.com/ with https://www.chatwoot.com", () => {
    expect(campaignUrlMatches("https://{*.}?chatwoot.com/", "https://www.chatwoot.com")).toBe(true);
  });
});

describe("the exact URL, further", () => {
  it("matches the very same URL", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app", "https://chatwoot.com/app")).toBe(true);
  });

  it("ignores the hash of the page when the pattern has none", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app", "https://chatwoot.com/app#pricing")).toBe(true);
  });

  it("does not match another page", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app", "https://chatwoot.com/pricing")).toBe(false);
  });

  it("does not match a page below it", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app", "https://chatwoot.com/app/settings")).toBe(false);
  });

  it("does not match a page whose path merely starts with it", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app", "https://chatwoot.com/apple")).toBe(false);
  });

  it("compares paths case-sensitively", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app", "https://chatwoot.com/APP")).toBe(false);
  });

  it("matches a pattern's query with the same query", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app?test_param=test_value", "https://chatwoot.com/app?test_param=test_value")).toBe(true);
  });

  it("matches a pattern's query on the page with a trailing slash", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app?test_param=test_value", "https://chatwoot.com/app/?test_param=test_value")).toBe(true);
  });

  it("does not match a pattern's query with another value", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app?test_param=test_value", "https://chatwoot.com/app?test_param=other")).toBe(false);
  });

  it("does not match a pattern's query with extra parameters", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app?test_param=test_value", "https://chatwoot.com/app?test_param=test_value&x=1")).toBe(false);
  });

  it("matches a pattern's hash only with that hash", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app#pricing", "https://chatwoot.com/app#pricing")).toBe(true);
    expect(campaignUrlMatches("https://chatwoot.com/app#pricing", "https://chatwoot.com/app#faq")).toBe(false);
    expect(campaignUrlMatches("https://chatwoot.com/app#pricing", "https://chatwoot.com/app")).toBe(false);
  });

  it("matches the site's root with and without a slash", () => {
    expect(campaignUrlMatches("https://chatwoot.com", "https://chatwoot.com/")).toBe(true);
    expect(campaignUrlMatches("https://chatwoot.com/", "https://chatwoot.com")).toBe(true);
  });

  it("does not match a page under the root for the root alone", () => {
    expect(campaignUrlMatches("https://chatwoot.com/", "https://chatwoot.com/app")).toBe(false);
  });
});

describe("scheme, host and port", () => {
  it("does not match http with https", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app", "http://chatwoot.com/app")).toBe(false);
  });

  it("does not match https with http", () => {
    expect(campaignUrlMatches("http://chatwoot.com/app", "https://chatwoot.com/app")).toBe(false);
  });

  it("compares hosts and schemes case-insensitively", () => {
    expect(campaignUrlMatches("HTTPS://ChatWoot.COM/app", "https://chatwoot.com/app")).toBe(true);
    expect(campaignUrlMatches("https://chatwoot.com/app", "https://CHATWOOT.com/app")).toBe(true);
  });

  it("does not match another domain", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app", "https://chatwoot.org/app")).toBe(false);
  });

  it("does not match a subdomain without {*.}?", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app", "https://www.chatwoot.com/app")).toBe(false);
  });

  it("does not match a page on another port", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app", "https://chatwoot.com:8443/app")).toBe(false);
  });

  it("matches a pattern's port only on that port", () => {
    expect(campaignUrlMatches("http://localhost:3000/app", "http://localhost:3000/app")).toBe(true);
    expect(campaignUrlMatches("http://localhost:3000/app", "http://localhost:4000/app")).toBe(false);
    expect(campaignUrlMatches("http://localhost:3000/app", "http://localhost/app")).toBe(false);
  });

  it("treats the scheme's default port as no port", () => {
    expect(campaignUrlMatches("https://chatwoot.com:443/app", "https://chatwoot.com/app")).toBe(true);
    expect(campaignUrlMatches("https://chatwoot.com/app", "https://chatwoot.com:443/app")).toBe(true);
  });

  it("ignores credentials in the page URL", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app", "https://user:secret@chatwoot.com/app")).toBe(true);
  });
});

describe("{*.}?, further", () => {
  it("does not match a domain that merely ends with the name", () => {
    expect(campaignUrlMatches("https://{*.}?chatwoot.com/", "https://notchatwoot.com/")).toBe(false);
  });

  it("does not match the name followed by another domain", () => {
    expect(campaignUrlMatches("https://{*.}?chatwoot.com/", "https://chatwoot.com.evil.test/")).toBe(false);
  });

  it("matches subdomains several levels deep", () => {
    expect(campaignUrlMatches("https://{*.}?chatwoot.com/", "https://eu.app.chatwoot.com/")).toBe(true);
  });

  it("still compares the path", () => {
    expect(campaignUrlMatches("https://{*.}?chatwoot.com/pricing", "https://app.chatwoot.com/pricing/")).toBe(true);
    expect(campaignUrlMatches("https://{*.}?chatwoot.com/pricing", "https://app.chatwoot.com/blog")).toBe(false);
  });

  it("combines with * for every page of every subdomain", () => {
    expect(campaignUrlMatches("https://{*.}?chatwoot.com/*", "https://app.chatwoot.com/a/b?c=d#e")).toBe(true);
  });
});

describe("*, further", () => {
  it("matches in the middle of a path across directories", () => {
    expect(campaignUrlMatches("https://chatwoot.com/*/pricing", "https://chatwoot.com/en/pricing")).toBe(true);
    expect(campaignUrlMatches("https://chatwoot.com/*/pricing", "https://chatwoot.com/en/us/pricing")).toBe(true);
    expect(campaignUrlMatches("https://chatwoot.com/*/pricing", "https://chatwoot.com/en/blog")).toBe(false);
  });

  it("matches a directory with and without its trailing slash under /dir/*", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app/*", "https://chatwoot.com/app")).toBe(true);
    expect(campaignUrlMatches("https://chatwoot.com/app/*", "https://chatwoot.com/app/")).toBe(true);
    expect(campaignUrlMatches("https://chatwoot.com/app/*", "https://chatwoot.com/apple")).toBe(false);
  });

  it("matches any query when it stands in the pattern's query", () => {
    expect(campaignUrlMatches("https://chatwoot.com/app?ref=*", "https://chatwoot.com/app?ref=newsletter")).toBe(true);
    expect(campaignUrlMatches("https://chatwoot.com/app?ref=*", "https://chatwoot.com/app?utm=newsletter")).toBe(false);
  });

  it("stands for the subdomains of a host (a host wildcard)", () => {
    expect(validCampaignUrlPattern("https://*.chatwoot.com/")).toBe(true);
    expect(campaignUrlMatches("https://*.chatwoot.com/", "https://app.chatwoot.com/")).toBe(true);
    expect(campaignUrlMatches("https://*.chatwoot.com/", "https://chatwoot.com/")).toBe(false);
    expect(campaignUrlMatches("https://*.chatwoot.com/", "https://app.chatwoot.org/")).toBe(false);
  });

  it("refuses more than two wildcards in one part of the pattern", () => {
    expect(validCampaignUrlPattern("https://chatwoot.com/*/a/*/b")).toBe(true);
    expect(validCampaignUrlPattern("https://chatwoot.com/*a*a*b")).toBe(false);
    expect(validCampaignUrlPattern("https://chatwoot.com/:lang/:page/*")).toBe(false);
    expect(campaignUrlMatches(`https://chatwoot.com/${"*a".repeat(500)}b`, "https://chatwoot.com/aaa")).toBe(false);
  });

  it("stays fast on the slowest pattern it accepts", () => {
    const url = `https://chatwoot.com/${"a".repeat(2000)}`;
    const started = Date.now();
    expect(campaignUrlMatches("https://chatwoot.com/*a*b", url)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("characters that need encoding", () => {
  it("matches a non-ASCII path with its percent-encoded spelling", () => {
    expect(campaignUrlMatches("https://chatwoot.com/café", "https://chatwoot.com/caf%C3%A9")).toBe(true);
    expect(campaignUrlMatches("https://chatwoot.com/caf%C3%A9", "https://chatwoot.com/café")).toBe(true);
  });

  it("ignores the case of percent-escapes", () => {
    expect(campaignUrlMatches("https://chatwoot.com/caf%c3%a9", "https://chatwoot.com/caf%C3%A9")).toBe(true);
  });

  it("matches an escaped unreserved character with the character itself", () => {
    expect(campaignUrlMatches("https://chatwoot.com/%7Eada", "https://chatwoot.com/~ada")).toBe(true);
  });

  it("keeps an escaped slash apart from a slash", () => {
    expect(campaignUrlMatches("https://chatwoot.com/a%2Fb", "https://chatwoot.com/a/b")).toBe(false);
  });

  it("treats a dot in the path literally", () => {
    expect(campaignUrlMatches("https://chatwoot.com/a.b", "https://chatwoot.com/a.b")).toBe(true);
    expect(campaignUrlMatches("https://chatwoot.com/a.b", "https://chatwoot.com/axb")).toBe(false);
  });

  it("refuses a regular-expression group", () => {
    expect(validCampaignUrlPattern("https://chatwoot.com/(a)+[b]$")).toBe(false);
    expect(validCampaignUrlPattern("https://chatwoot.com/:id(\\d+)")).toBe(false);
    expect(campaignUrlMatches("https://chatwoot.com/(a)+", "https://chatwoot.com/aa")).toBe(false);
  });

  it("matches an escaped parenthesis literally", () => {
    expect(campaignUrlMatches("https://chatwoot.com/\\(a\\)", "https://chatwoot.com/(a)")).toBe(true);
  });

  it("treats a dot in the domain literally", () => {
    expect(campaignUrlMatches("https://{*.}?chat.woot.com/", "https://chatxwoot.com/")).toBe(false);
  });

  it("matches an internationalized domain with its punycode", () => {
    expect(campaignUrlMatches("https://bücher.example/", "https://xn--bcher-kva.example/")).toBe(true);
  });
});

describe("invalid patterns and URLs", () => {
  const invalid = [
    "",
    "chatwoot.com/app",
    "//chatwoot.com/app",
    "ftp://chatwoot.com/",
    "javascript:alert(1)",
    "https://",
    "https:///app",
    "https://{*.}?/",
    "https://user@chatwoot.com/",
    "https://chat woot.com/",
    "https://chatwoot.com/a b",
    "https://chatwoot.com\\@evil.test/",
    "https://*/",
    "https://chatwoot.com:99999/",
    "https://[::1/",
    `https://chatwoot.com/${"a".repeat(2100)}`,
  ];

  for (const pattern of invalid) {
    it(`refuses ${JSON.stringify(pattern.slice(0, 40))} as a pattern and matches nothing with it`, () => {
      expect(validCampaignUrlPattern(pattern)).toBe(false);
      expect(() => campaignUrlMatches(pattern, "https://chatwoot.com/")).not.toThrow();
      expect(campaignUrlMatches(pattern, "https://chatwoot.com/")).toBe(false);
    });
  }

  it("accepts every pattern of the seed", () => {
    for (const pattern of [
      "https://chatwoot.com/app",
      "https://chatwoot.com/app?test_param=test_value",
      "https://chatwoot.com/app/",
      "https://chatwoot.com/*",
      "https://{*.}?chatwoot.com/",
      "http://localhost:3000/",
    ]) {
      expect(validCampaignUrlPattern(pattern), pattern).toBe(true);
    }
  });

  it("matches nothing for a page URL that is not a URL", () => {
    for (const url of ["", "not a url", "/app", "chatwoot.com/app", "https://"]) {
      expect(campaignUrlMatches("https://chatwoot.com/*", url), url).toBe(false);
    }
  });

  it("matches no page of another scheme", () => {
    expect(campaignUrlMatches("https://chatwoot.com/*", "file:///chatwoot.com/app")).toBe(false);
  });
});

describe("the URL Pattern standard, as Chatwoot's widget uses it", () => {
  // Chatwoot's widget spec, app/javascript/widget/helpers/specs/campaignHelper.spec.js
  // (`isPatternMatchingWithURL`, which builds a URLPattern from the campaign's URL).
  const chatwootCases: [string, string][] = [
    ["https://www.buzzcrm.ai*", "https://www.buzzcrm.ai"],
    ["https://*.chatwoot.com/pricing/", "https://app.chatwoot.com/pricing/"],
    ["https://{*.}?chatwoot.com/pricing?test=true", "https://app.chatwoot.com/pricing/?test=true"],
    ["https://{*.}?chatwoot.com/pricing*\\?*", "https://chatwoot.com/pricing/?test=true"],
  ];

  for (const [pattern, url] of chatwootCases) {
    it(`matches ${pattern} with ${url}`, () => {
      expect(campaignUrlMatches(pattern, url)).toBe(true);
    });
  }

  it("matches a named path segment with one segment only", () => {
    expect(campaignUrlMatches("https://chatwoot.com/:lang/pricing", "https://chatwoot.com/fr/pricing")).toBe(true);
    expect(campaignUrlMatches("https://chatwoot.com/:lang/pricing", "https://chatwoot.com/fr/ca/pricing")).toBe(false);
  });

  it("reads {*.}? after a label as the standard does", () => {
    expect(campaignUrlMatches("https://www.{*.}?chatwoot.com/", "https://www.chatwoot.com/")).toBe(true);
    expect(campaignUrlMatches("https://www.{*.}?chatwoot.com/", "https://www.eu.chatwoot.com/")).toBe(true);
    expect(campaignUrlMatches("https://www.{*.}?chatwoot.com/", "https://chatwoot.com/")).toBe(false);
  });

  it("matches a wildcard in the host across its labels", () => {
    expect(campaignUrlMatches("https://www.buzzcrm.ai*", "https://www.buzzcrm.ai.example/")).toBe(true);
  });
});
