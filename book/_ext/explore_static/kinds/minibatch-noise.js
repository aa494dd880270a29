/* Precomputed explorable "minibatch-noise" (Lab 03: batch size B and the lr multiplier; validation loss per epoch and
   per-step training loss against the baseline B = 32, η = 0.02, and the gradient noise's standard deviation against
   the 1/√B law with the chosen B marked).
   Data: book/_ext/explore_data/minibatch-noise.json, inlined in the page by book/_ext/explorable.py; drawn with the
   helpers of sgd-explore.js, which must load first (both are deferred, in this order). */
(function () {
  "use strict";
  var X = window.SGDExplore, drawSeries = X.drawSeries, sampledSteps = X.sampledSteps, el = X.el;
  var CAP = 4;  // losses above this are drawn at it (a diverged run stays readable; the status line has the number)

  function epochs(r) {  // the epoch of each sampled training step: step s ends at (s + 1) / steps_per_epoch
    return sampledSteps(r.n, r.every, r.train.length).map(function (s) { return (s + 1) / r.steps_per_epoch; });
  }

  /* Section 1's measurement as a standard deviation on log-log axes: the exact theory (solid), σ/√B (dashed), the
     measured points, and the chosen B as a red square. */
  function drawNoise(p, noise, chosen) {
    var f = X.frame, W = f.W, H = f.H, M = f.M;
    X.clear(p);
    var sizes = noise.batch_sizes, bmax = sizes[sizes.length - 1];
    var all = noise.std.concat(noise.std_theory, noise.std_iid);
    var elo = Math.floor(Math.log10(Math.min.apply(null, all))), ehi = Math.ceil(Math.log10(Math.max.apply(null, all)));
    var sx = X.scale(1, bmax, M.l, W - M.r, true), sy = X.scale(Math.pow(10, elo), Math.pow(10, ehi), H - M.b, M.t, true);
    var xticks = [1, 8, 64, 512].filter(function (b) { return b <= bmax; }).map(function (b) { return [b, String(b)]; });
    var yticks = [];
    for (var e = elo; e <= ehi; e++) yticks.push([Math.pow(10, e), X.decadeLabel(e)]);
    X.axes(p, sx, sy, xticks, yticks, "배치 크기 B (로그 눈금)", "표준편차 (로그 눈금)");
    function line(ys, cls) {
      X.polyline(p.plot, noise.fine.map(function (b, i) { return [sx(b), sy(ys[i])]; }), cls, false);
    }
    line(noise.std_iid, "sgd-explore-base sgd-explore-dashed");
    line(noise.std_theory, "sgd-explore-ink");
    sizes.forEach(function (b, i) {
      el("svg:circle", {cx: sx(b).toFixed(2), cy: sy(noise.std[i]).toFixed(2), r: 3.2, "class": "sgd-explore-now"}, p.plot);
    });
    var at = sizes.indexOf(chosen);
    if (at >= 0) {
      var x = sx(chosen), y = sy(noise.std[at]);
      el("svg:rect", {x: (x - 6).toFixed(2), y: (y - 6).toFixed(2), width: 12, height: 12,
                      "class": "sgd-explore-now sgd-explore-out"}, p.plot);
      el("svg:text", {x: Math.min(x + 9, W - M.r - 44).toFixed(2), y: (y - 9).toFixed(2), "class": "sgd-explore-note"},
         p.plot, "B=" + chosen);
    }
  }

  X.register("minibatch-noise", {
    title: "배치 크기와 학습률 배수: 같은 4에폭 동안의 손실, 그리고 기울기 잡음의 1/√B 법칙",
    panels: ["검증 손실 (에폭마다, " + CAP + " 위는 " + CAP + "에)", "스텝마다의 학습 손실 (" + CAP + " 위는 " + CAP + "에)",
             "기울기 잡음의 표준편차 (로그-로그)"],
    legend: [["sgd-explore-ink", "기준 B = 32, η = 0.02"], ["sgd-explore-red", "고른 B 와 η"],
             ["sgd-explore-dotkey", "고른 B 의 잡음 (잡음 그림의 빨간 표시)"]],
    note: "미리 계산한 격자(배치 크기 7개 × 학습률 배수 9개, sgd_reference 로 float64 계산)에서 고릅니다. 기울기 잡음 그림: 점은 " +
          "1절에서 미니배치 2,000개로 잰 표준편차, 실선은 비복원 추출 이론 √((N−B)/(N−1)·σ²/B), 점선은 σ/√B 입니다.",
    draw: function (data, point, idx, panels) {
      var runs = [{r: data.base, cls: "sgd-explore-ink"}, {r: point, cls: "sgd-explore-red"}];
      drawSeries(panels[0], runs.map(function (x) {
        return {xs: x.r.val.map(function (v, i) { return i + 1; }), ys: x.r.val, cls: x.cls, divergedAt: x.r.diverged_at};
      }), {xlabel: "에폭", ylabel: "검증 손실", xmax: data.epochs, cap: CAP});
      drawSeries(panels[1], runs.map(function (x) {
        return {xs: epochs(x.r), ys: x.r.train, cls: x.cls, divergedAt: x.r.diverged_at};
      }), {xlabel: "에폭", ylabel: "학습 손실", xmax: data.epochs, cap: CAP});
      drawNoise(panels[2], data.noise, data.controls[0].values[idx.batch_size]);
      return [point.text, point.diverged_at !== null];
    }
  });
})();
