/* Precomputed explorable "step-cost" (Lab 11: what one optimiser step costs). Over model sizes from 10⁶ to 7·10⁹
   parameters: the memory of the parameters and of the optimiser state, and the time one step needs at the memory
   bandwidth the reader picks, for a one-pass implementation (the bandwidth bound) and for torch's op-by-op for-loop.
   Nothing is timed: the bytes per parameter are counted (sgd_reference.labs.step_cost.TRAFFIC) and read from real
   optimisers' state, so the grid is the same on every machine.
   Data: book/_ext/explore_data/step-cost.json, inlined in the page by book/_ext/explorable.py; drawn with the helpers
   of sgd-explore.js, which must load first (both are deferred, in this order). */
(function () {
  "use strict";
  var X = window.SGDExplore, el = X.el;
  var N_LO = 5e5, N_HI = 2e10;  // the x axis of both panels (parameters, log scale; ticks at 10⁶ … 10¹⁰ stay inside)

  function logTicks(lo, hi) {
    var out = [];
    for (var e = Math.ceil(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) out.push([Math.pow(10, e), X.decadeLabel(e)]);
    return out;
  }

  /* Lines y = perParam[k] × N over the grid's model sizes, on log-log axes, with the chosen size marked on each. */
  function drawLines(p, sizes, chosen, lines, yLo, yHi, ylabel, empty) {
    var f = X.frame, W = f.W, H = f.H, M = f.M;
    X.clear(p);
    var sx = X.scale(N_LO, N_HI, M.l, W - M.r, true), sy = X.scale(yLo, yHi, H - M.b, M.t, true);
    var yt = logTicks(yLo, yHi).filter(function (t, i) { return i % 2 === 0; });
    X.axes(p, sx, sy, logTicks(N_LO, N_HI), yt, "파라미터 수 (로그 눈금)", ylabel);
    lines.forEach(function (line) {
      if (!(line.perParam > 0)) {  // no optimiser state: nothing to draw on a log axis, say so instead
        el("svg:text", {x: (M.l + 8).toFixed(2), y: (H - M.b - 10).toFixed(2), "class": "sgd-explore-note"}, p.plot, empty);
        return;
      }
      X.polyline(p.plot, sizes.map(function (n) { return [sx(n), sy(line.perParam * n)]; }), line.cls, false);
      el("svg:circle", {cx: sx(chosen).toFixed(2), cy: sy(line.perParam * chosen).toFixed(2), r: 3.6,
                        "class": "sgd-explore-now" + (line.cls.indexOf("red") >= 0 ? " sgd-explore-out" : "")}, p.plot);
    });
  }

  /* A parameter count the way Korean writes large numbers (1,169만, 13억), exact in the screen reader's value text. */
  function korean(n) {
    if (n >= 1e8) return String(Number((n / 1e8).toPrecision(3))) + "억";
    if (n >= 1e4) return Math.round(n / 1e4).toLocaleString("en-US") + "만";
    return n.toLocaleString("en-US");
  }

  function showValue(panel, name, text, spoken) {  // the slider's shown value (sgd-explore.js writes the raw number)
    var box = panel.svg.closest(".sgd-explore"), input = box && box.querySelector('input[data-name="' + name + '"]');
    var output = input && box.querySelector('output[for="' + input.id + '"]');
    if (!output) return;
    output.textContent = text;
    input.setAttribute("aria-valuetext", spoken);
  }

  X.register("step-cost", {
    title: "옵티마이저 한 스텝의 비용: 상태 메모리와, 고른 대역폭에서 한 스텝이 걸리는 최소 시간",
    panels: ["메모리 (바이트, 로그-로그)", "한 스텝의 시간 (밀리초, 로그-로그)"],
    legend: [["sgd-explore-ink", "파라미터 자체 / 한 번에 지나가는 구현의 하한"],
             ["sgd-explore-red", "옵티마이저 상태 / 연산마다 옮기는 for 루프"]],
    note: "시간을 잰 값이 아니라 센 값입니다: 파라미터당 바이트는 알고리즘에서 세고(sgd_reference.labs.step_cost) 상태는 실제 " +
          "옵티마이저의 state 에서 읽었으며, 시간은 그 바이트를 고른 대역폭으로 나눈 것입니다(Adam 의 스텝 수 스칼라는 " +
          "빼고). 점은 고른 파라미터 수입니다. 내 기계의 대역폭과 실제 스텝 시간은 실습 11 의 3절에서 잽니다.",
    draw: function (data, point, idx, panels) {
      var sizes = data.controls[0].values, chosen = sizes[idx.parameters];
      var key = data.controls[2].values[idx.config] + "|" + data.controls[3].values[idx.dtype];
      var per = data.per_parameter[key], gbps = data.controls[1].values[idx.bandwidth];
      showValue(panels[0], "parameters", korean(chosen), chosen.toLocaleString("en-US") + "개");
      showValue(panels[0], "bandwidth", gbps.toLocaleString("en-US"), gbps.toLocaleString("en-US") + " GB/s");
      drawLines(panels[0], sizes, chosen, [{perParam: per.element, cls: "sgd-explore-ink"},
                                           {perParam: per.state, cls: "sgd-explore-red sgd-explore-dashed"}],
                1e6, 1e12, "바이트", "이 옵티마이저는 상태가 없습니다");
      var msPerByte = 1e3 / (gbps * 1e9);
      drawLines(panels[1], sizes, chosen, [{perParam: per.one_pass * msPerByte, cls: "sgd-explore-ink"},
                                           {perParam: per.op_by_op * msPerByte, cls: "sgd-explore-red sgd-explore-dashed"}],
                1e-3, 1e6, "밀리초", "");
      return [point.text, false];
    }
  });
})();
