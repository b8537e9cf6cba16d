/** The size of a value as Parley stores it: its JSON text, in UTF-8 bytes (what the caps on custom attributes count). */
const encoder = new TextEncoder();

export const jsonBytes = (value: unknown): number => encoder.encode(JSON.stringify(value)).length;
