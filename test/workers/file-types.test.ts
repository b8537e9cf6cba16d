import { describe, expect, it } from "vitest";
import { checkFileType, signatureOf } from "../../src/domain/file-types";
import { bytesOf, REAL_FILE_HEADERS } from "./file-headers";

const text = (value: string) => new TextEncoder().encode(value);

describe("the file type allowlist", () => {
  it("recognises the first bytes of real images, documents, audio, video and text as what they are", () => {
    for (const header of REAL_FILE_HEADERS) {
      expect(checkFileType(header.type, bytesOf(header.hex)), `${header.name} (${header.source})`).toEqual({ ok: true, contentType: header.type });
    }
  });

  it("stores a file that declares no type as the type its bytes show", () => {
    const png = REAL_FILE_HEADERS.find((header) => header.name === "png");
    expect(checkFileType("", bytesOf(png?.hex ?? ""))).toEqual({ ok: true, contentType: "image/png" });
    expect(checkFileType("application/octet-stream", text("plain notes"))).toEqual({ ok: true, contentType: "text/plain" });
  });

  it("refuses HTML that declares itself an image", () => {
    expect(checkFileType("image/png", text("<html><script>alert(document.cookie)</script></html>"))).toMatchObject({ ok: false });
  });

  it("refuses types outside the allowlist whatever the bytes", () => {
    for (const type of ["text/html", "image/svg+xml", "application/javascript", "application/x-msdownload", "toString", "constructor"]) {
      expect(checkFileType(type, text("hello")).ok, type).toBe(false);
    }
  });

  it("refuses a file whose bytes are none of the allowed kinds when it declares no type", () => {
    // A Windows executable (MZ) and an ELF binary.
    expect(checkFileType("", bytesOf("4d5a90000300000004000000ffff0000")).ok).toBe(false);
    expect(checkFileType("", bytesOf("7f454c46020101000000000000000000")).ok).toBe(false);
  });

  it("refuses an image whose bytes are another image's", () => {
    const gif = REAL_FILE_HEADERS.find((header) => header.name === "gif");
    expect(checkFileType("image/png", bytesOf(gif?.hex ?? "")).ok).toBe(false);
  });

  it("keeps text that starts with BM or ID-like letters as text", () => {
    expect(signatureOf(text("BMW service booking for Tuesday"))).toBe("text");
    expect(signatureOf(text("Order 123, naïve café — ünïcödé"))).toBe("text");
  });

  it("accepts a parameter on the declared type and stores its essence", () => {
    expect(checkFileType("text/csv; charset=utf-8", text("a,b\n1,2\n"))).toEqual({ ok: true, contentType: "text/csv" });
  });
});
