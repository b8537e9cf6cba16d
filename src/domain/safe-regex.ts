/**
 * Whether an administrator's regular expression (pre-chat fields, custom attributes) may run on
 * visitors' input without catastrophic backtracking. JavaScript has no regex timeout, so the pattern
 * is judged by its shape before it is saved and again before it runs: no backreferences, no repeated
 * group that itself repeats or alternates (`(a+)+`, `(a|aa)*`, the exponential cases), at most
 * MAX_UNBOUNDED_QUANTIFIERS unbounded repetitions (which bound the polynomial cases), a short pattern,
 * and input no longer than MAX_REGEX_INPUT_LENGTH.
 */

export const MAX_REGEX_PATTERN_LENGTH = 300;
export const MAX_REGEX_INPUT_LENGTH = 256;
export const MAX_UNBOUNDED_QUANTIFIERS = 3;
/** `{n,m}` with m above this counts as unbounded. */
const LARGE_REPEAT = 16;

export type RegexSafety = { ok: true } | { ok: false; reason: string };

type Group = { repeats: boolean; alternates: boolean };

type Quantifier = {
  end: number;
  /** It may take its atom more than once. */
  repeats: boolean;
  /** It leaves the engine a choice of how many times (`{3}` does not; `+`, `?`, `{2,4}` do). */
  chooses: boolean;
  unbounded: boolean;
};

/** Reads a quantifier at `at`, or null when there is none. */
function quantifierAt(pattern: string, at: number): Quantifier | null {
  const char = pattern[at];
  let end = at + 1;
  let min: number;
  let max: number;
  if (char === "*" || char === "+" || char === "?") {
    min = char === "+" ? 1 : 0;
    max = char === "?" ? 1 : Number.POSITIVE_INFINITY;
  } else if (char === "{") {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(at));
    if (!match) return null;
    end = at + match[0].length;
    min = Number(match[1]);
    max = match[2] === undefined ? min : match[3] === "" ? Number.POSITIVE_INFINITY : Number(match[3]);
  } else {
    return null;
  }
  if (pattern[end] === "?") end += 1; // lazy
  return { end, repeats: max > 1, chooses: max > min, unbounded: max > LARGE_REPEAT };
}

export function regexSafety(pattern: string): RegexSafety {
  if (pattern.length > MAX_REGEX_PATTERN_LENGTH) return { ok: false, reason: `At most ${MAX_REGEX_PATTERN_LENGTH} characters.` };
  try {
    new RegExp(pattern);
  } catch {
    return { ok: false, reason: "Expected a regular expression that compiles." };
  }
  const stack: Group[] = [{ repeats: false, alternates: false }];
  let unboundedCount = 0;
  // What the next quantifier would apply to: a closed group (with what it holds) or a single atom.
  let lastAtom: Group | null = null;
  let index = 0;
  while (index < pattern.length) {
    const char = pattern[index];
    const current = stack[stack.length - 1] as Group;
    if (char === "\\") {
      const next = pattern[index + 1] ?? "";
      if (/[1-9]/.test(next) || next === "k") return { ok: false, reason: "Backreferences are not allowed." };
      index += 2;
      lastAtom = { repeats: false, alternates: false };
      continue;
    }
    if (char === "[") {
      // A character class is one atom; skip to its closing bracket.
      index += 1;
      if (pattern[index] === "^") index += 1;
      if (pattern[index] === "]") index += 1;
      while (index < pattern.length && pattern[index] !== "]") index += pattern[index] === "\\" ? 2 : 1;
      index += 1;
      lastAtom = { repeats: false, alternates: false };
      continue;
    }
    if (char === "(") {
      stack.push({ repeats: false, alternates: false });
      const lookaround = /^\(\?(?:[:=!]|<[=!]|<[A-Za-z_$][\w$]*>)/.exec(pattern.slice(index));
      index += lookaround ? lookaround[0].length : 1;
      lastAtom = null;
      continue;
    }
    if (char === ")") {
      const closed = stack.pop() as Group;
      const parent = stack[stack.length - 1] as Group;
      parent.repeats ||= closed.repeats;
      index += 1;
      lastAtom = closed;
      continue;
    }
    if (char === "|") {
      current.alternates = true;
      index += 1;
      lastAtom = null;
      continue;
    }
    const quantifier = quantifierAt(pattern, index);
    if (quantifier) {
      if (quantifier.repeats && lastAtom && (lastAtom.repeats || lastAtom.alternates)) {
        return { ok: false, reason: "A repeated group may not itself repeat or alternate, as in (a+)+ or (a|b)*." };
      }
      if (quantifier.unbounded) unboundedCount += 1;
      if (unboundedCount > MAX_UNBOUNDED_QUANTIFIERS) {
        return { ok: false, reason: `At most ${MAX_UNBOUNDED_QUANTIFIERS} unbounded repetitions (*, +, {n,}).` };
      }
      current.repeats ||= quantifier.chooses || (quantifier.repeats && lastAtom?.repeats === true);
      index = quantifier.end;
      lastAtom = null;
      continue;
    }
    index += 1;
    lastAtom = { repeats: false, alternates: false };
  }
  return { ok: true };
}
