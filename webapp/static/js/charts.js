// The dashboard's charts: each canvas[data-chart-for] draws the table it names, so the chart
// and its table always show the same numbers. Labels are the rows' headings; one series per
// column heading marked data-series; each cell's data-value is the figure the server gave.
(function () {
  "use strict";

  function tableData(table) {
    const columns = Array.from(table.tHead.rows[0].cells);
    const series = columns.map((cell, index) => ({ cell, index }))
      .filter((item) => item.cell.hasAttribute("data-series"));
    const rows = Array.from(table.tBodies[0].rows);
    return {
      labels: rows.map((row) => row.cells[0].textContent.trim()),
      datasets: series.map((item) => ({
        label: item.cell.textContent.trim(),
        data: rows.map((row) => {
          const raw = row.cells[item.index].dataset.value;
          return raw === "" ? null : Number(raw);
        }),
      })),
    };
  }

  function draw(canvas) {
    const table = document.getElementById(canvas.dataset.chartFor);
    if (!table || !window.Chart || canvas.dataset.drawn) return;
    canvas.dataset.drawn = "1";
    new window.Chart(canvas, {
      type: "bar",
      data: tableData(table),
      options: { animation: false, maintainAspectRatio: false,
                 plugins: { legend: { display: true, position: "bottom" } },
                 scales: { y: { beginAtZero: true } } },
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("canvas[data-chart-for]").forEach(draw);
  });
})();
