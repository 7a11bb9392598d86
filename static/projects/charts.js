/* Charts of the projects app, drawn with ECharts from the data the page carries in json_script elements.
   The instances are kept on window.projectCharts (by element id) so that tests and other scripts can read them. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var charts = window.projectCharts = window.projectCharts || {};
  var DAY = 86400000;

  function readData(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) { return null; }
    var chart = echarts.getInstanceByDom(element) || echarts.init(element);
    chart.setOption(option, true);
    charts[id] = chart;
    return chart;
  }

  function money(value) {
    return value === null || value === undefined ? "—" : Number(value).toFixed(2);
  }

  function toDay(iso) { return iso ? Date.parse(iso + "T00:00:00Z") : null; }
  function fromDay(ms) { return new Date(ms).toISOString().slice(0, 10); }

  /* Monthly investment: planned and completed bars, both cumulated as lines. */
  function investmentOption(data, labels) {
    return {
      tooltip: { trigger: "axis", valueFormatter: money },
      legend: { top: 0 },
      grid: { left: 60, right: 60, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.months },
      yAxis: [
        { type: "value", name: "万元" },
        { type: "value", name: "累计", splitLine: { show: false } }
      ],
      series: [
        { id: "planned", name: labels.planned, type: "bar", data: data.planned, itemStyle: { color: "#adb5bd" } },
        { id: "completed", name: labels.completed, type: "bar", data: data.completed, itemStyle: { color: "#0d6efd" } },
        { id: "planned_cumulative", name: labels.planned_cumulative, type: "line", yAxisIndex: 1,
          data: data.planned_cumulative, lineStyle: { type: "dashed" }, itemStyle: { color: "#6c757d" } },
        { id: "completed_cumulative", name: labels.completed_cumulative, type: "line", yAxisIndex: 1,
          data: data.completed_cumulative, itemStyle: { color: "#198754" } }
      ]
    };
  }

  /* Milestone timeline: for each phase a bar to its planned date and one to its actual date. */
  function milestoneOption(data) {
    var days = data.planned.concat(data.actual).filter(Boolean).map(toDay);
    var start = days.length ? Math.min.apply(null, days) - 30 * DAY : Date.now();
    function offset(iso) { return iso ? Math.round((toDay(iso) - start) / DAY) : null; }
    return {
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" },
        formatter: function (items) {
          var index = items[0].dataIndex;
          var delay = data.delay[index];
          return data.phases[index] + "<br>" + data.labels.planned + ": " + (data.planned[index] || "—") +
            "<br>" + data.labels.actual + ": " + (data.actual[index] || "—") +
            (delay === null ? "" : "<br>" + data.labels.delay + ": " + delay);
        }
      },
      legend: { top: 0 },
      grid: { left: 110, right: 30, top: 40, bottom: 30 },
      yAxis: { type: "category", data: data.phases, inverse: true },
      xAxis: { type: "value", min: 0, axisLabel: { formatter: function (value) { return fromDay(start + value * DAY); } } },
      series: [
        { id: "planned", name: data.labels.planned, type: "bar", data: data.planned.map(offset), itemStyle: { color: "#adb5bd" } },
        { id: "actual", name: data.labels.actual, type: "bar", data: data.actual.map(offset),
          itemStyle: { color: function (params) { var d = data.delay[params.dataIndex]; return d > 0 ? "#dc3545" : "#198754"; } } }
      ]
    };
  }

  var project = readData("project-chart-data");
  if (project) {
    draw("investment-chart", investmentOption(project.investment, project.investment.labels));
    draw("milestone-chart", milestoneOption(project.milestones));
  }

  var summary = readData("summary-chart-data");
  if (summary) {
    draw("category-chart", {
      tooltip: { trigger: "axis", valueFormatter: money },
      legend: { top: 0 },
      grid: { left: 60, right: 20, top: 40, bottom: 60 },
      xAxis: { type: "category", data: summary.category.labels, axisLabel: { interval: 0, rotate: 20 } },
      yAxis: { type: "value", name: "万元" },
      series: [
        { id: "planned", name: summary.labels.planned, type: "bar", data: summary.category.planned, itemStyle: { color: "#adb5bd" } },
        { id: "completed", name: summary.labels.completed, type: "bar", data: summary.category.completed, itemStyle: { color: "#0d6efd" } }
      ]
    });
    draw("monthly-chart", investmentOption({
      months: summary.monthly.months,
      planned: [],
      completed: summary.monthly.completed,
      planned_cumulative: summary.monthly.planned_cumulative,
      completed_cumulative: summary.monthly.completed_cumulative
    }, summary.labels));
    draw("source-chart", {
      tooltip: { trigger: "item", valueFormatter: money },
      series: [{ id: "source", type: "pie", radius: ["35%", "70%"], data: summary.source }]
    });
  }

  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
  });
})();
