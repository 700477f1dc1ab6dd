// Row selection for list screens: click, shift-click ranges, select all shown,
// keyboard (Space), and a context menu (right-click, Shift+F10 or the menu key).
(function () {
  "use strict";
  let lastIndex = null;

  const table = () => document.querySelector("table.selectable");
  const rows = () => Array.from(document.querySelectorAll("table.selectable tbody tr[data-id]"));
  const boxOf = (row) => row.querySelector('input[type="checkbox"][name="ids"]');
  const menu = () => document.getElementById("context-menu");

  function setRow(row, checked) {
    const box = boxOf(row);
    if (!box) return;
    box.checked = checked;
    row.classList.toggle("selected", checked);
    row.setAttribute("aria-selected", checked ? "true" : "false");
  }

  function refresh() {
    const all = rows();
    const n = all.filter((r) => boxOf(r) && boxOf(r).checked).length;
    all.forEach((r) => r.classList.toggle("selected", !!(boxOf(r) && boxOf(r).checked)));
    const counter = document.getElementById("selection-count");
    if (counter) {
      // The words come translated from the page (web/selection_count.html).
      const words = counter.dataset;
      const text = n === 0 ? words.none : n === 1 ? words.one : words.many;
      if (text) counter.textContent = text.replace("{n}", n);
    }
    document.querySelectorAll("[data-needs-selection]").forEach((b) => { b.disabled = n === 0; });
    const master = document.querySelector("[data-select-all]");
    if (master) {
      master.checked = n > 0 && n === all.length;
      master.indeterminate = n > 0 && n < all.length;
    }
  }

  function toggleAt(index, shift) {
    const all = rows();
    const row = all[index];
    if (!row) return;
    if (shift && lastIndex !== null && lastIndex !== index) {
      const target = true;
      const [a, b] = [Math.min(lastIndex, index), Math.max(lastIndex, index)];
      for (let i = a; i <= b; i++) setRow(all[i], target);
    } else {
      setRow(row, !boxOf(row).checked);
    }
    lastIndex = index;
    refresh();
  }

  document.addEventListener("click", (event) => {
    const m = menu();
    if (m && !m.hidden && !m.contains(event.target)) m.hidden = true;
    const master = event.target.closest("[data-select-all]");
    if (master) {
      rows().forEach((r) => setRow(r, master.checked));
      refresh();
      return;
    }
    const row = event.target.closest("table.selectable tbody tr[data-id]");
    if (!row || event.target.closest("a, button, select, textarea")) return;
    const index = rows().indexOf(row);
    if (event.target.matches('input[type="checkbox"]')) {
      // The browser already toggled the box; extend to a range on shift.
      if (event.shiftKey && lastIndex !== null) {
        const all = rows();
        const [a, b] = [Math.min(lastIndex, index), Math.max(lastIndex, index)];
        for (let i = a; i <= b; i++) setRow(all[i], event.target.checked);
      }
      lastIndex = index;
      refresh();
      return;
    }
    if (event.shiftKey) window.getSelection().removeAllRanges();
    toggleAt(index, event.shiftKey);
  });

  document.addEventListener("keydown", (event) => {
    const m = menu();
    if (event.key === "Escape" && m && !m.hidden) { m.hidden = true; return; }
    const row = event.target.closest && event.target.closest("table.selectable tbody tr[data-id]");
    if (row && event.target === row && (event.key === " " || event.key === "Spacebar")) {
      event.preventDefault();
      toggleAt(rows().indexOf(row), event.shiftKey);
    }
    if (m && !m.hidden && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      const items = Array.from(m.querySelectorAll("button"));
      const i = items.indexOf(document.activeElement);
      const next = event.key === "ArrowDown" ? (i + 1) % items.length : (i - 1 + items.length) % items.length;
      items[next].focus();
    }
  });

  document.addEventListener("contextmenu", (event) => {
    const row = event.target.closest && event.target.closest("table.selectable tbody tr[data-id]");
    const m = menu();
    if (!row || !m) return;
    event.preventDefault();
    if (!boxOf(row).checked) { setRow(row, true); lastIndex = rows().indexOf(row); refresh(); }
    let x = event.clientX, y = event.clientY;
    if (!x && !y) { const r = row.getBoundingClientRect(); x = r.left + 40; y = r.bottom; }
    m.style.left = Math.min(x, window.innerWidth - 280) + "px";
    m.style.top = Math.min(y, window.innerHeight - 140) + "px";
    m.hidden = false;
    m.querySelector("button").focus();
  });

  document.addEventListener("click", (event) => {
    const item = event.target.closest("[data-menu-action]");
    if (!item) return;
    menu().hidden = true;
    const action = item.dataset.menuAction;
    if (action === "select-all" || action === "select-none") {
      rows().forEach((r) => setRow(r, action === "select-all"));
      refresh();
    } else {
      const button = document.getElementById(action);
      if (button) { button.disabled = false; button.click(); }
    }
  });

  // Forms that come back to this page: come back to the URL as it is now (htmx pushes it).
  document.addEventListener("submit", (event) => {
    if (event.target.matches("[data-copy-selection]")) {
      // A form apart from the table: carry the ticked ids along.
      event.target.querySelectorAll('input[name="ids"]').forEach((i) => i.remove());
      document.querySelectorAll('input[name="ids"][form]:checked').forEach((box) => {
        const i = document.createElement("input");
        i.type = "hidden"; i.name = "ids"; i.value = box.value;
        event.target.appendChild(i);
      });
    }
    const next = event.target.querySelector('input[name="next"]');
    if (next) next.value = window.location.pathname + window.location.search;
  }, true);

  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-autosubmit]")) event.target.form.requestSubmit();
  });

  document.addEventListener("htmx:afterSwap", () => { lastIndex = null; refresh(); });
  document.addEventListener("DOMContentLoaded", refresh);
  if (document.readyState !== "loading") refresh();
})();
