// Prints a new VAPID key pair for Web Push (VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, base64url),
// to put in .dev.vars or set with `wrangler secret put`.
import { generateKeyPairSync } from "node:crypto";

const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const jwk = privateKey.export({ format: "jwk" });
const publicKey = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]);
console.log(`VAPID_PUBLIC_KEY=${publicKey.toString("base64url")}`);
console.log(`VAPID_PRIVATE_KEY=${jwk.d}`);
