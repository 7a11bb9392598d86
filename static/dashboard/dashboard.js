/* Charts of the leadership dashboard, drawn with ECharts from the figures the page carries in
   #dashboard-chart-data (dashboard.selectors.dashboard_chart_data); the tables stay the reference. The charts are
   kept on window.dashboardCharts (by element id). The full-screen button switches the wall-display layout
   (1920×1080) and asks the browser for full screen; ?wall=1 opens the page in that layout. */
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  var source = document.getElementById("dashboard-chart-data");
  if (!root || !source) { return; }
  var data = JSON.parse(source.textContent);
  var names = data.names;
  var charts = window.dashboardCharts = {};
  var COLORS = { completed: "#198754", open: "#0d6efd", overdue: "#dc3545", returned: "#fd7e14",
                 planned: "#adb5bd", closed: "#198754", hazardOpen: "#ffc107" };

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element || typeof echarts === "undefined") { return null; }
    var chart = echarts.getInstanceByDom(element) || echarts.init(element);
    chart.setOption(option, true);
    charts[id] = chart;
    return chart;
  }

  function bar(key, name, values, color, stack) {
    return { id: key, name: name, type: "bar", data: values, stack: stack, barMaxWidth: 36,
             itemStyle: { color: color }, emphasis: { focus: "series" },
             label: { show: !!stack, formatter: function (p) { return p.value ? p.value : ""; } } };
  }

  var tasks = data.key_tasks;
  draw("chart-key-tasks", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 10, right: 20, top: 30, bottom: 10, containLabel: true },
    xAxis: { type: "value", minInterval: 1, name: names.measures },
    yAxis: { type: "category", data: tasks.labels, inverse: true,
             axisLabel: { width: 160, overflow: "truncate" } },
    series: [bar("completed", names.completed, tasks.completed, COLORS.completed, "m"),
             bar("open", names.open, tasks.open, COLORS.open, "m"),
             bar("overdue", names.overdue, tasks.overdue, COLORS.overdue, "m")]
  });

  var units = data.units;
  draw("chart-units", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 10, right: 20, top: 30, bottom: 10, containLabel: true },
    xAxis: { type: "category", data: units.labels, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [bar("overdue", names.overdue, units.overdue, COLORS.overdue),
             bar("returned", names.returned, units.returned, COLORS.returned)]
  });

  var category = data.investment_by_category;
  draw("chart-investment-category", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 10, right: 10, top: 30, bottom: 10, containLabel: true },
    xAxis: { type: "category", data: category.labels, axisLabel: { interval: 0, rotate: 30, width: 90, overflow: "truncate" } },
    yAxis: { type: "value", name: names.money },
    series: [bar("planned", names.planned, category.planned, COLORS.planned),
             bar("completed", names.completed, category.completed, COLORS.completed)]
  });

  var month = data.investment_by_month;
  draw("chart-investment-month", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 10, right: 10, top: 30, bottom: 10, containLabel: true },
    xAxis: { type: "category", data: month.labels, name: names.month },
    yAxis: { type: "value", name: names.money },
    series: [
      bar("completed", names.completed, month.completed, COLORS.completed),
      { id: "planned_cumulative", name: names.planned_cumulative, type: "line", data: month.planned_cumulative,
        itemStyle: { color: COLORS.planned }, lineStyle: { type: "dashed" } },
      { id: "completed_cumulative", name: names.completed_cumulative, type: "line", data: month.completed_cumulative,
        itemStyle: { color: COLORS.open } }
    ]
  });

  draw("chart-blockers", {
    tooltip: { trigger: "item" },
    series: [{ id: "blockers", type: "pie", radius: ["35%", "65%"], data: data.blockers,
               label: { formatter: "{b} {c}" } }]
  });

  var fields = data.hazards_by_field;
  draw("chart-hazards-field", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 10, right: 20, top: 30, bottom: 10, containLabel: true },
    xAxis: { type: "category", data: fields.labels, axisLabel: { interval: 0 } },
    yAxis: { type: "value", name: names.hazards, minInterval: 1 },
    series: [bar("closed", names.closed, fields.closed, COLORS.closed, "h"),
             bar("open", names.open, fields.open, COLORS.hazardOpen, "h"),
             bar("overdue", names.overdue, fields.overdue, COLORS.overdue, "h")]
  });

  function resizeAll() { Object.keys(charts).forEach(function (id) { charts[id].resize(); }); }
  window.addEventListener("resize", resizeAll);

  /* Wall display: a layout class on <body> (hides the navigation, fits 1920×1080) and the browser's full screen
     when it allows it. Leaving full screen (Esc) leaves the layout too. */
  var toggle = document.getElementById("fullscreen-toggle");
  function setWall(on) {
    root.classList.toggle("dashboard-wall", on);
    document.body.classList.toggle("dashboard-wall-body", on);
    if (toggle) { toggle.setAttribute("aria-pressed", on ? "true" : "false"); }
    window.setTimeout(resizeAll, 50);
  }
  if (root.classList.contains("dashboard-wall")) { setWall(true); }
  if (toggle) {
    toggle.addEventListener("click", function () {
      var on = !root.classList.contains("dashboard-wall");
      setWall(on);
      var element = document.documentElement;
      if (on && element.requestFullscreen && !document.fullscreenElement) {
        element.requestFullscreen().catch(function () { /* refused (no user gesture, iframe): layout only */ });
      } else if (!on && document.fullscreenElement && document.exitFullscreen) {
        document.exitFullscreen();
      }
    });
  }
  document.addEventListener("fullscreenchange", function () {
    if (!document.fullscreenElement && root.classList.contains("dashboard-wall")) { setWall(false); }
  });
}());
