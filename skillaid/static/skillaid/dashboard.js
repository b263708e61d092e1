// The dashboard's charts (统计看板), drawn with Apache ECharts from our own static files.
// The data comes from the page (json_script "dashboard-data"); every chart has a table
// beside it that holds the same numbers, for phones without scripts.
(function () {
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var colours = { ok: "#32d583", slow: "#fdb022", behind: "#f04438", none: "#98a2b3" };
  var charts = [];

  function open(url) {
    if (url) window.location.href = url;
  }

  function mount(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    el.hidden = false;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }

  // Progress against each target: the share done, with where the pace says it should be.
  if (data.progress.length) {
    var progress = mount("chart-progress");
    if (progress) {
      progress.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { data: ["完成率", "应完成（时序进度）"], bottom: 0 },
        grid: { left: 8, right: 24, top: 16, bottom: 36, containLabel: true },
        xAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
        yAxis: {
          type: "category",
          inverse: true,
          data: data.progress.map(function (p) { return p.title; }),
          axisLabel: { width: 130, overflow: "truncate" }
        },
        series: [
          {
            name: "完成率",
            type: "bar",
            data: data.progress.map(function (p) {
              var level = p.percent === null ? "none"
                : (p.expected === null || p.percent >= p.expected) ? "ok"
                : (p.percent >= p.expected * 0.8 ? "slow" : "behind");
              return { value: p.percent, itemStyle: { color: colours[level] } };
            }),
            label: { show: true, position: "right", formatter: "{c}%" }
          },
          {
            name: "应完成（时序进度）",
            type: "scatter",
            symbol: "rect",
            symbolSize: [3, 22],
            itemStyle: { color: "#344054" },
            data: data.progress.map(function (p) { return p.expected; })
          }
        ]
      });
      progress.on("click", function (e) { open(data.progress[e.dataIndex].url); });
    }
  }

  // The trend by month of the chosen indicator.
  var trend = mount("chart-trend");
  if (trend) {
    trend.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.trend.months },
      yAxis: { type: "value", name: data.unit },
      series: [{
        name: data.indicator,
        type: "line",
        data: data.trend.values,
        areaStyle: { opacity: 0.15 },
        itemStyle: { color: "#1570ef" },
        symbolSize: 8
      }]
    });
    trend.on("click", function (e) { open(data.trend.urls[e.dataIndex]); });
  }

  // The regions (or schools) one level down, coloured by progress as in their table;
  // a bar opens that region's own dashboard.
  if (data.children.length) {
    var box = document.getElementById("chart-children");
    if (box) box.style.height = Math.max(160, 40 + 28 * data.children.length) + "px";
    var note = document.getElementById("chart-children-note");
    if (note) note.hidden = false;
    var children = mount("chart-children");
    if (children) {
      children.setOption({
        animation: false,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", name: data.unit },
        yAxis: {
          type: "category",
          inverse: true,
          data: data.children.map(function (c) { return c.name; }),
          axisLabel: { width: 110, overflow: "truncate" }
        },
        series: [{
          name: data.indicator,
          type: "bar",
          data: data.children.map(function (c) {
            return { value: c.value, itemStyle: { color: colours[c.level] || colours.none } };
          }),
          label: { show: true, position: "right" }
        }]
      });
      children.on("click", function (e) { open(data.children[e.dataIndex].url); });
    }
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
