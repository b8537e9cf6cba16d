/** Code-split areas: `lazyArea(() => import("./x"), "X")` renders X once its chunk has loaded. */
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { t } from "./i18n";

export function lazyArea<P extends object>(load: () => Promise<Record<string, unknown>>, exportName: string) {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  const fetchIt = () =>
    (pending ??= load()
      .then((module) => {
        loaded = module[exportName] as ComponentType<P>;
        return loaded;
      })
      .catch((error: unknown) => {
        pending = null;
        throw error;
      }));

  function Lazy(props: P) {
    const [component, setComponent] = useState<ComponentType<P> | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (component) return;
      let live = true;
      fetchIt().then(
        (c) => live && setComponent(() => c),
        () => live && setFailed(true),
      );
      return () => {
        live = false;
      };
    }, [component, failed]);
    if (component) {
      const C = component;
      return <C {...props} />;
    }
    if (failed)
      return (
        <div class="page-message" role="alert">
          <p>{t("common.errors.loadFailed", { message: t("shell.chunkFailed") })}</p>
          <button type="button" class="button" onClick={() => setFailed(false)}>
            {t("common.retry")}
          </button>
        </div>
      );
    return (
      <div class="page-loading" aria-busy="true">
        {t("common.loading")}
      </div>
    );
  }
  Lazy.preload = fetchIt;
  return Lazy;
}
