// Building the page's elements. Text from the server (answers, titles, articles) only ever
// becomes text nodes: markup in an article is shown, never run.

/** An element with attributes and children; strings become text nodes, never markup. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "testid") node.dataset.testid = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/** A message that something failed, announced to screen readers. */
export function errorBox(message) {
  return el("p", { class: "error-box", role: "alert", testid: "error" }, message);
}

/** A function that shows a message in `element` for a few seconds. */
export function createToast(element) {
  let timer = 0;
  return (message) => {
    element.textContent = message;
    element.hidden = false;
    clearTimeout(timer);
    timer = setTimeout(() => {
      element.hidden = true;
    }, 6000);
  };
}
