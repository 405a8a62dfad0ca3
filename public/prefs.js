// Apply the remembered 长辈版 and language before anything paints, so the page never jumps
// from small to large type. A blocking classic script (tiny, cached); no inline script, for
// the content security policy.
try {
  var s = window.localStorage;
  if (s.getItem("anju.elder_mode") === "1") document.documentElement.setAttribute("data-mode", "elder");
  var l = s.getItem("anju.locale");
  if (l === "en" || l === "zh-CN") document.documentElement.setAttribute("lang", l);
} catch (e) {}
