import { describe, expect, it } from "vitest";
import { checkDestination, classifyHost, parseIpv4, parseIpv6 } from "../../src/domain/destination-guard";

const refusal = (url: string) => {
  const check = checkDestination(url, { allowPrivate: false });
  return check.ok ? null : check.reason;
};

describe("the outbound destination guard", () => {
  it("allows public http and https destinations", () => {
    for (const url of [
      "https://example.com/hooks/parley",
      "http://hooks.example.com:8080/x?y=1",
      "https://8.8.8.8/",
      "http://172.32.0.1/",
      "http://192.169.0.1/",
      "https://[2606:4700:4700::1111]/",
      "https://receiver.sink.test/hook",
    ]) {
      expect(refusal(url), url).toBeNull();
    }
  });

  it("allows only http and https", () => {
    for (const url of ["ftp://example.com/", "file:///etc/passwd", "javascript:alert(1)", "gopher://example.com/", "ws://example.com/"]) {
      expect(refusal(url), url).toBe("unsupported_scheme");
    }
    expect(refusal("not a url")).toBe("invalid_url");
  });

  it("refuses loopback in every spelling", () => {
    for (const url of [
      "http://127.0.0.1/",
      "http://127.255.255.254:9000/",
      "http://127.1/",
      "http://2130706433/",
      "http://0x7f000001/",
      "http://0x7f.0.0.1/",
      "http://0177.0.0.1/",
      "http://017700000001/",
      "http://localhost/",
      "http://LOCALHOST./",
      "http://localhost:8787/dev/sinks/webhooks/mine",
      "http://api.localhost/",
      "http://[::1]/",
      "http://[0:0:0:0:0:0:0:1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://[::ffff:7f00:1]/",
      "http://[::127.0.0.1]/",
      "http://[64:ff9b::7f00:1]/",
      "http://[2002:7f00:1::]/",
    ]) {
      expect(refusal(url), url).toBe("loopback");
    }
  });

  it("refuses private networks (RFC 1918, shared address space, unique local IPv6)", () => {
    for (const url of [
      "http://10.0.0.1/",
      "http://10.255.255.255/",
      "http://172.16.0.1/",
      "http://172.31.255.255/",
      "http://192.168.1.10/",
      "http://100.64.0.1/",
      "http://167772161/",
      "http://0xa.0.0.1/",
      "http://[fd00::1]/",
      "http://[fc00::1]/",
      "http://[::ffff:10.0.0.1]/",
      "http://[::ffff:192.168.0.1]/",
      "http://[fec0::1]/",
    ]) {
      expect(refusal(url), url).toBe("private");
    }
  });

  it("refuses link-local addresses, cloud metadata included", () => {
    for (const url of [
      "http://169.254.169.254/latest/meta-data/",
      "http://169.254.0.1/",
      "http://2852039166/",
      "http://0xa9.0xfe.0xa9.0xfe/",
      "http://[fe80::1]/",
      "http://[febf::1]/",
      "http://[::ffff:169.254.169.254]/",
      "http://[::ffff:a9fe:a9fe]/",
    ]) {
      expect(refusal(url), url).toBe("link_local");
    }
  });

  it("refuses unspecified addresses", () => {
    for (const url of ["http://0.0.0.0/", "http://0/", "http://[::]/", "http://0.0.0.0:8787/"]) {
      expect(refusal(url), url).toBe("unspecified");
    }
  });

  it("refuses reserved, multicast and broadcast addresses", () => {
    for (const url of ["http://255.255.255.255/", "http://224.0.0.1/", "http://240.0.0.1/", "http://198.18.0.1/", "http://[ff02::1]/"]) {
      expect(refusal(url), url).toBe("reserved");
    }
  });

  it("refuses names that only resolve inside a local network", () => {
    for (const url of ["http://intranet/", "http://metadata.google.internal/", "http://printer.local/", "http://router.home.arpa/"]) {
      expect(refusal(url), url).toBe("local_name");
    }
  });

  it("allows private destinations when the installation does, but never other schemes", () => {
    const allowPrivate = { allowPrivate: true };
    expect(checkDestination("http://localhost:8787/dev/sinks/webhooks/mine", allowPrivate).ok).toBe(true);
    expect(checkDestination("http://169.254.169.254/", allowPrivate).ok).toBe(true);
    expect(checkDestination("file:///etc/passwd", allowPrivate)).toMatchObject({ ok: false, reason: "unsupported_scheme" });
  });

  it("classifies bare hosts as well as URLs", () => {
    expect(classifyHost("127.0.0.1")).toBe("loopback");
    expect(classifyHost("[::1]")).toBe("loopback");
    expect(classifyHost("::ffff:10.1.2.3")).toBe("private");
    expect(classifyHost("api.twilio.com")).toBeNull();
    expect(classifyHost("256.1.1.1")).toBe("invalid_url");
  });

  it("reads IPv4 addresses the way URL parsers do", () => {
    expect(parseIpv4("127.1")).toBe(0x7f000001);
    expect(parseIpv4("0x7f.1")).toBe(0x7f000001);
    expect(parseIpv4("0177.0.0.01")).toBe(0x7f000001);
    expect(parseIpv4("4294967295")).toBe(0xffffffff);
    expect(parseIpv4("4294967296")).toBe("invalid");
    expect(parseIpv4("1.2.3.4.5")).toBe("invalid");
    expect(parseIpv4("example.com")).toBeNull();
    expect(parseIpv4("1.2.example")).toBeNull();
  });

  it("reads IPv6 addresses, compressed and with an IPv4 tail", () => {
    expect(parseIpv6("::1")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIpv6("::")).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIpv6("fe80::1:2")).toEqual([0xfe80, 0, 0, 0, 0, 0, 1, 2]);
    expect(parseIpv6("::ffff:1.2.3.4")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(parseIpv6("1:2:3:4:5:6:1.2.3.4")).toEqual([1, 2, 3, 4, 5, 6, 0x102, 0x304]);
    expect(parseIpv6("1::2::3")).toBeNull();
    expect(parseIpv6("1:2:3:4:5:6:7:8:9")).toBeNull();
    expect(parseIpv6("fe80::1%eth0")).toBeNull();
  });
});
