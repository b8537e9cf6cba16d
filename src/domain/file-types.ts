/**
 * Which files Parley stores: an allowlist of content types, each recognised by its first bytes
 * (magic numbers), so a file is kept only when what it claims to be and what it is agree. The type
 * stored with the file, and later served, is always one of these, never the uploader's header as sent.
 */

/** How a file's bytes are recognised; several declared types share a container (ZIP, OLE, ISO media). */
type Signature =
  | "png"
  | "jpeg"
  | "gif"
  | "webp"
  | "bmp"
  | "tiff"
  | "heic"
  | "pdf"
  | "zip"
  | "ole"
  | "rtf"
  | "mp3"
  | "wav"
  | "ogg"
  | "flac"
  | "aac"
  | "isomedia"
  | "webm"
  | "avi"
  | "text";

/** Every type a file may be stored as, and the signature its bytes must have. */
export const ALLOWED_FILE_TYPES: Readonly<Record<string, Signature>> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/jpg": "jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/bmp": "bmp",
  "image/tiff": "tiff",
  "image/heic": "heic",
  "image/heif": "heic",
  "application/pdf": "pdf",
  "application/zip": "zip",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "zip",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "zip",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "zip",
  "application/vnd.oasis.opendocument.text": "zip",
  "application/vnd.oasis.opendocument.spreadsheet": "zip",
  "application/vnd.oasis.opendocument.presentation": "zip",
  "application/msword": "ole",
  "application/vnd.ms-excel": "ole",
  "application/vnd.ms-powerpoint": "ole",
  "application/rtf": "rtf",
  "audio/mpeg": "mp3",
  "audio/mp3": "mp3",
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/ogg": "ogg",
  "audio/opus": "ogg",
  "audio/flac": "flac",
  "audio/aac": "aac",
  "audio/mp4": "isomedia",
  "audio/x-m4a": "isomedia",
  "audio/webm": "webm",
  "video/mp4": "isomedia",
  "video/quicktime": "isomedia",
  "video/3gpp": "isomedia",
  "video/webm": "webm",
  "video/ogg": "ogg",
  "video/x-msvideo": "avi",
  "text/plain": "text",
  "text/csv": "text",
  "text/markdown": "text",
  "text/calendar": "text",
  "text/vcard": "text",
};

/** The type a file is stored as when its upload declares none (or only application/octet-stream). */
const DEFAULT_TYPE_OF: Record<Signature, string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  bmp: "image/bmp",
  tiff: "image/tiff",
  heic: "image/heic",
  pdf: "application/pdf",
  zip: "application/zip",
  ole: "application/msword",
  rtf: "application/rtf",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  ogg: "audio/ogg",
  flac: "audio/flac",
  aac: "audio/aac",
  isomedia: "video/mp4",
  webm: "video/webm",
  avi: "video/x-msvideo",
  text: "text/plain",
};

/** How many first bytes `signatureOf` needs. */
export const SNIFF_BYTES = 4096;

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));
const startsWith = (bytes: Uint8Array, prefix: readonly number[], offset = 0) =>
  bytes.length >= offset + prefix.length && prefix.every((byte, index) => bytes[offset + index] === byte);
const startsWithText = (bytes: Uint8Array, text: string, offset = 0) => startsWith(bytes, ascii(text), offset);

const HEIC_BRANDS = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "avif"]);

/** Text: UTF-8 (a BOM allowed) without NUL or other control bytes but tab, line feed, form feed and carriage return. */
function isText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (const byte of bytes) if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) return false;
  try {
    // A multi-byte character cut at the end of the sample is not a reason to refuse.
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes.subarray(0, trimPartialCharacter(bytes)));
    return true;
  } catch {
    return false;
  }
}

function trimPartialCharacter(bytes: Uint8Array): number {
  let end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = bytes[end - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    if (needed > back) end -= back;
    break;
  }
  return end;
}

/** A BMP file header: reserved bytes zero and a known DIB header size, so text that starts with "BM" stays text. */
function isBitmapHeader(bytes: Uint8Array): boolean {
  if (bytes.length < 18 || !startsWith(bytes, [0, 0, 0, 0], 6)) return false;
  const dibSize = (bytes[14] ?? 0) | ((bytes[15] ?? 0) << 8) | ((bytes[16] ?? 0) << 16) | ((bytes[17] ?? 0) << 24);
  return [12, 40, 52, 56, 64, 108, 124].includes(dibSize);
}

/** What the bytes are, from their first SNIFF_BYTES; null when they are none of the allowed kinds. */
export function signatureOf(bytes: Uint8Array): Signature | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWithText(bytes, "GIF87a") || startsWithText(bytes, "GIF89a")) return "gif";
  if (startsWithText(bytes, "RIFF") && startsWithText(bytes, "WEBP", 8)) return "webp";
  if (startsWithText(bytes, "RIFF") && startsWithText(bytes, "WAVE", 8)) return "wav";
  if (startsWithText(bytes, "RIFF") && startsWithText(bytes, "AVI ", 8)) return "avi";
  if (startsWithText(bytes, "BM") && isBitmapHeader(bytes)) return "bmp";
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return "tiff";
  if (startsWithText(bytes, "ftyp", 4)) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12));
    return HEIC_BRANDS.has(brand) ? "heic" : "isomedia";
  }
  if (startsWithText(bytes, "%PDF-")) return "pdf";
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return "zip";
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return "ole";
  if (startsWithText(bytes, "{\\rtf")) return "rtf";
  if (startsWithText(bytes, "ID3") || (bytes.length >= 2 && bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe6) === 0xe2)) return "mp3";
  if (startsWithText(bytes, "OggS")) return "ogg";
  if (startsWithText(bytes, "fLaC")) return "flac";
  if (bytes.length >= 2 && bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xf6) === 0xf0) return "aac";
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return "webm";
  if (isText(bytes)) return "text";
  return null;
}

/** `text/plain; charset=utf-8` → `text/plain`. */
const essence = (type: string) => type.split(";")[0]?.trim().toLowerCase() ?? "";

export type FileTypeVerdict = { ok: true; contentType: string } | { ok: false; reason: string };

/**
 * The type to store a file as: its declared type when that is allowed and its bytes match it, the
 * type its bytes show when it declares none; otherwise the reason it is refused.
 */
export function checkFileType(declared: string, firstBytes: Uint8Array): FileTypeVerdict {
  const signature = signatureOf(firstBytes.subarray(0, SNIFF_BYTES));
  const claimed = essence(declared);
  if (claimed === "" || claimed === "application/octet-stream") {
    return signature ? { ok: true, contentType: DEFAULT_TYPE_OF[signature] } : { ok: false, reason: "This kind of file is not accepted." };
  }
  const expected = Object.hasOwn(ALLOWED_FILE_TYPES, claimed) ? ALLOWED_FILE_TYPES[claimed] : undefined;
  if (!expected) return { ok: false, reason: `Files of type ${claimed} are not accepted.` };
  if (signature !== expected) return { ok: false, reason: `The file's content is not ${claimed}.` };
  return { ok: true, contentType: claimed };
}

/** Whether `type` is one Parley stores (and so may serve as is). */
export const isAllowedFileType = (type: string) => Object.hasOwn(ALLOWED_FILE_TYPES, essence(type));
