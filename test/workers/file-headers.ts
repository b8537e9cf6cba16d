/**
 * The first 64 bytes of real files, with where each came from, for the file type allowlist's tests.
 * Those without a source file on hand are the headers their usual writers produce (noted).
 */
export type FileHeader = { name: string; type: string; source: string; hex: string };

export const REAL_FILE_HEADERS: FileHeader[] = [
  {
    name: "png",
    type: "image/png",
    source: "Python's test/imghdrdata/python.png",
    hex: "89504e470d0a1a0a0000000d4948445200000010000000100803000000282d0f53000000206348524d00007a26000080840000fa00000080e8000075300000ea",
  },
  {
    name: "jpeg",
    type: "image/jpeg",
    source: "Python's test/imghdrdata/python.jpg",
    hex: "ffd8ffe000104a46494600010101000100010000ffdb004300030202020202030202020303030304060404040404080606050609080a0a090809090a0c0f0c0a",
  },
  {
    name: "gif",
    type: "image/gif",
    source: "Python's test/imghdrdata/python.gif",
    hex: "47494638396110001000f66400ebbb18ebbe21f3c11afac719fdcb1bffcc1cebc22affcf23ffcf24ffd025ffd026ffd32dfdd22fffd32effd32febc534e8c73d",
  },
  {
    name: "webp",
    type: "image/webp",
    source: "Python's test/imghdrdata/python.webp",
    hex: "52494646a801000057454250565038580a000000100000000f00000f0000414c5048c30000000127a2a89124e57ae7185fe7df2a998898ff74718de02630e2e1",
  },
  {
    name: "bmp",
    type: "image/bmp",
    source: "Python's test/imghdrdata/python.bmp",
    hex: "424d8a040000000000008a0000007c0000001000000010000000010020000300000000040000000000000000000000000000000000000000ff0000ff0000ff00",
  },
  {
    name: "tiff",
    type: "image/tiff",
    source: "Python's test/imghdrdata/python.tiff",
    hex: "49492a0008040000000000000000000000000000000000004e8dc0af4a86baed4883b4ff447eadff4078a7ff3c719ef7376896920000000b0000000300000000",
  },
  {
    name: "pdf",
    type: "application/pdf",
    source: "libtasn1's manual (Debian's libtasn1-doc)",
    hex: "255044462d312e350a25d0d4c5d80a312030206f626a0a3c3c0a2f4c656e67746820353837202020202020200a2f46696c746572202f466c6174654465636f64",
  },
  {
    name: "mp3",
    type: "audio/mpeg",
    source: "gsutil's tests/test_data/test.mp3",
    hex: "49443304000000000016545353450000000c0000034c61766635332e352e3000fff380c40000000348000000004c414d45332e39382e32555555555555555555",
  },
  {
    name: "wav",
    type: "audio/wav",
    source: "Python's test/audiodata/pluck-pcm16.wav",
    hex: "524946463234000057415645666d74201000000001000200112b000044ac0000040010004c4953545a000000494e464f494e414d06000000506c75636b004941",
  },
  {
    name: "zip",
    type: "application/zip",
    source: "Python's test/archivetestdata/zipdir.zip",
    hex: "504b03040a0000000000fdba253a00000000000000000000000002001500612f55540900037d8862499788624955780400e803e803504b03040a000000000001",
  },
  {
    name: "docx",
    type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    source: "an Office Open XML package written by Python's zipfile",
    hex: "504b0304140000000800c53b875d4cebe3de300000002e000000130000005b436f6e74656e745f54797065735d2e786d6cb3b1afc8cd51284b2d2acecccfb355",
  },
  { name: "mp4", type: "video/mp4", source: "ffmpeg's isom brand header", hex: "000000206674797069736f6d0000020069736f6d69736f32617663316d703431" },
  { name: "heic", type: "image/heic", source: "an iPhone photo's ftyp box", hex: "000000186674797068656963000000006d69663168656963" },
  {
    name: "ogg",
    type: "audio/ogg",
    source: "an Ogg Vorbis stream's first page (oggenc)",
    hex: "4f67675300020000000000000000a2c9f34e000000003d4d8b5d011e01766f72626973000000000244ac0000",
  },
  {
    name: "webm",
    type: "video/webm",
    source: "an EBML header with DocType webm (ffmpeg)",
    hex: "1a45dfa39f4286810142f7810142f2810442f381084282847765626d4287",
  },
  {
    name: "doc",
    type: "application/msword",
    source: "an OLE2 compound file header (Word 97-2003)",
    hex: "d0cf11e0a1b11ae1000000000000000000000000000000003e000300feff0900",
  },
  {
    name: "text",
    type: "text/plain",
    source: "Python's test/test_email/data/msg_01.txt",
    hex: "52657475726e2d506174683a203c626262407a7a7a2e6f72673e0a44656c6976657265642d546f3a20626262407a7a7a2e6f72670a52656365697665643a2062",
  },
];

export const bytesOf = (hex: string) => new Uint8Array((hex.match(/../g) ?? []).map((pair) => Number.parseInt(pair, 16)));
