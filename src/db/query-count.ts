/**
 * A D1 binding that counts what goes through it: statements prepared (each query drizzle sends is
 * one) and round trips (a batch is one, a statement run alone is one). Jobs report these so the
 * benchmarks can show queries per unit of work.
 */
export type D1Counts = { statements: number; round_trips: number };

export function countingD1(d1: D1Database): { d1: D1Database; counts: () => D1Counts } {
  let statements = 0;
  let batches = 0;
  let batched = 0;
  const counted = new Proxy(d1, {
    get(target, property) {
      if (property === "prepare") {
        return (query: string) => {
          statements++;
          return target.prepare(query);
        };
      }
      if (property === "batch") {
        return (prepared: D1PreparedStatement[]) => {
          batches++;
          batched += prepared.length;
          return target.batch(prepared);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { d1: counted, counts: () => ({ statements, round_trips: batches + statements - batched }) };
}
