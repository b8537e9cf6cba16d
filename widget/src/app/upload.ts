/** Sends a message with attachments as multipart, reporting upload progress (fetch cannot, XMLHttpRequest can). */
import { ApiError } from "./client";
import type { Message } from "./types";

export function uploadMessage(path: string, form: FormData, onProgress: (fraction: number) => void): Promise<Message> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.responseType = "json";
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener("load", () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.response as Message);
      else reject(new ApiError(xhr.status, (xhr.response ?? {}) as ApiError["body"]));
    });
    xhr.addEventListener("error", () => reject(new ApiError(0, {})));
    xhr.send(form);
  });
}
