// The language switcher (templates/base.html) posts the page's address as `next`.
// A table switched in place (htmx) has pushed a newer address since the page was
// loaded: send that one, so the fan lands on the same stage and table.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.matches(".language-switch")) {
    form.elements.next.value = window.location.pathname + window.location.search;
  }
});
