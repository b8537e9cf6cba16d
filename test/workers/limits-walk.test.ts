// Walks every public route of the OpenAPI document and every /cable frame type: each must declare its
// limits (x-parley-limits, names from src/api/limits.ts) and a size cap, and a sample request over
// each declared limit must be refused with 429. A public route added without limits fails here.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { CABLE_FRAME_LIMITS, CONNECTION_FRAMES, LIMITS, LIMITS_EXTENSION, type LimitName } from "../../src/api/limits";
import { CLIENT_COMMANDS } from "../../src/domain/actioncable";
import { connectCable } from "./cable-client";
import { call, unique } from "./helpers";
import { freshAddress } from "./limits-fixtures";
import { documentedOperations, fillPath, type Operation, operationKey, VALID_BODIES } from "./routes";

type Parameter = { name: string; in: string; required?: boolean; schema?: { type?: string; maxLength?: number; enum?: unknown[] } };
type DocumentedOperation = { parameters?: Parameter[]; requestBody?: unknown; responses?: Record<string, unknown>; [LIMITS_EXTENSION]?: string[] };

let publicOperations: (Operation & { doc: DocumentedOperation })[];

beforeAll(async () => {
  const doc = (await call("GET", "/api/openapi.json")).body as { paths: Record<string, Record<string, DocumentedOperation>> };
  publicOperations = (await documentedOperations())
    .filter((op) => op.surface === "public")
    .map((op) => ({ ...op, doc: doc.paths[op.path]?.[op.method.toLowerCase()] ?? {} }));
});

const limitsOf = (op: { doc: DocumentedOperation }) => (op.doc[LIMITS_EXTENSION] ?? []) as LimitName[];

describe("limits on every public door", () => {
  it("finds the public routes: Client API, Widget API and sign-in", () => {
    const paths = publicOperations.map((op) => op.path);
    for (const prefix of ["/public/api/v1/", "/api/v1/widget/", "/auth/"])
      expect(
        paths.some((path) => path.startsWith(prefix)),
        prefix,
      ).toBe(true);
  });

  it("has every public route declare limits that exist, and document their 429", () => {
    for (const op of publicOperations) {
      const names = limitsOf(op);
      expect(names.length, `${operationKey(op)} declares no ${LIMITS_EXTENSION}`).toBeGreaterThan(0);
      for (const name of names) expect(Object.keys(LIMITS), `${operationKey(op)}: unknown limit ${name}`).toContain(name);
      expect(op.doc.responses?.["429"], `${operationKey(op)} documents no 429`).toBeDefined();
    }
  });

  it("has a size cap on every public route: the body limit on bodies, a maximum length on path and query strings", () => {
    for (const op of publicOperations) {
      if (op.hasBody) expect(op.doc.responses?.["413"], `${operationKey(op)} documents no 413`).toBeDefined();
      for (const parameter of op.doc.parameters ?? []) {
        if (parameter.in === "header" || parameter.schema?.type !== "string" || parameter.schema.enum) continue;
        expect(parameter.schema.maxLength, `${operationKey(op)}: ${parameter.in} parameter ${parameter.name} has no maxLength`).toBeTypeOf("number");
      }
    }
  });

  it("refuses a sample request over each declared limit with 429 and Retry-After", { timeout: 120_000 }, async () => {
    // Each limit is sampled on the route where the fewest other limits count by the same key.
    const rivals = (op: (typeof publicOperations)[number], name: LimitName) =>
      limitsOf(op).filter((other) => other !== name && LIMITS[other].by === LIMITS[name].by).length;
    const samples = new Map<LimitName, (typeof publicOperations)[number]>();
    for (const op of publicOperations) {
      for (const name of limitsOf(op)) {
        const chosen = samples.get(name);
        if (!chosen || rivals(op, name) < rivals(chosen, name)) samples.set(name, op);
      }
    }
    for (const [name, op] of samples) {
      // The limit's own key stays the same request after request; every other key changes, so no other limit of the route counts first.
      const by = LIMITS[name].by;
      const fixed = {
        token: unique("walk-token").slice(0, 60),
        visitor: unique("walk-visitor"),
        email: `${unique("walker")}@example.test`,
        address: freshAddress(),
      };
      const request = () => {
        const token = by === "website_token" || by === "session" ? fixed.token : unique("walk-token").slice(0, 60);
        const visitor = by === "session" ? fixed.visitor : unique("walk-visitor");
        const email = by === "email" ? fixed.email : `${unique("walker")}@example.test`;
        const path = fillPath(op.path, { inbox_identifier: token, contact_identifier: visitor, conversation_id: 1, message_id: 1 });
        const valid = VALID_BODIES[operationKey(op)] as Record<string, unknown> | undefined;
        const body = valid && {
          ...valid,
          ...("widget_token" in valid ? { widget_token: token } : {}),
          ...("source_id" in valid ? { source_id: visitor } : {}),
          ...("email" in valid ? { email } : {}),
        };
        const headers: Record<string, string> = by === "address" ? { "cf-connecting-ip": fixed.address } : {};
        // Uploads count only multipart requests: an empty multipart body is enough to be counted.
        if (name === "session_upload.session")
          return call(op.method, path, { headers: { ...headers, "content-type": "multipart/form-data; boundary=walk" }, rawBody: "--walk--\r\n" });
        return call(op.method, path, { body, headers });
      };
      const refusal = await (async () => {
        for (let i = 0; i < 1_000; i++) {
          const reply = await request();
          if (reply.status === 429) return reply;
        }
        return null;
      })();
      expect(refusal, `${name} (sampled on ${operationKey(op)}) never answered 429`).not.toBeNull();
      expect(refusal?.body.error.details.limits, name).toContain(name);
      expect(Number(refusal?.headers.get("retry-after")), name).toBeGreaterThan(0);
    }
  });
});

describe("limits on every /cable frame type", () => {
  it("has every frame type count against the connection's frame budget and any limits that exist", () => {
    for (const command of CLIENT_COMMANDS) {
      const names: readonly string[] = CABLE_FRAME_LIMITS[command];
      expect(names, command).toContain(CONNECTION_FRAMES);
      for (const name of names) if (name !== CONNECTION_FRAMES) expect(Object.keys(LIMITS), `${command}: unknown limit ${name}`).toContain(name);
    }
    expect(Number(env.CABLE_FRAMES_LIMIT.split(" per ")[0])).toBeGreaterThan(0);
  });

  it("closes the connection for a frame of any type over the size cap", async () => {
    const maxBytes = Number(env.CABLE_MAX_FRAME_BYTES);
    expect(maxBytes).toBeGreaterThan(0);
    for (const command of CLIENT_COMMANDS) {
      const cable = await connectCable();
      const closed = new Promise<number>((resolve) => cable.ws.addEventListener("close", (event) => resolve(event.code)));
      const padding = "x".repeat(maxBytes);
      cable.ws.send(JSON.stringify(command === "message" ? { command, identifier: "{}", data: padding } : { command, identifier: padding }));
      expect(await closed, command).toBe(1008);
    }
  });
});
