/**
 * The emoji picker, a chunk of its own that loads when the visitor first opens it: a grid of common
 * emoji in a small dialog; picking one inserts it at the caret, Escape or picking closes it and
 * gives focus back to the message box.
 */
import { t } from "./i18n";

const EMOJI =
  "😀 😃 😄 😁 😆 😅 😂 🙂 😉 😊 😇 🥰 😍 😘 😋 😜 🤔 🤗 🤩 😎 😐 😑 😶 🙄 😏 😬 😌 😔 😴 😷 🤒 🤯 🥳 😕 😟 🙁 😮 😲 😳 🥺 😢 😭 😱 😤 😡 👍 👎 👌 ✌️ 🤞 👏 🙌 🙏 💪 👋 🤝 ❤️ 🧡 💛 💚 💙 💜 🔥 ✨ 🎉 ✅ ❌ ⭐ 💡 📅 📞 📧 🦷 🚗 🏠 ☕".split(
    " ",
  );

export function openEmojiPicker(anchor: HTMLElement, input: HTMLTextAreaElement): void {
  document.querySelector(".emoji-picker")?.remove();
  const picker = document.createElement("div");
  picker.className = "emoji-picker";
  picker.setAttribute("role", "dialog");
  picker.setAttribute("aria-label", t("emoji"));
  const close = () => {
    picker.remove();
    input.focus();
  };
  for (const emoji of EMOJI) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = emoji;
    button.addEventListener("click", () => {
      const start = input.selectionStart ?? input.value.length;
      input.setRangeText(emoji, start, input.selectionEnd ?? start, "end");
      close();
    });
    picker.append(button);
  }
  picker.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.stopPropagation();
      close();
    }
  });
  anchor.closest("form")?.before(picker);
  (picker.querySelector("button") as HTMLButtonElement).focus();
}
