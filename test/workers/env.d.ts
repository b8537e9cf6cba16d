declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
  }
}

/** Files imported as text (Vite's `?raw`), e.g. docs/CHATWOOT.md in the Chatwoot coverage test. */
declare module "*.md?raw" {
  const text: string;
  export default text;
}
