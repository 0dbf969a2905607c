// Progressive enhancement only: every page works without this file.
(function () {
  // Limited-time countdowns: <span data-countdown="ISO-UTC">, server renders the initial value.
  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var left = Math.max(0, Math.floor((Date.parse(el.dataset.countdown) - Date.now()) / 1000));
      var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600),
          m = Math.floor(left % 3600 / 60), s = left % 60;
      var pad = function (n) { return String(n).padStart(2, "0"); };
      el.textContent = (d ? d + (el.dataset.dayUnit || "d ") : "") + pad(h) + ":" + pad(m) + ":" + pad(s);
    });
  }
  // A form marked data-once can be submitted only once per page view (double taps on a phone).
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.hasAttribute("data-once")) return;
    if (form.dataset.sent) { ev.preventDefault(); return; }
    form.dataset.sent = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.setAttribute("aria-busy", "true"); });
  });
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 1000); });
})();

// Share centre: copy a link with one tap. Buttons stay hidden without JS, where the read-only
// field (selected on focus) is the fallback; without the Clipboard API (plain http) we select the
// text and use the legacy copy command.
(function () {
  function reveal(root) {
    (root || document).querySelectorAll("[data-copy]").forEach(function (b) { b.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:load", function (ev) { reveal(ev.target); });
  document.addEventListener("focusin", function (ev) {
    if (ev.target.classList && ev.target.classList.contains("copy-src")) ev.target.select();
  });
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest("[data-copy]") : null;
    if (!button) return;
    var input = document.getElementById(button.dataset.copy);
    if (!input) return;
    var label = button.textContent;
    function done() {
      button.textContent = button.dataset.copied || label;
      setTimeout(function () { button.textContent = label; }, 1500);
    }
    function fallback() {
      input.focus(); input.select();
      try { if (document.execCommand("copy")) done(); } catch (e) { /* the text stays selected */ }
    }
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(input.value).then(done, fallback);
    else fallback();
  });
})();

// Buy sheet: − / + step the quantity here (within the input's min and max) and let htmx ask the server
// for the figures; without this file they submit the form to the sheet view instead.
(function () {
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest(".qty-step[data-step]") : null;
    if (!button || !window.htmx) return;
    var input = button.form && button.form.querySelector("#quantity");
    if (!input) return;
    ev.preventDefault();
    var step = parseInt(button.dataset.step, 10), value = parseInt(input.value, 10) || 1;
    var min = parseInt(input.min, 10) || 1, max = parseInt(input.max, 10) || value + 1;
    input.value = Math.min(Math.max(value + step, min), max);
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
})();
