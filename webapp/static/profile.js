// The profile page's charts: drawn with the vendored Chart.js from the figures in the page's
// own tables (the same numbers, and the tables stay for screen readers and without script).
// Caring mode gets the page's larger text and high-contrast colours.
function setUpProfileCharts() {
  if (typeof window.Chart === "undefined") return;
  const root = document.documentElement;
  const caring = root.classList.contains("caring");
  const style = getComputedStyle(document.body);
  const fontSize = Math.round(parseFloat(style.fontSize) || 16);
  const colour = (name, fallback) => getComputedStyle(root).getPropertyValue(name).trim() || fallback;
  const text = caring ? "#000000" : colour("--text", "#1d2a36");
  const bars = caring ? colour("--accent-dark", "#032a52") : colour("--accent", "#0b5cad");
  const grid = caring ? "#555555" : "#d5dbe1";
  window.Chart.defaults.font.size = caring ? Math.max(fontSize, 18) : Math.max(12, fontSize - 2);
  window.Chart.defaults.font.family = style.fontFamily;
  window.Chart.defaults.color = text;
  document.querySelectorAll("table.figures[data-chart]").forEach((table) => {
    const name = table.dataset.chart;
    const canvas = document.getElementById(`${name}-chart`);
    if (!canvas) return;
    const rows = Array.from(table.tBodies[0].rows);
    const labels = rows.map((row) => row.cells[0].dataset.label || row.cells[0].textContent.trim());
    const values = rows.map((row) => Number(row.cells[1].dataset.value || 0));
    const unit = table.tHead.rows[0].cells[1].textContent.trim();
    canvas.parentElement.hidden = false;
    new window.Chart(canvas, {
      type: "bar",
      data: { labels, datasets: [{ label: unit, data: values, backgroundColor: bars, borderColor: text, borderWidth: caring ? 1 : 0 }] },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false }, tooltip: { bodyFont: { size: window.Chart.defaults.font.size } } },
        scales: {
          x: { grid: { display: false }, ticks: { color: text, maxRotation: 60, autoSkip: true } },
          y: { beginAtZero: true, title: { display: true, text: unit, color: text }, grid: { color: grid }, ticks: { color: text, precision: 0 } },
        },
      },
    });
    // The chart shows the figures now; the table is one click away (and read by screen readers).
    const details = table.closest("details");
    if (details) details.open = false;
    canvas.dataset.drawn = "1";
  });
}

document.addEventListener("DOMContentLoaded", setUpProfileCharts);
