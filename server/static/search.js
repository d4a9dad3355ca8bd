// Suggestions as you type in the site's search box (the form works without this script).
// Each keystroke asks /api/autocomplete for actors whose names begin so; a suggestion is a link to
// the actor's page. Arrow keys move through the list, Escape closes it.
(function () {
  "use strict";
  const form = document.querySelector("form.site-search");
  if (!form) return;
  const input = form.querySelector("input[name=q]");
  const list = document.createElement("ul");
  list.className = "suggestions";
  list.id = "site-search-suggestions";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  form.appendChild(list);
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-autocomplete", "list");
  let latest = 0;

  function close() { list.hidden = true; list.replaceChildren(); }

  function show(actors) {
    list.replaceChildren();
    for (const a of actors) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = a.page;
      link.setAttribute("role", "option");
      link.textContent = a.label;
      if (a.kind || a.matched !== a.label) {
        const small = document.createElement("small");
        small.textContent = [a.kind, a.matched !== a.label ? "“" + a.matched + "”" : null].filter(Boolean).join(" · ");
        link.append(" ", small);
      }
      item.appendChild(link);
      list.appendChild(item);
    }
    list.hidden = actors.length === 0;
  }

  input.addEventListener("input", async () => {
    const text = input.value.trim();
    const ticket = ++latest;
    if (!text) { close(); return; }
    try {
      const response = await fetch("/api/autocomplete?" + new URLSearchParams({ q: text }),
                                   { headers: { Accept: "application/json" } });
      if (!response.ok || ticket !== latest) return;   // a later keystroke has asked since
      show((await response.json()).actors);
    } catch (e) { close(); }
  });

  form.addEventListener("keydown", (event) => {
    const links = [...list.querySelectorAll("a")];
    const at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && links.length) {
      event.preventDefault();
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (event.key === "ArrowUp" && links.length) {
      event.preventDefault();
      (at <= 0 ? input : links[at - 1]).focus();
    } else if (event.key === "Escape") {
      close();
      input.focus();
    }
  });
  document.addEventListener("click", (event) => { if (!form.contains(event.target)) close(); });
})();
