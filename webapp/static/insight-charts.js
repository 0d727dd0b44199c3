// The shared chart component of insight (templates/insight/_chart.html): each figure's JSON
// block is drawn with the vendored ECharts (canvas renderer: nothing inline for the CSP); the
// same figures stay in the HTML table, which folds into a "show as table" toggle once the
// chart is drawn. Caring mode gets larger text, thicker lines and high-contrast colours.
(function () {
  "use strict";
  const PALETTE = ["#0b5cad", "#b35900", "#2e7d32", "#8e24aa", "#c62828", "#00838f"];
  const CARING_PALETTE = ["#032a52", "#7a3b00", "#1b5e20", "#4a148c", "#8b0000", "#004d52"];

  function look() {
    const root = document.documentElement;
    const caring = root.classList.contains("caring");
    const style = getComputedStyle(document.body);
    const base = Math.round(parseFloat(style.fontSize) || 16);
    return {
      caring,
      font: style.fontFamily,
      size: caring ? Math.max(base, 18) : Math.max(12, base - 2),
      text: caring ? "#000000" : "#1a1a1a",
      grid: caring ? "#555555" : "#d5dbe1",
      palette: caring ? CARING_PALETTE : PALETTE,
    };
  }

  function option(spec, l) {
    const kind = spec.kind || "line";
    const textStyle = { fontFamily: l.font, fontSize: l.size, color: l.text };
    const common = {
      animation: false,
      color: l.palette,
      textStyle,
      tooltip: { trigger: kind === "pie" ? "item" : "axis", textStyle: { fontSize: l.size } },
      legend: (spec.series || []).length > 1 || kind === "pie"
        ? { top: 0, textStyle, itemWidth: l.caring ? 32 : 24, itemHeight: l.caring ? 18 : 14 }
        : undefined,
    };
    if (kind === "pie") {
      const s = spec.series[0] || { values: [] };
      return Object.assign(common, {
        series: [{
          type: "pie", name: s.name, radius: ["35%", "65%"], top: 40,
          label: { fontSize: l.size, color: l.text },
          data: spec.categories.map((c, i) => ({ name: c, value: s.values[i] })),
        }],
      });
    }
    return Object.assign(common, {
      grid: { left: 12, right: 16, top: (spec.series || []).length > 1 ? 48 : 24, bottom: 8, containLabel: true },
      xAxis: {
        type: "category", data: spec.categories,
        axisLabel: { fontSize: l.size, color: l.text, hideOverlap: true },
        axisLine: { lineStyle: { color: l.text } },
      },
      yAxis: {
        type: "value", name: spec.unit || "", nameTextStyle: { fontSize: l.size, color: l.text },
        axisLabel: { fontSize: l.size, color: l.text },
        splitLine: { lineStyle: { color: l.grid } },
      },
      series: (spec.series || []).map((s) => ({
        type: kind, name: s.name, data: s.values,
        stack: spec.stacked ? "all" : undefined,
        lineStyle: kind === "line" ? { width: l.caring ? 4 : 2 } : undefined,
        symbolSize: l.caring ? 8 : 4,
      })),
    });
  }

  function draw(block) {
    const id = block.dataset.chart;
    const box = document.getElementById(`${id}-chart`);
    if (!box || box.dataset.drawn) return;
    let spec;
    try {
      spec = JSON.parse(block.textContent);
    } catch (e) {
      return; // the table still shows the figures
    }
    box.hidden = false;
    const chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.setOption(option(spec, look()));
    window.addEventListener("resize", () => chart.resize());
    box.dataset.drawn = "1";
    const details = document.getElementById(`${id}-table`);
    if (details) details.open = false;
  }

  function drawAll() {
    if (typeof window.echarts === "undefined") return;
    document.querySelectorAll("script.insight-chart-data[data-chart]").forEach(draw);
  }

  window.insightCharts = { drawAll };
  document.addEventListener("DOMContentLoaded", drawAll);
})();
