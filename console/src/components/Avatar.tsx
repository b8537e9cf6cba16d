/** Initials on a colour picked from the name (or the picture, when there is one), with an optional availability dot. */
import type { Availability } from "../core/session";

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "?";
  const first = words[0]?.[0] ?? "";
  const last = words.length > 1 ? (words[words.length - 1]?.[0] ?? "") : "";
  return (first + last).toUpperCase();
}

/** One of eight hues, stable per name. */
export function hueOf(name: string): number {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
  return Math.abs(hash) % 8;
}

type AvatarProps = { name: string; src?: string | null; size?: "sm" | "md" | "lg"; availability?: Availability | null; availabilityLabel?: string };

export function Avatar({ name, src, size = "md", availability, availabilityLabel }: AvatarProps) {
  return (
    <span class={`avatar avatar-${size} avatar-hue-${hueOf(name)}`} aria-hidden={availabilityLabel ? undefined : "true"}>
      {/* The initials are drawn by CSS: they repeat the name the control around the avatar already says, and as text they would be a visible label its accessible name lacks. */}
      {src ? <img src={src} alt="" /> : <span class="avatar-initials" data-initials={initials(name)} aria-hidden="true" />}
      {availability && <span class={`avatar-status status-${availability}`} role={availabilityLabel ? "img" : undefined} aria-label={availabilityLabel} />}
    </span>
  );
}
