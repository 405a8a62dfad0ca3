// Apply the remembered 长辈版 and language before anything paints, so the page never jumps
// from small to large type. A blocking classic script (tiny, cached); no inline script, for
// the content security policy.
try {
  var s = window.localStorage;
  if (s.getItem("anju.elder_mode") === "1") document.documentElement.setAttribute("data-mode", "elder");
  var l = s.getItem("anju.locale");
  if (l === "en" || l === "zh-CN") document.documentElement.setAttribute("lang", l);
} catch (e) {}
// Without a network every page says so (style/app.css shows .offline-banner then).
function markOffline() {
  document.documentElement.toggleAttribute("data-offline", !navigator.onLine);
}
markOffline();
window.addEventListener("online", markOffline);
window.addEventListener("offline", markOffline);
// The service worker (sw.js) lets the app open again without a network. What this page
// fetched before the worker took it over is sent to it to keep (a first visit's page group).
if ("serviceWorker" in navigator) {
  var sendFetched = function () {
    var worker = navigator.serviceWorker.controller;
    if (!worker) return;
    worker.postMessage({ keep: performance.getEntriesByType("resource").map(function (e) { return e.name; }) });
  };
  navigator.serviceWorker.addEventListener("controllerchange", sendFetched);
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js").then(sendFetched).catch(function () {});
  });
}
