/* The dashboard's charts: ECharts options built on the server (json_script), clicks open the records.
 *
 * The CSP allows no inline style: tooltips are drawn in the canvas (renderMode richText), never as
 * HTML with style attributes. Each chart's payload is {option, links}: links[series][dataIndex] is
 * the list page behind that point, or null. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) { return; }
    var payload = JSON.parse(source.textContent);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(payload.option);
    chart.on("click", function (params) {
      var series = payload.links[params.seriesIndex] || [];
      var url = series[params.dataIndex];
      if (url) { window.location.assign(url); }
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
