// The dialog that asks for an API key when the server refuses a request without one.

/**
 * Wires the dialog's elements ({dialog, form, input, message, cancel}) and returns
 * `ask(message)`: resolves to the key entered, or "" when the user cancelled.
 */
export function createKeyDialog({ dialog, form, input, message, cancel }) {
  let open = null;

  cancel.addEventListener("click", () => dialog.close("cancel"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    dialog.close("save");
  });

  /** Asks once, however many requests were refused at the same time. */
  function ask(text) {
    if (open) return open;
    open = new Promise((resolve) => {
      message.textContent = text;
      input.value = "";
      dialog.returnValue = "";
      const done = () => {
        dialog.removeEventListener("close", done);
        const key = input.value.trim();
        open = null;
        resolve(dialog.returnValue === "save" ? key : "");
      };
      dialog.addEventListener("close", done);
      dialog.showModal();
      input.focus();
    });
    return open;
  }

  return ask;
}
