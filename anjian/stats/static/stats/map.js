// anjian stats: the hazard risk map (隐患风险分布图), drawn with the vendored ECharts from data.json.
// Offline: no tiles, the outlines come from the boundaries the deployer imported. Strict CSP: no inline
// script or style, so the tooltips are ECharts' rich text (drawn on the canvas), not HTML.
(function () {
  "use strict";

  var el = document.getElementById("risk-map");
  if (!el || typeof echarts === "undefined") return;

  var chart = null;
  var data = null;
  var mapName = "";

  function unitUrl(id) {
    return data.unit_url.replace(/\/0\/$/, "/" + id + "/");
  }

  function childByName(name) {
    for (var i = 0; i < data.children.length; i++) {
      if (data.children[i].name === name) return data.children[i];
    }
    return null;
  }

  function pointText(item) {
    var lines = [item.name, "未销号隐患 " + item.open + " 项"];
    if (item.major) lines.push("其中重大隐患 " + item.major + " 项");
    if (item.overdue) lines.push("逾期未整改 " + item.overdue + " 项");
    lines.push("分级分类：" + (item.cls ? item.cls + "类" : "未分级"));
    if (item.closed) lines.push("（已关闭或注销，仍有未销号隐患）");
    return lines.join("\n");
  }

  function areaText(name) {
    var c = childByName(name);
    if (!c) return name;
    return [
      c.name,
      "未销号隐患 " + c.open + " 项（重大 " + c.major + "，逾期 " + c.overdue + "）",
      "单位 " + c.units + " 家，其中有未销号隐患 " + c.units_open + " 家",
    ].join("\n");
  }

  function tooltip(params) {
    if (params.seriesType === "scatter") return pointText(params.data);
    return areaText(params.name);
  }

  // One scatter series per colour group, so that the legend names the groups and toggles them.
  function scatterSeries(colourBy, onGeo) {
    var groups = colourBy === "class" ? data.classes : data.buckets;
    return groups.map(function (g) {
      var points = data.points.filter(function (p) {
        return (colourBy === "class" ? p["class"] : p.bucket) === g.key;
      });
      var series = {
        name: g.label,
        type: "scatter",
        coordinateSystem: onGeo ? "geo" : "cartesian2d",
        symbolSize: function (value, params) {
          var d = params.data;
          return d.major ? 13 : d.open >= 3 ? 10 : d.open ? 8 : 6;
        },
        itemStyle: { color: g.color, borderColor: "#ffffff", borderWidth: 0.6, opacity: 0.9 },
        emphasis: { scale: 1.6 },
        z: 5,
        data: points.map(function (p) {
          return {
            value: [p.lng, p.lat], id: p.id, name: p.name, open: p.open, major: p.major,
            overdue: p.overdue, cls: p["class"], closed: p.closed,
          };
        }),
      };
      if (onGeo) series.geoIndex = 0;
      return series;
    });
  }

  function build(colourBy) {
    var groups = colourBy === "class" ? data.classes : data.buckets;
    var option = {
      animation: false,
      tooltip: { trigger: "item", renderMode: "richText", confine: true, formatter: tooltip },
      legend: {
        type: "scroll", top: 0, left: 0, right: 0,
        data: groups.map(function (g) { return g.label; }),
      },
      series: [],
    };
    if (!data.points.length) {
      option.title = {
        text: "没有符合条件的已标注位置的单位", left: "center", top: "middle",
        textStyle: { fontSize: 14, fontWeight: "normal", color: "#6c757d" },
      };
    }
    var onGeo = Boolean(data.geojson);
    if (onGeo) {
      var children = data.mode === "children";
      option.geo = {
        map: mapName,
        roam: true,
        top: 40,
        bottom: children ? 60 : 20,
        label: { show: children, fontSize: 10, color: "#37474f" },
        itemStyle: { areaColor: "#eef2f6", borderColor: "#78909c", borderWidth: 1 },
        emphasis: { label: { show: true }, itemStyle: { areaColor: "#cfd8dc" } },
        select: { disabled: true },
      };
      if (children) {
        var max = 1;
        data.children.forEach(function (c) { if (c.open > max) max = c.open; });
        option.visualMap = {
          type: "continuous", min: 0, max: max, seriesIndex: 0, left: 0, bottom: 0,
          orient: "horizontal", itemHeight: 120, text: ["多", "少"], calculable: true,
          inRange: { color: ["#fff7ec", "#fdbb84", "#d7301f"] },
        };
        option.series.push({
          name: "未销号隐患（" + data.child_level + "）",
          type: "map",
          geoIndex: 0,
          data: data.children.filter(function (c) { return c.boundary; }).map(function (c) {
            return { name: c.name, value: c.open };
          }),
        });
      }
    } else {
      // No outline: a plain lng/lat plane, padded so that the outermost units are not on the edge.
      option.grid = { left: 10, right: 30, top: 50, bottom: 10, containLabel: true };
      option.xAxis = {
        type: "value", scale: true, boundaryGap: ["8%", "8%"], axisLabel: { formatter: "{value}°E" },
      };
      option.yAxis = {
        type: "value", scale: true, boundaryGap: ["8%", "8%"], axisLabel: { formatter: "{value}°N" },
      };
      option.dataZoom = [{ type: "inside", xAxisIndex: 0 }, { type: "inside", yAxisIndex: 0 }];
    }
    option.series = option.series.concat(scatterSeries(colourBy, onGeo));
    return option;
  }

  function colourBy() {
    var checked = document.querySelector("input[name=map-colour]:checked");
    return checked ? checked.value : "hazards";
  }

  function show(message) {
    el.textContent = "";
    var p = document.createElement("p");
    p.className = "p-3 text-danger";
    p.textContent = message;
    el.appendChild(p);
  }

  function draw(json) {
    data = json;
    var loading = document.getElementById("risk-map-loading");
    if (loading) loading.remove();
    if (data.geojson) {
      mapName = "anjian-" + data.region.code + "-" + data.mode;
      echarts.registerMap(mapName, data.geojson);
    }
    chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(build(colourBy()));
    chart.on("click", function (params) {
      if (params.seriesType === "scatter" && params.data && params.data.id) {
        window.location.assign(unitUrl(params.data.id));
        return;
      }
      if (params.componentType === "geo" || params.seriesType === "map") {
        var c = childByName(params.name);
        if (c && c.url) window.location.assign(c.url);
      }
    });
    el.dataset.ready = "1";
    el.dataset.points = String(data.points.length);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!chart || !(target instanceof HTMLInputElement) || target.name !== "map-colour") return;
    chart.setOption(build(target.value), { notMerge: true });
  });
  window.addEventListener("resize", function () { if (chart) chart.resize(); });

  fetch(el.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.error || "地图数据加载失败");
        return body;
      });
    })
    .then(draw)
    .catch(function (error) { show("地图数据加载失败：" + error.message); });
})();
