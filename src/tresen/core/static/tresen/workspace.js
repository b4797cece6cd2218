// Small helpers for the workspace; everything works without them, they only save clicks.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-target]");
  if (!select || !select.value) return;
  const option = select.selectedOptions[0];
  const area = document.getElementById(select.dataset.target);
  const start = area.selectionStart ?? area.value.length;
  area.value = area.value.slice(0, start) + option.dataset.text + area.value.slice(area.selectionEnd ?? start);
  area.focus();
  select.value = "";
});

document.addEventListener("submit", (event) => {
  const button = event.submitter;
  if (button && button.classList.contains("danger") && !window.confirm(button.textContent.trim() + "?")) {
    event.preventDefault();
  }
});

// Filters stay folded away on phones, where they would push the list off screen.
function unfoldOnWideScreens() {
  if (window.matchMedia("(min-width: 701px)").matches) {
    document.querySelectorAll("details.filter-box").forEach((box) => { box.open = true; });
  }
}
document.addEventListener("DOMContentLoaded", unfoldOnWideScreens);
document.addEventListener("htmx:afterSettle", unfoldOnWideScreens);
