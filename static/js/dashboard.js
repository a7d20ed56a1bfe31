/* The dashboard's charts (Apache ECharts, vendored). Data comes from a json_script block. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var lang = document.documentElement.lang || "zh-hans";
  var zh = lang.indexOf("zh") === 0;
  var words = zh
    ? { plan: "计划", actual: "实际", completion: "完成率" }
    : { plan: "Plan", actual: "Actual", completion: "Completion" };
  var charts = [];

  var trendEl = document.getElementById("trend-chart");
  if (trendEl) {
    var trend = echarts.init(trendEl, null, { renderer: "svg" });
    trend.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
      legend: { data: [words.plan, words.actual] },
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: data.trend.weeks },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [
        { name: words.plan, type: "line", step: "end", data: data.trend.planned, lineStyle: { type: "dashed" }, color: "#5b6470" },
        { name: words.actual, type: "line", step: "end", data: data.trend.actual, areaStyle: { opacity: 0.15 }, color: "#c62828" }
      ]
    });
    charts.push(trend);
  }

  document.querySelectorAll(".chart--ranking").forEach(function (el) {
    var ranking = data.rankings[el.dataset.group];
    if (!ranking || !ranking.units.length) { el.hidden = true; return; }
    el.style.height = (26 * ranking.units.length + 50) + "px";
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + "%"; } },
      legend: { data: [words.completion, words.plan] },
      grid: { left: 110, right: 24, top: 30, bottom: 10 },
      xAxis: { type: "value", min: 0, max: 100 },
      yAxis: { type: "category", inverse: true, data: ranking.units },
      series: [
        { name: words.completion, type: "bar", data: ranking.completion, color: "#c62828", label: { show: true, position: "right", formatter: "{c}%" } },
        { name: words.plan, type: "bar", data: ranking.planned, color: "#b8bfc8" }
      ]
    });
    charts.push(chart);
  });

  function resizeAll() { charts.forEach(function (c) { c.resize(); }); }
  window.addEventListener("resize", resizeAll);
  // A chart drawn inside a folded section has no width until the section opens.
  document.querySelectorAll("details.fold").forEach(function (fold) {
    fold.addEventListener("toggle", function () { if (fold.open) { resizeAll(); } });
  });
  // Print every section, folded or not.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.fold").forEach(function (fold) { fold.open = true; });
    resizeAll();
  });
})();
