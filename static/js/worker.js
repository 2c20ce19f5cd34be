/* Worker app: register the service worker; forget cached personal pages on logout. */
(function () {
  if (!("serviceWorker" in navigator)) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.matches && form.matches("form[data-logout]") && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("logout");
    }
  });
})();
