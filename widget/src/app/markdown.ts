/**
 * Message text as Chatwoot's widget formats it: **bold**, *italic* (and the `__`/`_` forms),
 * ~~strike~~, `code`, fenced code blocks, [links](https://…) and bare https:// links, bulleted and
 * numbered lists, paragraphs and line breaks. It builds DOM nodes whose text is only ever set as
 * text, so nothing a sender writes becomes markup; links are http(s) only and open in a new tab
 * with `rel="noopener noreferrer"`.
 */

const INLINE =
  /(`+)([^`][\s\S]*?)\1|\*\*(?=\S)([\s\S]*?\S)\*\*|__(?=\S)([\s\S]*?\S)__|\*(?=[^\s*])([^*]*?[^\s*])\*|(?<![\w])_(?=[^\s_])([^_]*?[^\s_])_(?![\w])|~~(?=\S)([\s\S]*?\S)~~|\[([^\]\n]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<]+[^\s<.,:;"')\]!?])/;

/** The URL when it is an absolute http(s) one, else null: `javascript:`, `data:` and relative links stay text. */
export function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function link(href: string, text: string, depth: number): HTMLElement {
  const a = document.createElement("a");
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  a.append(...inline(text, depth + 1));
  return a;
}

function wrap(tag: string, text: string, depth: number): HTMLElement {
  const node = document.createElement(tag);
  node.append(...inline(text, depth + 1));
  return node;
}

/** Inline formatting of one line or paragraph; nesting stops at a few levels (plain text beyond). */
function inline(text: string, depth = 0): Node[] {
  const nodes: Node[] = [];
  let rest = text;
  while (rest) {
    const match = depth < 4 ? INLINE.exec(rest) : null;
    if (!match) {
      nodes.push(document.createTextNode(rest));
      break;
    }
    if (match.index > 0) nodes.push(document.createTextNode(rest.slice(0, match.index)));
    const [whole, , code, bold, bold2, italic, italic2, strike, label, target, bare] = match;
    if (code !== undefined) {
      const node = document.createElement("code");
      node.textContent = code;
      nodes.push(node);
    } else if (bold !== undefined || bold2 !== undefined) nodes.push(wrap("strong", bold ?? bold2 ?? "", depth));
    else if (italic !== undefined || italic2 !== undefined) nodes.push(wrap("em", italic ?? italic2 ?? "", depth));
    else if (strike !== undefined) nodes.push(wrap("del", strike, depth));
    else if (label !== undefined && target !== undefined) {
      const href = safeHref(target);
      nodes.push(href ? link(href, label, depth) : document.createTextNode(whole));
    } else if (bare !== undefined) {
      const href = safeHref(bare);
      nodes.push(href ? link(href, bare, 4) : document.createTextNode(bare));
    }
    rest = rest.slice(match.index + whole.length);
  }
  return nodes;
}

/** Lines of a paragraph, joined by line breaks. */
function paragraph(lines: string[]): HTMLElement {
  const p = document.createElement("p");
  lines.forEach((line, index) => {
    if (index > 0) p.append(document.createElement("br"));
    p.append(...inline(line));
  });
  return p;
}

const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*(\d{1,9})[.)]\s+(.*)$/;
const FENCE = /^\s*```/;

/** The formatted message as a fragment of safe DOM nodes. */
export function renderMarkdown(source: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  let buffer: string[] = [];
  const flush = () => {
    if (buffer.length > 0) fragment.append(paragraph(buffer));
    buffer = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (FENCE.test(line)) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !FENCE.test(lines[i] ?? ""); i++) code.push(lines[i] ?? "");
      const pre = document.createElement("pre");
      const inner = document.createElement("code");
      inner.textContent = code.join("\n");
      pre.append(inner);
      fragment.append(pre);
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      flush();
      const list = document.createElement(bullet ? "ul" : "ol");
      if (numbered && numbered[1] !== "1") list.setAttribute("start", String(Number(numbered[1])));
      const pattern = bullet ? BULLET : NUMBERED;
      for (; i < lines.length; i++) {
        const item = pattern.exec(lines[i] ?? "");
        if (!item) break;
        const li = document.createElement("li");
        li.append(...inline(item[bullet ? 1 : 2] ?? ""));
        list.append(li);
      }
      i--;
      fragment.append(list);
      continue;
    }
    if (line.trim() === "") flush();
    else buffer.push(line);
  }
  flush();
  return fragment;
}
