/**
 * A list a settings screen or dialog loads from the API: null until it arrives, why it could not
 * be loaded in words, and reload() for after a change or a Retry/Refresh button. It loads again
 * when `deps` change; an answer that arrives after a newer request was made is dropped.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { failureMessage } from "../core/api";

export type LoadedList<T> = {
  items: T[] | null;
  error: string | null;
  /** For a screen whose other requests report their failure in the same place. */
  setError: (error: string | null) => void;
  reload: () => Promise<void>;
};

export function useList<T>(fetchList: () => Promise<T[]>, deps: readonly unknown[] = []): LoadedList<T> {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latestFetch = useRef(fetchList);
  latestFetch.current = fetchList;
  const asked = useRef(0);
  const reload = useRef(async () => {
    const ask = ++asked.current;
    try {
      const answer = await latestFetch.current();
      if (ask !== asked.current) return;
      setItems(answer);
      setError(null);
    } catch (failure) {
      if (ask === asked.current) setError(failureMessage(failure));
    }
  }).current;
  useEffect(() => void reload(), deps);
  return { items, error, setError, reload };
}
