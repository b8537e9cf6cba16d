/**
 * The console's one way to the API: same-origin fetch with the session cookie, JSON in and out,
 * errors as ApiError in the API's one error shape. A 401 ends the session (back to sign-in).
 */
import { accountId, endSession } from "./session";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** What a form shows after a refused request: messages by field name, and a message for the rest. */
export type FormErrors = { fields: Record<string, string>; message: string | null };

export const NO_ERRORS: FormErrors = { fields: {}, message: null };

/** Field errors of a 422 answer by field name, and the message for everything else. */
export function errorsOf(error: unknown): FormErrors {
  if (error instanceof ApiError && Array.isArray(error.details)) {
    const fields: Record<string, string> = {};
    for (const detail of error.details as { field?: unknown; message?: unknown }[]) {
      if (typeof detail.field === "string" && typeof detail.message === "string") fields[detail.field] ??= detail.message;
    }
    if (Object.keys(fields).length > 0) return { fields, message: null };
  }
  return { fields: {}, message: error instanceof Error ? error.message : String(error) };
}

/** A failed request in words: its message, or the API's field messages joined when it names fields. */
export function failureMessage(error: unknown): string {
  const errors = errorsOf(error);
  return errors.message ?? Object.values(errors.fields).join(" ");
}

export type QueryValue = string | number | boolean | null | undefined | ReadonlyArray<string | number>;
export type Query = Record<string, QueryValue>;

/** Set by i18n-aware code: the message for a request that never reached the server. */
export let networkErrorMessage = "The server could not be reached. Check your connection and try again.";
export const setNetworkErrorMessage = (message: string) => (networkErrorMessage = message);

function buildUrl(path: string, query?: Query): string {
  if (!query) return path;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) for (const item of value) search.append(`${key}[]`, String(item));
    else search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `${path}${path.includes("?") ? "&" : "?"}${text}` : path;
}

/** Paths that answer 401 as part of their normal work (a wrong password), not because the session ended. */
const ownsItsUnauthorized = (path: string) => path.startsWith("/auth/");

async function toError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  const record = (body ?? {}) as Record<string, unknown>;
  const error = record.error;
  if (error && typeof error === "object") {
    const e = error as { code?: unknown; message?: unknown; details?: unknown };
    return new ApiError(res.status, String(e.code ?? `http_${res.status}`), String(e.message ?? res.statusText), e.details);
  }
  // Chatwoot-style answers: {"error": "text"}, {"message": "text"}, {"errors": [...]}
  const text =
    (typeof error === "string" && error) ||
    (typeof record.message === "string" && record.message) ||
    (Array.isArray(record.errors) && record.errors.map(String).join(" ")) ||
    res.statusText ||
    `HTTP ${res.status}`;
  return new ApiError(res.status, `http_${res.status}`, text, body);
}

async function request<T>(method: string, path: string, body?: unknown, query?: Query, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(path, query), { method, headers, body: payload, credentials: "same-origin", signal });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new ApiError(0, "network_error", networkErrorMessage);
  }
  if (res.status === 401 && !ownsItsUnauthorized(path)) {
    endSession("expired");
  }
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get("content-type") ?? "";
  return (type.includes("json") ? await res.json() : await res.text()) as T;
}

export type RequestOptions = { signal?: AbortSignal };

export const api = {
  get: <T>(path: string, query?: Query, options: RequestOptions = {}) => request<T>("GET", path, undefined, query, options.signal),
  post: <T>(path: string, body?: unknown, options: RequestOptions = {}) => request<T>("POST", path, body ?? {}, undefined, options.signal),
  put: <T>(path: string, body?: unknown, options: RequestOptions = {}) => request<T>("PUT", path, body ?? {}, undefined, options.signal),
  patch: <T>(path: string, body?: unknown, options: RequestOptions = {}) => request<T>("PATCH", path, body ?? {}, undefined, options.signal),
  del: <T>(path: string, body?: unknown, options: RequestOptions = {}) => request<T>("DELETE", path, body, undefined, options.signal),
  /** A multipart upload with progress (0..1), through XMLHttpRequest since fetch has no upload progress. */
  upload<T>(path: string, form: FormData, onProgress?: (fraction: number) => void, method: "POST" | "PUT" | "PATCH" = "POST"): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, path);
      xhr.withCredentials = true;
      xhr.setRequestHeader("accept", "application/json");
      xhr.responseType = "text";
      if (onProgress) xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onerror = () => reject(new ApiError(0, "network_error", networkErrorMessage));
      xhr.onload = () => {
        const res = new Response(xhr.status === 204 ? null : xhr.responseText, {
          status: xhr.status,
          statusText: xhr.statusText,
          headers: { "content-type": xhr.getResponseHeader("content-type") ?? "" },
        });
        if (res.status === 401) endSession("expired");
        if (!res.ok) return void toError(res).then(reject);
        if (res.status === 204) return resolve(undefined as T);
        res.json().then(
          (v) => resolve(v as T),
          () => resolve(undefined as T),
        );
      };
      xhr.send(form);
    });
  },
};

/** `/api/v1/accounts/<current account>${p}`. */
export function accountPath(p: string): string {
  const id = accountId.value;
  if (id === null) throw new ApiError(0, "no_account", "No sub-account is selected.");
  return `/api/v1/accounts/${id}${p}`;
}
