/* Charts of the 隐患清零 page, drawn with ECharts from the figures the page carries in #zero-out-chart-data
   (safety.selectors.zero_out_chart_data). The tables below stay the reference (tests, printing); the charts are
   kept on window.zeroOutCharts (by element id) and are found with echarts.getInstanceByDom. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var source = document.getElementById("zero-out-chart-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var names = data.names;
  var charts = window.zeroOutCharts = {};
  var COLORS = { closed: "#198754", open: "#ffc107", overdue: "#dc3545", rate: "#fd7e14" };

  function draw(id, option, height) {
    var element = document.getElementById(id);
    if (!element) { return null; }
    if (height) { element.style.height = height + "px"; }
    var chart = echarts.getInstanceByDom(element) || echarts.init(element);
    chart.setOption(option, true);
    charts[id] = chart;
    return chart;
  }

  /* Open and closed hazards by field, stacked: closed, open within the deadline, overdue (highlighted). */
  var fields = data.by_field;
  function stacked(key) {
    return {
      id: key, name: names[key], type: "bar", stack: "hazards", data: fields[key], barMaxWidth: 48,
      itemStyle: { color: COLORS[key] },
      emphasis: { focus: "series" },
      label: { show: true, formatter: function (p) { return p.value ? p.value : ""; } }
    };
  }
  draw("chart-by-field", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 50, right: 20, top: 40, bottom: 30, containLabel: true },
    xAxis: { type: "category", data: fields.labels, axisLabel: { interval: 0, width: 90, overflow: "break" } },
    yAxis: { type: "value", name: names.hazards, minInterval: 1 },
    series: [stacked("closed"), stacked("open"), stacked("overdue")]
  });

  /* Zero-out rate by township, the worst first (at the top); townships with every hazard closed in green. */
  var townships = data.by_township;
  draw("chart-by-township", {
    tooltip: {
      trigger: "axis", axisPointer: { type: "shadow" },
      valueFormatter: function (value) { return value.toFixed(1) + "%"; }
    },
    grid: { left: 20, right: 50, top: 30, bottom: 20, containLabel: true },
    xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", data: townships.labels, inverse: true, axisTick: { show: false } },
    series: [{
      id: "rate", name: names.rate, type: "bar", data: townships.rate, barMaxWidth: 18,
      itemStyle: {
        color: function (p) { return townships.zeroed[p.dataIndex] ? COLORS.closed : COLORS.rate; }
      },
      label: { show: true, position: "right", formatter: function (p) { return p.value.toFixed(1) + "%"; } }
    }]
  }, Math.max(200, 26 * townships.labels.length + 60));

  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
  });
}());
