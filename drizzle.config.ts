// drizzle-kit: `npm run db:generate` writes SQL migrations for src/db/schema.ts into migrations/,
// which `wrangler d1 migrations apply` applies (locally in `npm run dev`, remotely on deploy).
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
