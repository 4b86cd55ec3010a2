// A first visit to the English home page "/" from elsewhere goes to the visitor's
// language: the one chosen with the switcher (its cookie), else the first of the
// browser's languages that the site has. In the browser, before the page is
// painted, so that "/" stays one response for everyone (toursite.languages); a
// deep link never moves, and nor does "/" reached from a page of this site (the
// visitor chose to be there). The languages and their addresses are the page's
// hreflang links, which come before this script.
(function () {
  if (window.location.pathname !== "/") {
    return;
  }
  var referrer = "";
  try {
    referrer = document.referrer ? new URL(document.referrer).origin : "";
  } catch (error) {
    referrer = "";
  }
  if (referrer === window.location.origin) {
    return;
  }
  var homes = {};
  document.querySelectorAll('link[rel="alternate"][hreflang]').forEach(function (link) {
    homes[link.hreflang] = new URL(link.href).pathname;
  });
  var cookie = document.cookie.match(/(?:^|;\s*)django_language=([a-z]{2})/);
  var chosen = cookie ? cookie[1] : null;
  if (!chosen) {
    var wanted = navigator.languages || [navigator.language || ""];
    for (var i = 0; i < wanted.length && !chosen; i += 1) {
      var code = String(wanted[i]).slice(0, 2).toLowerCase();
      if (homes[code]) {
        chosen = code;
      }
    }
  }
  var home = chosen && homes[chosen];
  if (home && home !== "/") {
    window.location.replace(home + window.location.search);
  }
})();
