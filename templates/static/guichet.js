// guichet: progressive enhancement only; every link works without this file.
// A click on a question's self link ("#") also copies the absolute deep link to the clipboard.
(function () {
  "use strict";
  var message = document.documentElement.getAttribute("data-copied") || "";
  var timer = 0;
  // The live region exists (empty) before any message, so screen readers announce it.
  var toast = document.createElement("p");
  toast.className = "toast";
  toast.setAttribute("role", "status");
  document.body.appendChild(toast);

  function announce(text) {
    toast.textContent = text;
    clearTimeout(timer);
    timer = setTimeout(function () { toast.textContent = ""; }, 2500);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.self-link");
    if (!link || !navigator.clipboard || !window.isSecureContext) return;
    // The default action still runs: the address bar shows the deep link.
    navigator.clipboard.writeText(link.href).then(function () {
      link.classList.add("copied");
      setTimeout(function () { link.classList.remove("copied"); }, 1500);
      announce(message);
    }, function () { /* copying refused: the link still works */ });
  });
})();
