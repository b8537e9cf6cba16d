/**
 * The chat app's icons as inline SVG (24 × 24, drawn with the current text colour), so no system
 * font's emoji or missing glyph decides what a button looks like. Decorative: the control that
 * holds one carries the accessible name.
 */
const PATHS = {
  send: "M3 11.5 21 3l-8.5 18-2.3-7.2L3 11.5Zm7.2 2.3L21 3",
  attach: "M20.5 11.5 12 20a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9",
  close: "M6 6l12 12M18 6 6 18",
  check: "M5 12.5l4.5 4.5L19 7.5",
  checks: "M2.5 12.5 7 17l9.5-9.5M12 16l1 1 9.5-9.5",
  clock: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18Zm0 4.5V12l3 2",
  alert: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18Zm0 5v5m0 3.5v.01",
  retry: "M4 12a8 8 0 1 0 2.4-5.7M4 4v4.5h4.5",
  smile: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18ZM8.5 14.5a4.5 4.5 0 0 0 7 0M9 9.5v.01M15 9.5v.01",
  back: "M15 5l-7 7 7 7",
  plus: "M12 5v14M5 12h14",
  history: "M4 12a8 8 0 1 0 2.4-5.7M4 4v4.5h4.5M12 8v4l3 2",
  file: "M14 3H6v18h12V7l-4-4Zm0 0v4h4",
  chat: "M4 5h16v11H9l-5 4V5Z",
  popout: "M14 4h6v6m0-6-9 9m7 1v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5",
} as const;

export type IconName = keyof typeof PATHS;

const SVG = "http://www.w3.org/2000/svg";

export function icon(name: IconName, size = 20): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", `icon icon-${name}`);
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", PATHS[name]);
  svg.append(path);
  return svg;
}
