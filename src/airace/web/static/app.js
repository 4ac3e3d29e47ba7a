// airace dashboard: draw each chart from its inlined Vega-Lite spec with the locally served
// runtime, and keep every control's state in the URL (a change reloads the view from it).
(function () {
  "use strict";
  function draw() {
    document.querySelectorAll("[data-spec]").forEach(function (el) {
      var node = document.getElementById(el.getAttribute("data-spec"));
      if (!node || typeof window.vegaEmbed !== "function") return;
      var spec = JSON.parse(node.textContent);
      window.vegaEmbed(el, spec, { renderer: "svg", actions: false }).then(function () {
        el.setAttribute("data-rendered", "true");
      }).catch(function (err) {
        el.textContent = "The chart could not be drawn: " + err + " (its data is in the table below).";
      });
    });
  }
  function queryOf(form) {
    var query = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (String(value).trim() !== "") query.append(name, String(value).trim());
    });
    return query.toString();
  }
  function wire() {
    document.querySelectorAll("form.controls").forEach(function (form) {
      form.addEventListener("change", function () {
        var query = queryOf(form);
        var url = window.location.pathname + (query ? "?" + query : "");
        if (url !== window.location.pathname + window.location.search) window.location.assign(url);
      });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var query = queryOf(form);
        window.location.assign(window.location.pathname + (query ? "?" + query : ""));
      });
    });
  }
  draw();
  wire();
})();
