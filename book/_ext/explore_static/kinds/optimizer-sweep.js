/* Precomputed explorable "optimizer-sweep" (Lab 07: optimizer, learning rate and seed at the sweep's 150 steps; the
   loss and validation accuracy against the two usual settings, as the notebook's panel draws them, and the sweep:
   final validation accuracy against η for the chosen optimizer and seed, read from the same grid).
   Data: book/_ext/explore_data/optimizer-sweep.json, inlined in the page by book/_ext/explorable.py; drawn with the
   helpers of sgd-explore.js, which must load first (both are deferred, in this order). */
(function () {
  "use strict";
  var X = window.SGDExplore, drawSeries = X.drawSeries, sampledSteps = X.sampledSteps;
  var REF = {sgd_momentum: "sgd-explore-gd", adam: "sgd-explore-heavy"};

  X.register("optimizer-sweep", {
    title: "옵티마이저, 학습률, 시드에 따른 학습 손실과 검증 정확도, 그리고 학습률 스윕 (실습 7, 150 스텝)",
    panels: ["학습 손실 (10 스텝 이동 평균, 10 위는 10에)", "검증 정확도", "스윕: 150 스텝 뒤 검증 정확도 (점선 = 최고 − 2%p)"],
    legend: [["sgd-explore-gd", "기준: SGD + 모멘텀 0.9 η=0.01"], ["sgd-explore-heavy", "기준: Adam η=0.001"],
             ["sgd-explore-red", "고른 옵티마이저와 학습률 (스윕에서는 같은 옵티마이저의 모든 η)"]],
    note: "미리 계산한 실행 165개(옵티마이저 3개 × 학습률 11개 × 시드 5개, 3절 스윕과 같은 150 스텝, sgd_reference 로 float64 " +
          "계산)에서 고릅니다. 시드는 초기 가중치와 미니배치 순서를 정합니다. 스윕 그림의 빈 칸(맨 아래 점)은 발산한 학습률입니다.",
    draw: function (data, point, idx, panels) {
      var c = {};
      data.controls.forEach(function (control) { c[control.name] = control; });
      var name = c.optimizer.values[idx.optimizer];
      var runs = Object.keys(data.references).map(function (n) {
        return {r: data.references[n][idx.seed], cls: REF[n]};
      }).concat([{r: point, cls: "sgd-explore-red"}]);
      drawSeries(panels[0], runs.map(function (x) {
        return {xs: sampledSteps(x.r.n, data.every, x.r.loss.length), ys: x.r.loss, cls: x.cls, divergedAt: x.r.diverged_at};
      }), {xlabel: "스텝", ylabel: "손실", xmax: data.steps, cap: 10});
      drawSeries(panels[1], runs.map(function (x) {
        return {xs: x.r.eval_steps, ys: x.r.acc, cls: x.cls, divergedAt: x.r.diverged_at};
      }), {xlabel: "스텝", ylabel: "정확도", xmax: data.steps, ylim: [0, 1.02]});
      /* The sweep: this optimizer's and seed's final accuracy at every η of the grid (null = diverged). */
      var lrs = c.lr.values, finals = lrs.map(function (_, k) {
        var at = (idx.optimizer * lrs.length + k) * c.seed.values.length + idx.seed, r = data.points[at];
        return r.diverged_at !== null || !r.acc.length ? null : r.acc[r.acc.length - 1];
      });
      var best = Math.max.apply(null, finals.filter(function (v) { return v !== null; }));
      var sweep = [{xs: lrs, ys: finals, cls: "sgd-explore-red", markers: true},
                   {xs: [lrs[0], lrs[lrs.length - 1]], ys: [best - data.good_margin, best - data.good_margin],
                    cls: "sgd-explore-ink", dashed: true},
                   {xs: [lrs[idx.lr], lrs[idx.lr]], ys: [0, 1.02], cls: "sgd-explore-ink"}];
      finals.forEach(function (v, k) { if (v === null) sweep.push({xs: [lrs[k]], ys: [0.02], cls: "sgd-explore-red", markers: true}); });
      drawSeries(panels[2], sweep, {xlabel: "학습률 η (로그 눈금)", ylabel: "정확도", xmin: lrs[0],
                                    xmax: lrs[lrs.length - 1], xlog: true, ylim: [0, 1.02]});
      return [point.text, point.diverged_at !== null];
    }
  });
})();
