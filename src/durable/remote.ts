/**
 * Typed access to a Durable Object's RPC methods. Workers' stub types pass results through
 * `Rpc.Serializable`, which cannot express JSON fields typed `unknown` and turns them into `never`;
 * the values themselves are plain structured-clone data, so the declared method types hold.
 */
export type Remote<T> = {
  [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

export function remote<T>(stub: DurableObjectStub<T & Rpc.DurableObjectBranded>): Remote<T> {
  return stub as unknown as Remote<T>;
}
