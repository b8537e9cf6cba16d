/**
 * Values by id that live elsewhere (D1), loaded in one batch for the ids not known yet and kept for
 * a while. An id the loader did not return is remembered as absent for as long.
 */
export class ExpiringLookup<T> {
  private readonly entries = new Map<number, { value: T | null; at: number }>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly load: (ids: number[]) => Promise<Iterable<readonly [number, T]>>,
  ) {}

  /** The values of the given ids that exist; `now` in Unix seconds. */
  async getMany(ids: readonly number[], now: number): Promise<Map<number, T>> {
    const missing = [...new Set(ids)].filter((id) => {
      const hit = this.entries.get(id);
      return !hit || now - hit.at > this.ttlSeconds;
    });
    if (missing.length > 0) {
      const loaded = await this.load(missing);
      for (const id of missing) this.entries.set(id, { value: null, at: now });
      for (const [id, value] of loaded) this.entries.set(id, { value, at: now });
    }
    const found = new Map<number, T>();
    for (const id of ids) {
      const value = this.entries.get(id)?.value;
      if (value !== undefined && value !== null) found.set(id, value);
    }
    return found;
  }

  clear() {
    this.entries.clear();
  }
}
